/*
 * What the proxy-overhead bench compares: the same requests straight to the origin, through nginx (the Amplitude
 * seed's config), through a bare pass-through Worker, and through our generated Worker for each vendor that is
 * served by a Worker on Cloudflare (VTEX is proxied by DNS there, so it has no Worker to measure).
 */
import { WorkerSettings } from "../components/cloudflare/worker/settings";
import { cacheableMethods } from "../components/cloudflare/worker/source";
import { buildProxySpec } from "../components/model/proxySpec";
import { Site, VendorId } from "../components/model/types";
import { Workload } from "./load";

export type VariantKind = "direct" | "nginx" | "bare" | "ours" | "ablation" | "miniflare";

/** The request paths of one vendor's SDK, per workload. */
export interface VendorPaths {
    /** Where the SDK POSTs its events. */
    readonly event: string;
    /** A GET answered with the 100 KB script. */
    readonly asset: string;
}

export const workerVendors = ["segment", "posthog", "amplitude"] as const satisfies readonly VendorId[];
export type WorkerVendor = (typeof workerVendors)[number];

export const vendorHost: { readonly [v in WorkerVendor]: string } = {
    segment: "s.example.com",
    posthog: "e.example.com",
    amplitude: "r.example.com",
};

/**
 * Amplitude's paths serve direct, nginx and the bare Worker too: the seed's nginx proxies only `/sessions/v2/track`
 * and `/config`, so its 100 KB GET is `/config/bench.js` (a prefix match of `location /config`, as of the Worker's
 * `/config*` route); the origin answers any GET of a `.js` path with the script.
 */
export const vendorPaths: { readonly [v in WorkerVendor]: VendorPaths } = {
    segment: { event: "/v1/t", asset: "/analytics.js/v1/WRITEKEY/analytics.min.js" },
    posthog: { event: "/i/v0/e/", asset: "/static/array.js" },
    amplitude: { event: "/sessions/v2/track", asset: "/config/bench.js" },
};

export interface Variant {
    /** Short id used in tables and work directories (`direct`, `nginx`, `bare`, `posthog`, `miniflare-amplitude`). */
    readonly id: string;
    readonly label: string;
    readonly kind: VariantKind;
    readonly vendor: WorkerVendor;
    /** For an ablation: the feature turned off in our Worker's settings (the source stays the same). */
    readonly feature?: Feature;
}

export function variantPath(variant: Variant, workload: Workload): string {
    return vendorPaths[variant.vendor][workload.id];
}

export const directVariant: Variant = { id: "direct", label: "direct to origin", kind: "direct", vendor: "amplitude" };
export const nginxVariant: Variant = { id: "nginx", label: "nginx (Amplitude seed config)", kind: "nginx", vendor: "amplitude" };
export const bareVariant: Variant = { id: "bare", label: "bare pass-through Worker", kind: "bare", vendor: "amplitude" };
export const ourVariants: readonly Variant[] = workerVendors.map((vendor) => ({
    id: vendor,
    label: `our Worker: ${vendor}`,
    kind: "ours",
    vendor,
}));
export const miniflareVariant: Variant = {
    id: "miniflare-amplitude",
    label: "our Worker: amplitude, under Miniflare",
    kind: "miniflare",
    vendor: "amplitude",
};

/** The site a vendor's single-host config expands to (US region), as the Cloudflare adapter would serve it. */
export function vendorSite(vendor: WorkerVendor): Site {
    const spec = buildProxySpec({
        kind: "cdn",
        name: `bench-${vendor}`,
        vendor,
        region: "us",
        layout: "single",
        hostnames: { main: vendorHost[vendor] },
    });
    return spec.sites[0];
}

/** A feature of our Worker that its SETTINGS binding can turn off, and how: its cost is ours minus ours without it. */
export interface Feature {
    readonly id: string;
    readonly label: string;
    readonly off: (s: WorkerSettings) => WorkerSettings;
    /** Whether the feature does anything for this workload's requests; absent: always. */
    readonly appliesTo?: (w: Workload) => boolean;
}

const mapValues = <T, U>(o: { readonly [k: string]: T }, f: (v: T) => U): { [k: string]: U } =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

export const features: readonly Feature[] = [
    {
        id: "cache",
        label: "cache bypass",
        off: (s) => ({ ...s, routes: s.routes.map((r) => ({ ...r, cache: "origin" as const })) }),
        appliesTo: (w) => cacheableMethods.includes(w.method),
    },
    {
        id: "cookies",
        label: "cookie stripping",
        off: (s) => ({ ...s, origins: mapValues(s.origins, (o) => ({ ...o, stripCookies: false })) }),
    },
    {
        id: "clientIp",
        label: "client IP forwarding",
        off: (s) => ({ ...s, origins: mapValues(s.origins, (o) => ({ ...o, forwardClientIp: false })) }),
    },
];

/**
 * Amplitude's Worker bypasses the cache (on GET and HEAD only): `npm run bench` also runs it with the bypass turned
 * off, on the workloads it applies to. (Edge CORS is no longer the Worker's work: the zone's response header rules
 * add those headers, see components/cloudflare/edgeHeaderRules.ts.)
 */
export const ablationVariants: readonly Variant[] = ["cache"].map((id) => {
    const feature = features.find((f) => f.id === id)!;
    return { id: `amplitude-minus-${id}`, label: `our Worker: amplitude minus ${feature.label}`, kind: "ablation", vendor: "amplitude", feature };
});
