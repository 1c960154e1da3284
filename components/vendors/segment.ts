import { Route } from "../model/types";
import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

// Segment's Self-Managed Custom Proxy guide: no cache key headers and no origin request policy, or Segment answers 403 to the viewer's Host.
const toCdn = (pathPattern: string): Route => ({
    ...defaultRoute,
    pathPattern,
    originId: "cdn",
    cache: { mode: "optimized" },
});
const toApi = (pathPattern: string): Route => ({ ...defaultRoute, pathPattern, originId: "api" });

export const segment = {
    id: "segment",
    displayName: "Segment",
    source: vendorDocuments.segmentCustomProxy,
    endpoints: {
        us: { cdn: "cdn.segment.com", api: "api.segment.io" },
        // Regional (EU) workspaces send events to their own API; the CDN stays global.
        eu: { cdn: "cdn.segment.com", api: "events.eu1.segmentapis.com" },
    },
    origins: {
        cdn: { protocol: "https", host: "origin", forwardClientIp: false, cookies: "strip" },
        api: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
    },
    layouts: {
        // One hostname: the CDN's paths (analytics-next loads lazy bundles from <cdnURL>/analytics-next/), the rest to the API.
        single: [
            {
                role: "main",
                routes: [
                    toCdn("/analytics.js/*"),
                    toCdn("/v1/projects/*"),
                    toCdn("/next-integrations/*"),
                    toCdn("/analytics-next/*"),
                    toApi("*"),
                ],
            },
        ],
        // The guide's shape: one hostname proxies the CDN, another the Tracking API.
        split: [
            { role: "cdn", routes: [toCdn("*")] },
            { role: "api", routes: [toApi("*")] },
        ],
    },
    // EasyPrivacy's generic filter `/analytics.js/v1/*` blocks the loader on any hostname. The snippet's src and
    // `analytics._cdn` come from our outputs, so the loader can live under another name; the SDK builds every other
    // path (settings, bundles, integrations) from cdnURL, and those pass the lists.
    publicRenames: [{ vendor: "/analytics.js/", public: "/lib/", originId: "cdn", blockedBy: "EasyPrivacy: /analytics.js/v1/*" }],
    notes: [],
    todo: ["Ask Segment support to enable the proxy for the source, then set Settings > Analytics.js > Host Address to the apiHost output."],
} as const satisfies VendorPreset<"cdn" | "api">;
