import { Route } from "../model/types";
import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

// PostHog's AWS CloudFront reverse proxy guide step 2: Origin and Authorization in the key, all query strings, no cookies.
const posthogCache = { mode: "keyed", headers: ["Origin", "Authorization"], queryStrings: "all" } as const;

// PostHog's AWS CloudFront reverse proxy guide step 6: assets and remote config come from the assets host, which keeps their cache-control headers.
const toAssets = (pathPattern: string): Route => ({
    ...defaultRoute,
    pathPattern,
    originId: "assets",
    methods: "read",
    cacheOptions: true,
    cache: posthogCache,
    forward: { mode: "custom", headers: ["Origin"], queryStrings: "all" },
    cors: { mode: "edgePreflight", securityHeaders: true },
});

export const posthog = {
    id: "posthog",
    displayName: "PostHog",
    source: vendorDocuments.posthogCloudFront,
    endpoints: {
        us: { main: "us.i.posthog.com", assets: "us-assets.i.posthog.com" },
        eu: { main: "eu.i.posthog.com", assets: "eu-assets.i.posthog.com" },
    },
    origins: {
        // Ingestion geolocates the first X-Forwarded-For address.
        main: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
        // The assets host refuses Cloudflare's forwarding headers from another zone (Error 1000).
        assets: { protocol: "https", host: "origin", forwardClientIp: false, cookies: "strip" },
    },
    layouts: {
        single: [
            {
                role: "main",
                routes: [
                    toAssets("/static/*"),
                    toAssets("/array/*"),
                    {
                        ...defaultRoute,
                        pathPattern: "*",
                        originId: "main",
                        cacheOptions: true,
                        cache: posthogCache,
                        forward: { mode: "corsCustomOrigin" },
                    },
                ],
            },
        ],
    },
    notes: [
        "If a WAF is put in front of the proxy, its body size limit must be at least 64 MB (session recordings).",
    ],
} as const satisfies VendorPreset<"main" | "assets">;
