import type { ProxyOutputs } from "../outputs";
import { VendorId, vendorIds, VendorRegion, vendorRegions } from "../model/types";
import { CdnKind, ProxyTarget } from "./types";

/** A proxy of the stack outputs that cannot be probed, and why. */
export interface Unprobed {
    readonly proxy: string;
    readonly reason: string;
}

export interface Targets {
    readonly targets: ProxyTarget[];
    readonly unprobed: Unprobed[];
}

/**
 * The proxies of a stack's outputs: `pulumi stack output --json` (`{proxies: {...}, warnings}`), or the offline
 * plan's `--json` document (`{resources, outputs: {proxies}}`).
 */
export function targetsFromOutputs(document: unknown): Targets {
    const root = document as { proxies?: unknown; outputs?: { proxies?: unknown } } | null;
    const proxies = root?.proxies ?? root?.outputs?.proxies;
    if (typeof proxies !== "object" || proxies === null || Array.isArray(proxies)) {
        throw new Error("the outputs have no `proxies` object: expected the JSON of `pulumi stack output --json`");
    }
    const targets: ProxyTarget[] = [];
    const unprobed: Unprobed[] = [];
    for (const [name, value] of Object.entries(proxies as Record<string, Partial<ProxyOutputs>>)) {
        const target = targetFromProxyOutputs(name, value);
        if ("reason" in target) unprobed.push(target);
        else targets.push(target);
    }
    return { targets, unprobed };
}

function targetFromProxyOutputs(name: string, outputs: Partial<ProxyOutputs>): ProxyTarget | Unprobed {
    const vendor = outputs.vendor as VendorId;
    if (!vendorIds.includes(vendor)) return { proxy: name, reason: `unknown vendor ${JSON.stringify(outputs.vendor)}` };
    const region: VendorRegion = vendorRegions.includes(outputs.region as VendorRegion) ? (outputs.region as VendorRegion) : "us";
    const cdn = cdnOfOutputs(outputs.cdn);
    const sdk = (outputs.sdk ?? {}) as Record<string, string | undefined>;
    const firstUrl = outputs.urls?.[0];
    switch (vendor) {
        case "segment": {
            const cdnHost = hostOf(sdk.cdnURL) ?? hostOf(firstUrl);
            const apiHost = hostOf(sdk.apiHost ? `https://${sdk.apiHost}` : undefined) ?? cdnHost;
            if (!cdnHost || !apiHost) {
                return {
                    proxy: name,
                    reason: "Segment managed Custom Domain by delegation: Segment names the hosts once it has verified the delegation; verify them with --url",
                };
            }
            return { name, vendor, region, cdn, cdnHost, apiHost };
        }
        case "posthog": {
            const host = hostOf(sdk.api_host) ?? hostOf(firstUrl);
            if (!host) return { proxy: name, reason: "the outputs name no URL for it" };
            // PostHog's managed reverse proxy: the outputs' one CNAME names the target PostHog generated.
            const managed = cdn === "managed" ? outputs.dnsRecords?.find((r) => r.type === "CNAME" && r.name === host.split(":")[0]) : undefined;
            return managed ? { name, vendor, region, cdn, host, managedTarget: managed.value } : { name, vendor, region, cdn, host };
        }
        case "amplitude": {
            const configUrl = sdk.configServerUrl ?? sdk.remoteConfigServerUrl;
            const host = hostOf(configUrl) ?? hostOf(firstUrl);
            if (!host) return { proxy: name, reason: "the outputs name no URL for it" };
            const analytics = sdk.serverUrl !== undefined;
            // Outputs from before Analytics name only the Session Replay URLs.
            return { name, vendor, region, cdn, host, base: pathOf(configUrl).replace(/\/config$/, ""), analytics, sessionReplay: sdk.trackServerUrl !== undefined || !analytics };
        }
        case "vtex": {
            const host = hostOf(sdk.storeUrl) ?? hostOf(firstUrl);
            if (!host) return { proxy: name, reason: "the outputs name no URL for it" };
            return { name, vendor, region, cdn, host };
        }
        case "mixpanel": {
            const host = hostOf(sdk.api_host) ?? hostOf(firstUrl);
            if (!host) return { proxy: name, reason: "the outputs name no URL for it" };
            return { name, vendor, region, cdn, host, base: pathOf(sdk.api_host) };
        }
        case "datadog": {
            const host = hostOf(sdk.proxy) ?? hostOf(firstUrl);
            if (!host) return { proxy: name, reason: "the outputs name no proxy URL for it" };
            return { name, vendor, region, cdn, host, base: pathOf(sdk.proxy), site: sdk.site ?? "datadoghq.com" };
        }
        case "plausible": {
            const host = hostOf(sdk.scriptSrc) ?? hostOf(firstUrl);
            if (!host || !sdk.scriptSrc || !sdk.apiEndpoint) return { proxy: name, reason: "the outputs name no script or event URL for it" };
            return { name, vendor, region, cdn, host, scriptPath: pathOf(sdk.scriptSrc), eventPath: pathOf(sdk.apiEndpoint) };
        }
        case "custom": {
            const host = hostOf(sdk.baseUrl) ?? hostOf(firstUrl);
            if (!host) return { proxy: name, reason: "the outputs name no URL for it" };
            return { name, vendor, region, cdn, host, base: pathOf(sdk.baseUrl) };
        }
        case "google": {
            const host = hostOf(sdk.scriptSrc) ?? hostOf(firstUrl);
            if (!host || !sdk.measurementPath) return { proxy: name, reason: "the outputs name no measurement path for it" };
            return { name, vendor, region, cdn, host, measurementPath: sdk.measurementPath, ...(sdk.tagId ? { tagId: sdk.tagId } : {}) };
        }
    }
}

/** The path of a base URL without its trailing slash (`https://m.example.com/k7` → `/k7`, no path → ""). */
function pathOf(url: string | undefined): string {
    if (!url) return "";
    try {
        return new URL(url).pathname.replace(/\/+$/, "");
    } catch {
        return "";
    }
}

/** The outputs' `cdn` (`cloudfront`, `cloudflare-worker`, `cloudflare-page-rule`, `cloudflare-dns`, `dns-only`). */
export function cdnOfOutputs(cdn: string | undefined): CdnKind {
    if (cdn === "cloudfront") return "cloudfront";
    if (cdn?.startsWith("cloudflare")) return "cloudflare";
    if (cdn === "dns-only") return "managed";
    return "unknown";
}

export interface UrlTargetOptions {
    readonly vendor: string;
    readonly region?: string;
    readonly url?: string;
    /** Segment's two-host shape. */
    readonly cdnUrl?: string;
    readonly apiUrl?: string;
    readonly cdn?: string;
}

/** A proxy built elsewhere, named by URL(s) on the command line. */
export function targetFromUrls(options: UrlTargetOptions): ProxyTarget {
    const vendor = options.vendor as VendorId;
    if (!vendorIds.includes(vendor)) throw new Error(`--vendor must be one of ${vendorIds.join(", ")}`);
    const region = (options.region ?? "us") as VendorRegion;
    if (!vendorRegions.includes(region)) throw new Error(`--region must be one of ${vendorRegions.join(", ")}`);
    const cdn = options.cdn === undefined ? "unknown" : (options.cdn as CdnKind);
    if (!["cloudfront", "cloudflare", "managed", "unknown"].includes(cdn)) throw new Error("--cdn must be cloudfront, cloudflare or managed");
    const url = requiredHost("--url", options.url, vendor !== "segment" || !(options.cdnUrl || options.apiUrl));
    const name = `${vendor} (${[options.url, options.cdnUrl, options.apiUrl].filter(Boolean).map((u) => hostOf(u)).join(", ")})`;
    if (vendor === "segment") {
        const cdnHost = url ?? requiredHost("--cdn-url", options.cdnUrl, true)!;
        const apiHost = options.apiUrl ? requiredHost("--api-url", options.apiUrl, true)! : cdnHost;
        return { name, vendor, region, cdn, cdnHost, apiHost };
    }
    if (vendor === "mixpanel") return { name, vendor, region, cdn, host: url!, base: pathOf(options.url) };
    if (vendor === "datadog") return { name, vendor, region, cdn, host: url!, base: pathOf(options.url), site: "datadoghq.com" };
    // A proxy built elsewhere: Amplitude's own paths under the URL's path, both products probed.
    if (vendor === "amplitude") return { name, vendor, region, cdn, host: url!, base: pathOf(options.url), analytics: true, sessionReplay: true };
    if (vendor === "custom") return { name, vendor, region, cdn, host: url!, base: pathOf(options.url) };
    if (vendor === "google") {
        // The URL names the measurement path: https://www.example.com/metrics.
        const measurementPath = pathOf(options.url);
        if (!/^\/[A-Za-z0-9]+$/.test(measurementPath)) throw new Error("--vendor google needs --url https://<host>/<measurement path> (e.g. https://www.example.com/metrics)");
        return { name, vendor, region, cdn, host: url!, measurementPath };
    }
    if (vendor === "plausible") {
        // The vendor's own paths under the URL's path (a proxy built elsewhere serves Plausible's names).
        const base = pathOf(options.url);
        return { name, vendor, region, cdn, host: url!, scriptPath: `${base}/js/script.js`, eventPath: `${base}/api/event` };
    }
    return { name, vendor, region, cdn, host: url! };
}

function requiredHost(option: string, value: string | undefined, required: boolean): string | undefined {
    if (value === undefined) {
        if (required) throw new Error(`${option} <https://host> is required`);
        return undefined;
    }
    const host = hostOf(/^[a-z]+:\/\//i.test(value) ? value : `https://${value}`);
    if (!host) throw new Error(`${option} ${value} is not a URL`);
    return host;
}

/** The host of a URL, with its port when it is not the scheme's default (`https://127.0.0.1:8443` keeps `:8443`). */
function hostOf(url: string | undefined): string | undefined {
    if (!url) return undefined;
    try {
        return new URL(url).host || undefined;
    } catch {
        return undefined;
    }
}
