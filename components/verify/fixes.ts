import { VendorId, VendorRegion } from "../model/types";
import { CdnKind } from "./types";

/*
 * The fix for each failure, as the vendors' public documents (components/vendors/documents.ts) state it. Where the
 * advice depends on the CDN and the CDN is unknown, both variants are given.
 */

type PerCdn = { readonly cloudfront: string; readonly cloudflare: string; readonly managed?: string };

function byCdn(cdn: CdnKind, advice: PerCdn): string {
    if (cdn === "cloudfront") return advice.cloudfront;
    if (cdn === "cloudflare") return advice.cloudflare;
    if (cdn === "managed" && advice.managed) return advice.managed;
    return `CloudFront: ${advice.cloudfront} Cloudflare: ${advice.cloudflare}`;
}

const managedSegment =
    "The vendor runs this managed domain: check the NS/CNAME records it gave you, then Segment: contact Segment support; PostHog: run Diagnose on the proxy in PostHog's organization proxy settings.";

export const fixes = {
    /** The origin refused the request as if it got the proxy's Host (Segment 403, PostHog 401/403, Amplitude 403). */
    hostRefused(vendor: VendorId, cdn: CdnKind): string {
        const cloudfront: Record<VendorId, string> = {
            segment:
                "Send the origin its own Host: cache key headers None and an origin request policy that is not AllViewer (Segment's Self-Managed Custom Proxy guide, CloudFront 403).",
            posthog:
                "Cache policy with Origin and Authorization headers and all query strings, CORS-CustomOrigin on the default behaviour, the origin matching your region, never the viewer's Host (PostHog's AWS CloudFront reverse proxy guide, 403 Forbidden).",
            amplitude:
                "An origin request policy with every viewer header but Host and no cookies (headers allExcept Host): the Host must be the Amplitude endpoint, not your proxy domain (Amplitude's Self-Host Session Replay guide, 403 Forbidden).",
            vtex: "VTEX needs the store's own Host (origin request policy AllViewer) and the _<host> TXT record (VTEX's reverse proxy guide).",
            plausible:
                "Send plausible.io its own Host: an origin request policy that is not AllViewer, forwarding Origin, User-Agent and all query strings (Plausible's CloudFront proxy guide).",
            mixpanel:
                "Send the origin its own Host (proxy_set_header Host in Mixpanel's tracking-proxy): an origin request policy that is not AllViewer, forwarding Origin and all query strings.",
            custom: "Send the origin its own Host: an origin request policy that is not AllViewer (the generated one forwards Origin, User-Agent, Accept-Language and the query, or every header but Host with cookies: forward).",
            google: "Send <TAG_ID>.fps.goog its own Host: an origin request policy that is not AllViewer (Google's Set up Google tag gateway for advertisers, manual setup).",
            datadog:
                "Send the intake its own Host (browser-intake-<site>): an origin request policy that is not AllViewer, forwarding all query strings, with the ddforward viewer-request function on the behaviour (Datadog's Proxy Your Browser RUM Data).",
        };
        return byCdn(cdn, {
            cloudfront: cloudfront[vendor],
            cloudflare:
                vendor === "vtex"
                    ? "VTEX needs the store's own Host: proxied DNS (not a Worker) and the _<host> TXT record (VTEX's reverse proxy guide)."
                    : "Cloudflare sends your hostname as Host: use a Worker that fetches the origin by its own hostname (cloudflare mode worker, the bulk origin override pattern) or, on Enterprise, a Page Rule with Host Header Override and Resolve Override to the origin (Segment's Self-Managed Custom Proxy guide, Cloudflare 403).",
            managed: managedSegment,
        });
    },

    /** A Cloudflare error page instead of the vendor. */
    cloudflareError(code: string | undefined, vendor: VendorId): string {
        switch (code) {
            case "1014":
                return "Error 1014 (CNAME Cross-User Banned): a proxied CNAME to a vendor host that is itself on Cloudflare is refused; proxy with a Worker (cloudflare mode worker) instead.";
            case "1000":
                return "Error 1000: the origin saw Cloudflare forwarding headers from another zone; the Worker must strip cf-*, cdn-loop and x-forwarded-* toward the origin (the generated Worker does: redeploy it), and DNS must not point at a Cloudflare IP.";
            case "520":
            case "521":
            case "522":
            case "523":
            case "524":
            case "525":
            case "526":
                return `Error ${code}: Cloudflare could not reach the origin over TLS; SSL mode Full (strict) and the origin's own hostname${vendor === "vtex" ? " (<host>.cdn.vtex.com)" : ""}.`;
            default:
                return "A Cloudflare page answered instead of the vendor: if 403, " + fixes.hostRefused(vendor, "cloudflare") + " If it is a WAF or bot challenge, skip it for this hostname.";
        }
    },

    /** The generated Worker answered itself. */
    workerError(reason: string): string {
        if (/unreachable/.test(reason)) return "The Worker could not reach the origin: check the origin hostname and region in the stack config, then redeploy.";
        if (/Method not allowed/.test(reason)) return "Every route must accept GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE (Segment's and PostHog's proxy guides).";
        return "Redeploy the generated Worker from the current stack config.";
    },

    /** The hostname does not resolve. */
    noDns(hostname: string, cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: `Create the DNS records for ${hostname} (the stack output dnsRecords: with Route 53 the stack creates them; with manual DNS, those createdBy you), then wait for them to propagate.`,
            cloudflare: `Create the proxied DNS record for ${hostname} in the Cloudflare zone (the stack output dnsRecords), then wait for it to propagate.`,
            managed: managedSegment,
        });
    },

    /** No answer at all. */
    unreachable(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Check that DNS points the hostname at the distribution (alias/CNAME) and that the distribution is deployed.",
            cloudflare: "Check that the hostname has a proxied DNS record in the zone (orange cloud) and, in worker mode, that the Worker route <host>/* exists.",
            managed: managedSegment,
        });
    },

    /** A 5xx the vendor or the CDN returned. */
    originError(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Origin protocol HTTPS only, minimum origin SSL protocol TLSv1.2, origin domain the vendor's hostname (CloudFront sends SNI for it).",
            cloudflare: "The Worker must fetch the vendor's hostname over HTTPS (SNI for it); SSL mode Full (strict).",
            managed: managedSegment,
        });
    },

    redirect(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Viewer protocol policy Redirect HTTP to HTTPS on every behaviour (except VTEX's ACME path) (Segment's Self-Managed Custom Proxy guide step 4).",
            cloudflare: "Turn on Always Use HTTPS for the hostname, or let the generated Worker answer HTTP with a 301 (its route must match http:// too).",
            managed: managedSegment,
        });
    },

    acmeRedirected(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "A behaviour /.well-known/acme-challenge/* before the default one: viewer protocol HTTP and HTTPS (no redirect), HTTP origin <host>.cdn.vtex.com, CachingDisabled (VTEX's reverse proxy guide).",
            cloudflare: "Exempt /.well-known/acme-challenge/* from Always Use HTTPS and any redirect, cache or WAF rule: VTEX must reach it over plain HTTP unchanged (VTEX's reverse proxy guide).",
        });
    },

    acmeBlocked(cdn: CdnKind): string {
        return "Nothing may block /.well-known/acme-challenge/*: no WAF rule, no cache, no redirect; it must reach VTEX unchanged over plain HTTP (VTEX's reverse proxy guide). " + fixes.acmeRedirected(cdn);
    },

    tlsName(hostname: string, cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: `Attach an ACM certificate from us-east-1 that covers ${hostname} (validated by DNS) and add ${hostname} as an alternate domain name of the distribution.`,
            cloudflare: `Give ${hostname} a proxied DNS record so Cloudflare's edge certificate covers it (Universal SSL covers one level of subdomain; deeper names need an advanced certificate).`,
            managed: managedSegment,
        });
    },

    tlsExpired(hostname: string, cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: `Renew the certificate for ${hostname}: an ACM certificate renews itself only while its DNS validation record exists.`,
            cloudflare: `Check SSL/TLS > Edge Certificates for ${hostname}: the edge certificate must be active.`,
            managed: managedSegment,
        });
    },

    tlsUntrusted(hostname: string, cdn: CdnKind): string {
        return `Serve a certificate from a public CA for ${hostname} (Amplitude's Self-Host Session Replay guide: SSL/TLS errors). ` + fixes.tlsName(hostname, cdn);
    },

    tlsProtocol(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Viewer certificate minimum protocol version TLSv1.2_2021 with SNI.",
            cloudflare: "SSL/TLS > Edge Certificates > Minimum TLS Version 1.2.",
            managed: managedSegment,
        });
    },

    setCookie(names: readonly string[], cdn: CdnKind): string {
        const cloudflareCookie = names.find((n) => /^(__cf_bm|__cflb|cf_clearance|_cfuvid|__cfruid)$/.test(n));
        return byCdn(cdn, {
            cloudfront: "Remove whatever adds Set-Cookie in front of the vendor (a CloudFront Function, Lambda@Edge, response headers policy); the proxy must add no cookie.",
            cloudflare: cloudflareCookie
                ? `${cloudflareCookie} is Cloudflare's own (Bot Fight Mode/Bot Management, Load Balancing affinity, challenges): turn that feature off for this hostname; the proxy must add no cookie.`
                : "Remove whatever adds Set-Cookie in front of the vendor (a Worker other than the generated one, a Transform Rule); the proxy must add no cookie.",
            managed: managedSegment,
        });
    },

    cors(vendor: VendorId, cdn: CdnKind): string {
        switch (vendor) {
            case "segment":
                return byCdn(cdn, {
                    cloudfront: "Forward the Origin header to the API origin, see AWS's \"No 'Access-Control-Allow-Origin' header\" guide (Segment's Self-Managed Custom Proxy guide, CloudFront CORS issue).",
                    cloudflare: "Set SSL mode \"Strict (SSL-Only Origin Pull)\" for the API proxy hostname (Segment's Self-Managed Custom Proxy guide, Cloudflare CORS issue).",
                    managed: managedSegment,
                });
            case "posthog":
                return byCdn(cdn, {
                    cloudfront: "Response headers policy CORS-with-preflight-and-SecurityHeadersPolicy on /static/* and /array/*, Origin in the cache policy; if errors persist, a custom response headers policy with Access-Control-Allow-Headers * (PostHog's AWS CloudFront reverse proxy guide, CORS errors).",
                    cloudflare: "The Worker must answer preflights on /static/* and /array/* (redeploy the generated Worker), and the zone's Response Header Transform Rules must add Access-Control-Allow-Origin for this hostname (`pulumi up` restores the http_response_headers_transform ruleset; rules added there by hand are replaced) (PostHog's AWS CloudFront reverse proxy guide, CORS errors).",
                });
            case "amplitude":
                return byCdn(cdn, {
                    cloudfront: "Response headers policy CORS-with-preflight-and-SecurityHeadersPolicy with OPTIONS allowed: add Access-Control-Allow-Origin and related headers to proxy responses (Amplitude's Self-Host Session Replay guide, CORS errors).",
                    cloudflare: "The Worker must answer preflights with Access-Control-Allow-Origin and related headers (redeploy the generated Worker), and the zone's Response Header Transform Rules must add them to other responses for this hostname (`pulumi up` restores the http_response_headers_transform ruleset) (Amplitude's Self-Host Session Replay guide, CORS errors).",
                });
            case "vtex":
                return "The store serves its own pages: CORS is VTEX's, not the proxy's.";
            case "mixpanel":
                return byCdn(cdn, {
                    cloudfront: "Mixpanel's API answers CORS itself: forward the Origin header and OPTIONS to api-js.mixpanel.com (or api-eu.mixpanel.com), and no response headers policy that replaces its CORS headers.",
                    cloudflare: "Mixpanel's API answers CORS itself: the Worker must pass OPTIONS and the Origin header through (redeploy the generated Worker).",
                });
            case "custom":
                return byCdn(cdn, {
                    cloudfront: "With cors: origin the origin must answer CORS itself (Origin is forwarded); with cors: edge the response headers policy CORS-With-Preflight answers preflights.",
                    cloudflare: "With cors: origin the Worker passes OPTIONS and Origin to the origin; with cors: edge it answers preflights and the zone's response header rules add CORS headers (redeploy).",
                });
            case "google":
                return "Google's gateway answers CORS itself: the measurement path must pass OPTIONS and the Origin header to <TAG_ID>.fps.goog.";
            case "datadog":
                return "Datadog's intake answers CORS itself: pass its Access-Control-* headers through unchanged (Datadog's Proxy Your Browser RUM Data).";
            case "plausible":
                return byCdn(cdn, {
                    cloudfront: "plausible.io answers CORS itself: forward the Origin header and OPTIONS to it, and no response headers policy that replaces its CORS headers.",
                    cloudflare: "plausible.io answers CORS itself: the Worker must pass OPTIONS and the Origin header through (redeploy the generated Worker).",
                });
        }
    },

    posthogArrayCacheControl(region: VendorRegion): string {
        return `Route /array/* to the assets origin ${region}-assets.i.posthog.com: through the main origin, cache-control is stripped and SDK config goes stale (PostHog's AWS CloudFront reverse proxy guide).`;
    },

    posthogStatic(region: VendorRegion): string {
        return `Route /static/* to the assets origin ${region}-assets.i.posthog.com, matching your PostHog region (PostHog's AWS CloudFront reverse proxy guide, static assets aren't loading).`;
    },

    segmentCdnPath(): string {
        return "Route /analytics.js/*, /v1/projects/*, /next-integrations/* and /analytics-next/* to cdn.segment.com (Segment's Self-Managed Custom Proxy guide CDN proxy).";
    },

    plausibleScript(): string {
        return "Route /js/* to plausible.io (Plausible's CloudFront proxy guide) and use the scriptSrc output as the script's src.";
    },

    plausibleDropped(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Plausible dropped the event: it needs the visitor's address first in X-Forwarded-For (CloudFront adds it; nothing in front may replace it) and the browser's User-Agent (forward it in the origin request policy); --site must be a site registered in Plausible (Plausible's CloudFront proxy guide).",
            cloudflare: "Plausible dropped the event: the Worker must send the visitor's address (CF-Connecting-IP) as X-Forwarded-For and pass User-Agent (redeploy the generated Worker); --site must be a site registered in Plausible.",
        });
    },

    customRoute(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Each route of the config must be a behaviour of the distribution, in the config's order, to its origin (redeploy the stack).",
            cloudflare: "The Worker's SETTINGS must hold the config's routes and origins (redeploy the stack), on a Workers route or custom domain for the hostname.",
        });
    },

    googleRoute(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Route <measurement path>/* to <TAG_ID>.fps.goog (the tag ID in lower case) with that Host and the path unchanged, never cached (Google's Set up Google tag gateway for advertisers, manual setup).",
            cloudflare: "Turn on the zone's Google tag gateway with this measurement ID and endpoint (Cloudflare's Google tag gateway setting; `pulumi up` restores it), and keep the hostname proxied (orange cloud) in the zone.",
        });
    },

    googleGeo(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Send the viewer's location as X-Forwarded-Country, X-Forwarded-Region and X-Forwarded-CountryRegion: a viewer-request function on the measurement path that sets them from CloudFront-Viewer-Country and CloudFront-Viewer-Country-Region, which the origin request policy must include (Google's Set up Google tag gateway for advertisers, geolocation).",
            cloudflare: "Cloudflare's Google tag gateway sends the location itself: check the zone setting is on for this endpoint (redeploy), and that nothing in front of Cloudflare hides the visitor's country.",
        });
    },

    mixpanelLibrary(): string {
        return "Route /libs/* to cdn.mxpnl.com and set MIXPANEL_CUSTOM_LIB_URL to the libUrl output before Mixpanel's snippet (Mixpanel's tracking-proxy: location /lib.min.js).";
    },

    mixpanelApi(): string {
        return "Route every other path to the ingestion API (api-js.mixpanel.com, or api-eu.mixpanel.com for EU Data Residency) with its own Host, and set api_host to the api_host output (Mixpanel's tracking-proxy: location /).";
    },

    amplitudeConfigCached(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "Cache policy CachingDisabled on /config* (Amplitude's Self-Host Session Replay guide: ensure the proxy isn't caching configuration responses).",
            cloudflare: "The Worker must fetch /config* with the cache bypassed (redeploy the generated Worker); no Cache Rule may cache it (Amplitude's Self-Host Session Replay guide).",
        });
    },

    datadogIntake(): string {
        return "Forward POSTs to the intake of the proxy's site (browser-intake-<site>) at the path and parameters ddforward names, and set the SDK's proxy to the proxy output (Datadog's Proxy Your Browser RUM Data).";
    },

    datadogOpenProxy(cdn: CdnKind): string {
        return byCdn(cdn, {
            cloudfront: "The behaviour must run the generated ddforward viewer-request function, which answers 400 to any ddforward but an intake path; redeploy the stack (Datadog's Proxy Your Browser RUM Data: never forward to a host read from the request).",
            cloudflare: "Redeploy the generated Worker, which answers 400 to any ddforward but an intake path (Datadog's Proxy Your Browser RUM Data: never forward to a host read from the request).",
        });
    },

    amplitudeApiRoute(): string {
        return "Route /2/httpapi* and /batch* to api2.amplitude.com (or api.eu.amplitude.com) with its own Host (products: [analytics] in the proxy's config) and set the Browser SDK's serverUrl to the serverUrl output (Amplitude's Proxy Analytics SDK requests).";
    },

    amplitudeConfigRoute(): string {
        return "Route /config* to sr-client-cfg.amplitude.com (or sr-client-cfg.eu.amplitude.com) and check configServerUrl points at <host>/config (Amplitude's Self-Host Session Replay guide, configuration changes don't apply).";
    },
};
