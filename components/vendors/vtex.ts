import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

// VTEX's reverse proxy guide: VTEX serves the store by its own hostname, so Host and cookies are kept, and nothing is cached here.
const storeRoute = { ...defaultRoute, forward: { mode: "allViewer" } } as const;

export const vtex = {
    id: "vtex",
    displayName: "VTEX",
    source: vendorDocuments.vtexReverseProxy,
    // VTEX has no regions: its CDN hostname is derived from the store's.
    endpoints: {
        us: { store: "{host}.cdn.vtex.com", acme: "{host}.cdn.vtex.com" },
    },
    origins: {
        store: { protocol: "https", host: "viewer", forwardClientIp: true, cookies: "forward" },
        // VTEX issues the store's certificate over plain HTTP: the challenge must reach it unchanged.
        acme: { protocol: "http", host: "viewer", forwardClientIp: true, cookies: "forward" },
    },
    layouts: {
        single: [
            {
                role: "store",
                routes: [
                    {
                        ...storeRoute,
                        pathPattern: "/.well-known/acme-challenge/*",
                        originId: "acme",
                        methods: "read",
                        viewerProtocol: "allow",
                    },
                    { ...storeRoute, pathPattern: "*", originId: "store" },
                ],
            },
        ],
    },
    todo: [
        "VTEX's go-live check looks for the store hostname in other CDNs, and CloudFront refuses an alternate domain name another distribution holds (CNAMEAlreadyExists): remove the hostname from any other distribution first.",
    ],
    notes: [
        "CAA records on the zone must allow the certificate authorities VTEX uses (Let's Encrypt), or VTEX cannot issue the store's certificate.",
    ],
} as const satisfies VendorPreset<"store" | "acme">;
