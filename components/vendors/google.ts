import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

/*
 * Google tag gateway for advertisers ("Set up Google tag gateway for advertisers", manual setup with a CDN or load
 * balancer): every request under a measurement path of the site's own (`/<path>/*`) goes to `<TAG_ID>.fps.goog` with
 * that Host, the path kept as it is (Google serves the tag and takes its hits under the same path), with the
 * viewer's country and region in Google's geolocation headers. `<path>/healthy` answers `ok` once the route works.
 *
 * On Cloudflare the gateway is the zone's own setting (Cloudflare's Google tag gateway, `cloudflare.GoogleTagGateway`):
 * Cloudflare routes the endpoint path of every proxied hostname of the zone itself. CloudFront gets the route below.
 *
 * The endpoint's hostname is `{tagId}.fps.goog`, the tag ID in lower case; the measurement path comes from the config
 * (proxySpec.ts builds the route `<path>/*` from the route template here).
 */

export const google = {
    id: "google",
    displayName: "Google tag gateway",
    source: vendorDocuments.googleTagGatewaySetup,
    // One endpoint per tag, no region to choose: the model's default key.
    endpoints: {
        us: { gateway: "{tagId}.fps.goog" },
    },
    origins: {
        // Google geolocates the visitor from the address in X-Forwarded-For (CloudFront always sends it) and the
        // geolocation headers. No cookies: Google's tags keep their identifiers in cookies their script reads and
        // sends in the hits themselves, so the site's own cookies (sessions, logins) never reach Google.
        gateway: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
    },
    layouts: {
        single: [
            {
                role: "main",
                routes: [
                    {
                        ...defaultRoute,
                        // Replaced by `<measurement path>/*`; everything else on the hostname is answered 404 by the edge.
                        pathPattern: "*",
                        originId: "gateway",
                        // Never cached: the loader depends on its query (`id`), the hits are per visitor. The query,
                        // the browser's User-Agent and Accept-Language, the CORS Origin and the geolocation headers
                        // the edge sets (from CloudFront's viewer country and region headers) reach Google.
                        forward: {
                            mode: "custom",
                            headers: [
                                "Origin",
                                "User-Agent",
                                "Accept-Language",
                                "CloudFront-Viewer-Country",
                                "CloudFront-Viewer-Country-Region",
                                "X-Forwarded-Country",
                                "X-Forwarded-Region",
                                "X-Forwarded-CountryRegion",
                            ],
                            queryStrings: "all",
                        },
                        viewerGeo: "forwardedHeaders",
                    },
                ],
            },
        ],
    },
    notes: [
        "Google tag gateway serves on the website's own hostname: the measurement path must be routed by the CDN in front of the pages that load the tag.",
        "uBlock Origin's default lists block Google's hits on any hostname (EasyPrivacy /collect?v=): the gateway keeps the tag and its cookies first-party, it does not get hits past those blockers.",
    ],
} as const satisfies VendorPreset<"gateway">;
