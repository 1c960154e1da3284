import { Route } from "../model/types";
import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

/*
 * Mixpanel's tracking-proxy (the nginx configuration its "Tracking via Proxy" docs point to): the JavaScript library
 * from cdn.mxpnl.com, everything else (/track, /engage, /groups, /decide, /flags, /record) to the ingestion API with
 * the API's own Host and the client's address in X-Forwarded-For (Mixpanel geolocates it when the SDK sends `ip=1`).
 * The browser SDK's default API is api-js.mixpanel.com; EU residency projects send to api-eu.mixpanel.com.
 *
 * No path is renamed in the public layout: uBlock Origin's default lists match Mixpanel's hosts (`||mxpnl.com^$3p`,
 * `||api-js.mixpanel.com^`), not its paths, so `/libs/mixpanel-2-latest.min.js`, `/track/`, `/engage/` and `/decide`
 * pass under the proxy's prefix (checked with the engine and the lists of `npm run blockers`).
 */

// The library: cached by the CDN's own Cache-Control; nothing of the viewer's reaches the CDN.
const toCdn = (pathPattern: string): Route => ({ ...defaultRoute, pathPattern, originId: "cdn", methods: "read", cache: { mode: "optimized" } });

export const mixpanel = {
    id: "mixpanel",
    displayName: "Mixpanel",
    source: vendorDocuments.mixpanelTrackingProxy,
    endpoints: {
        us: { cdn: "cdn.mxpnl.com", api: "api-js.mixpanel.com" },
        // EU Data Residency: the ingestion API's EU host; the library's CDN is global.
        eu: { cdn: "cdn.mxpnl.com", api: "api-eu.mixpanel.com" },
    },
    origins: {
        cdn: { protocol: "https", host: "origin", forwardClientIp: false, cookies: "strip" },
        api: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
    },
    layouts: {
        single: [
            {
                role: "main",
                routes: [
                    toCdn("/libs/*"),
                    {
                        ...defaultRoute,
                        pathPattern: "*",
                        originId: "api",
                        // Never cached; the query (`ip=1`, `verbose=1`, the payload of GET requests) and the CORS
                        // request's Origin reach the API, which answers CORS itself. No cookies.
                        forward: { mode: "custom", headers: ["Origin"], queryStrings: "all" },
                    },
                ],
            },
        ],
    },
    notes: [],
} as const satisfies VendorPreset<"cdn" | "api">;
