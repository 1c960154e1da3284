import { Route } from "../model/types";
import { vendorDocuments } from "./documents";
import { defaultRoute, SiteTemplate, VendorPreset } from "./preset";

/*
 * Amplitude's browser SDKs, from Amplitude's proxy documents: every request forwarded with all viewer headers but
 * Host, the body and Amplitude's answer unchanged, nothing cached.
 * - Session Replay ("Self-Host Session Replay SDKs"): recordings to `/sessions/v2/track` on api-sr, its remote config
 *   under `/config` on sr-client-cfg.
 * - Analytics ("Proxy Analytics SDK requests"): the Browser SDK's events to the HTTP V2 API (`/2/httpapi`) or, with
 *   `useBatch`, the Batch API (`/batch`) on api2.amplitude.com or api.eu.amplitude.com; its remote config
 *   (`remoteConfig.serverUrl`, Browser SDK 2.28+) is served by the same sr-client-cfg `/config` as Session Replay's.
 *
 * The products a proxy serves are its layout (one hostname each): `single` is Session Replay alone (what `amplitude`
 * proxies were before Analytics, kept as the default so that existing stacks plan unchanged), `analytics` the Browser
 * SDK alone, `analyticsAndReplay` both on one hostname.
 */
const amplitudeRoute = {
    ...defaultRoute,
    cacheOptions: true,
    cache: { mode: "disabled" },
    // Every viewer header but Host, never the site's cookies (CloudFront's managed AllViewerExceptHostHeader would send them).
    forward: { mode: "allViewerExceptHostNoCookies" },
    cors: { mode: "edgePreflight", securityHeaders: true },
} as const satisfies Omit<Route, "pathPattern" | "originId">;

const remoteConfig: Route = { ...amplitudeRoute, pathPattern: "/config*", originId: "config", methods: "read" };
const httpApi: Route = { ...amplitudeRoute, pathPattern: "/2/httpapi*", originId: "api" };
const batchApi: Route = { ...amplitudeRoute, pathPattern: "/batch*", originId: "api" };

const site = (routes: Route[]): SiteTemplate[] => [{ role: "main", routes }];

/** Amplitude products a proxy can serve (`products` in the config). */
export const amplitudeProducts = ["analytics", "sessionReplay"] as const;
export type AmplitudeProduct = (typeof amplitudeProducts)[number];

/** The preset layout that serves `products` (one hostname). */
export function amplitudeLayout(products: readonly AmplitudeProduct[]): "single" | "analytics" | "analyticsAndReplay" {
    const analytics = products.includes("analytics");
    const replay = products.includes("sessionReplay");
    return analytics && replay ? "analyticsAndReplay" : analytics ? "analytics" : "single";
}

/** The products a layout of this preset serves (the inverse of amplitudeLayout). */
export function amplitudeProductsOf(layout: string): { readonly analytics: boolean; readonly sessionReplay: boolean } {
    return { analytics: layout === "analytics" || layout === "analyticsAndReplay", sessionReplay: layout === "single" || layout === "analyticsAndReplay" };
}

export const amplitude = {
    id: "amplitude",
    displayName: "Amplitude",
    source: [vendorDocuments.amplitudeSelfHosting, vendorDocuments.amplitudeAnalyticsProxy, vendorDocuments.amplitudeRemoteConfigProxy],
    endpoints: {
        us: { track: "api-sr.amplitude.com", config: "sr-client-cfg.amplitude.com", api: "api2.amplitude.com" },
        eu: { track: "api-sr.eu.amplitude.com", config: "sr-client-cfg.eu.amplitude.com", api: "api.eu.amplitude.com" },
    },
    origins: {
        track: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
        config: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
        // Amplitude geolocates an event by the address it arrives from unless the event carries its own `ip`.
        api: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
    },
    layouts: {
        single: site([remoteConfig, { ...amplitudeRoute, pathPattern: "*", originId: "track" }]),
        analytics: site([remoteConfig, { ...amplitudeRoute, pathPattern: "*", originId: "api" }]),
        analyticsAndReplay: site([httpApi, batchApi, remoteConfig, { ...amplitudeRoute, pathPattern: "*", originId: "track" }]),
    },
    notes: [],
} as const satisfies VendorPreset<"track" | "config" | "api">;
