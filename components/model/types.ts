/**
 * The provider-neutral description of a first-party proxy. Vendor presets produce it, the CloudFront and
 * Cloudflare adapters consume it. Everything here is plain data: no Pulumi resources, no provider SDKs.
 */

export const vendorIds = ["segment", "posthog", "amplitude", "vtex", "mixpanel", "plausible", "google", "datadog", "custom"] as const;
export type VendorId = (typeof vendorIds)[number];

export const vendorRegions = ["us", "eu"] as const;
export type VendorRegion = (typeof vendorRegions)[number];

/**
 * What of the viewer's address a proxy sends to the origins that use it (`clientIp` in the config).
 * - `forward`: the address itself, as the only X-Forwarded-For entry (the vendors' own proxy guides).
 * - `anonymize`: IPv4 cut to its /24 (a.b.c.0), IPv6 to its /48 (x:y:z::), before the request leaves the edge.
 * - `drop`: no address at all.
 */
export const clientIpModes = ["forward", "anonymize", "drop"] as const;
export type ClientIpMode = (typeof clientIpModes)[number];

/** HTTP methods a route accepts. `all` is GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE. */
export type MethodSet = "all" | "read";
export const methodsOf: Record<MethodSet, readonly string[]> = {
    all: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
    read: ["GET", "HEAD", "OPTIONS"],
};

/** One upstream a site forwards to. */
export interface Origin {
    /** Stable identifier, unique within a site (`cdn`, `api`, `assets`, ...). */
    readonly id: string;
    /** The upstream's hostname. */
    readonly domain: string;
    /** `https`: TLS to the origin (TLSv1.2 minimum). `http`: plain HTTP, only for VTEX's ACME challenge path. */
    readonly protocol: "https" | "http";
    /**
     * Which Host the origin sees. `origin`: its own hostname (every vendor but VTEX refuses anything else).
     * `viewer`: the viewer's Host kept (VTEX serves the store by its own hostname).
     */
    readonly host: "origin" | "viewer";
    /** Whether the origin uses the client's IP (geolocation), sent first in X-Forwarded-For. */
    readonly forwardClientIp: boolean;
    /**
     * What of the client's address this origin is sent: the proxy's `clientIp` where the origin uses it, `drop`
     * where it does not (a CDN that cannot withhold it is refused the setting before anything is built).
     */
    readonly clientIp: ClientIpMode;
    /** Whether the viewer's cookies reach this origin. Only VTEX needs them. */
    readonly cookies: "strip" | "forward";
}

/**
 * How responses on a route may be cached at the edge.
 * - `disabled`: never cached (CloudFront's managed CachingDisabled).
 * - `optimized`: cacheable by the origin's Cache-Control, nothing from the request in the key
 *   (CloudFront's managed CachingOptimized).
 * - `keyed`: cached only as the origin's Cache-Control allows, keyed on the listed request headers and all query
 *   strings, never on cookies (a custom cache policy).
 */
export type CacheIntent =
    | { readonly mode: "disabled" }
    | { readonly mode: "optimized" }
    | { readonly mode: "keyed"; readonly headers: readonly string[]; readonly queryStrings: "all" };

/**
 * What of the viewer's request reaches the origin besides the cache key.
 * - `minimal`: nothing extra (no origin request policy: Segment's fix for CloudFront 403s).
 * - `allViewerExceptHost`: every viewer header but Host, cookies and query strings (CloudFront's managed
 *   AllViewerExceptHostHeader: a custom vendor's routes that forward cookies).
 * - `allViewerExceptHostNoCookies`: every viewer header but Host and all query strings, never cookies (a custom origin
 *   request policy: Amplitude's documents ask for every header but Host, and the site's cookies must not reach it).
 * - `allViewer`: everything, Host included (VTEX only).
 * - `corsCustomOrigin`: the CORS request headers (CloudFront's managed CORS-CustomOrigin).
 * - `custom`: the listed headers and all query strings, no cookies (a custom origin request policy).
 */
export type ForwardIntent =
    | { readonly mode: "minimal" }
    | { readonly mode: "allViewerExceptHost" }
    | { readonly mode: "allViewerExceptHostNoCookies" }
    | { readonly mode: "allViewer" }
    | { readonly mode: "corsCustomOrigin" }
    | { readonly mode: "custom"; readonly headers: readonly string[]; readonly queryStrings: "all" };

/**
 * CORS handling at the edge.
 * - `origin`: the origin's own CORS headers pass through unchanged; preflights go to the origin.
 * - `edgePreflight`: the edge answers preflights and adds CORS headers where the origin sent none
 *   (CloudFront's managed CORS-with-preflight(-and-SecurityHeaders) response headers policies).
 */
export type CorsIntent =
    | { readonly mode: "origin" }
    | {
          readonly mode: "edgePreflight";
          /** Also add the security headers (HSTS, X-Content-Type-Options, ...). */
          readonly securityHeaders: boolean;
      };

/** `public`: under a prefix, with known-blocked paths renamed (the default). `vendor`: the vendor's own paths. */
export const pathLayouts = ["public", "vendor"] as const;
export type PathLayout = (typeof pathLayouts)[number];

/** How a proxy's paths are laid out (publicPaths.ts). `prefix` is `/segment(/segment)*`, or absent for the root. */
export interface PathPlan {
    readonly layout: PathLayout;
    readonly prefix?: string;
}

/**
 * How a public path becomes the vendor's path upstream: a path that starts with `from` is sent with `from` replaced
 * by `to`; the query string is kept as it is. Both start and end with `/` (see pathRewrite.ts).
 */
export interface PathRewrite {
    readonly from: string;
    readonly to: string;
}

/**
 * An upstream path and query named by the request itself, in a query parameter, checked against a fixed list of the
 * vendor's paths (pathRewrite.ts): the origin's host never comes from the request.
 * - `ddforward`: Datadog's browser SDKs with `proxy` set POST to the proxy with the intake path and its query
 *   URL-encoded in `ddforward` ("Proxy Your Browser RUM Data").
 */
export interface QueryTarget {
    readonly kind: "ddforward";
    /** The only upstream paths a request may name (`/api/v2/rum`, ...). */
    readonly paths: readonly string[];
}

/** One path rule: requests whose path matches `pathPattern` go to `originId`. */
export interface Route {
    /**
     * The public path pattern viewers request, in CloudFront path pattern syntax (`*` any run of characters, `?` one
     * character), matched case-sensitively.
     */
    readonly pathPattern: string;
    readonly originId: string;
    /** Absent: the origin sees the viewer's path unchanged (the vendor's own layout). */
    readonly rewrite?: PathRewrite;
    /**
     * Present: the upstream path and query are the ones the request names (`ddforward`), whatever its path; requests
     * that name none, or one outside `paths`, are refused at the edge. Needs code at the edge (a Worker or a
     * CloudFront viewer-request function): Cloudflare's page-rule mode cannot serve it.
     */
    readonly queryTarget?: QueryTarget;
    /**
     * `notFound`: the edge answers 404 itself and no request reaches an origin (paths outside a public layout's
     * prefix). `originId` still names the origin CloudFront's default behaviour must point at.
     */
    readonly answer?: "notFound";
    readonly methods: MethodSet;
    /**
     * `forwardedHeaders`: the edge sends the viewer's country and region (ISO 3166-1 and 3166-2 codes) as
     * X-Forwarded-Country, X-Forwarded-Region and X-Forwarded-CountryRegion, the geolocation headers of Google's tag
     * gateway, and drops any the viewer sent. Absent: none are added.
     */
    readonly viewerGeo?: "forwardedHeaders";
    /** Whether OPTIONS responses may be cached along with GET and HEAD (the seeds tick it for PostHog and Amplitude). */
    readonly cacheOptions: boolean;
    /** `redirect`: plain HTTP is redirected to HTTPS. `allow`: served on both (VTEX's ACME challenge). */
    readonly viewerProtocol: "redirect" | "allow";
    readonly cache: CacheIntent;
    readonly forward: ForwardIntent;
    readonly cors: CorsIntent;
}

/** One hostname the proxy serves, with its origins and ordered routes. The last route is the default (`*`). */
export interface Site {
    /** Short role name, unique within a proxy (`main`, `cdn`, `api`, `store`). */
    readonly role: string;
    readonly hostname: string;
    readonly origins: readonly Origin[];
    /** Most specific first; the final entry has pathPattern `*` and is the default behaviour. */
    readonly routes: readonly Route[];
}

/** DNS records a proxy needs besides the record that points its hostname at the CDN. */
export interface ExtraDnsRecord {
    readonly name: string;
    readonly type: "TXT" | "CNAME" | "NS";
    readonly values: readonly string[];
    /** Why the record exists, shown in outputs for manual DNS. */
    readonly purpose: string;
}

/** A proxy: one entry of `first-party-proxy:proxies`, expanded into the sites that serve it. */
export interface ProxySpec {
    /** Unique within the stack; prefixes every resource name of this proxy. */
    readonly name: string;
    readonly vendor: VendorId;
    readonly region: VendorRegion;
    /** Whether the vendor offers regions to choose from (VTEX and Segment's managed domains do not). */
    readonly regional: boolean;
    /** Sites served by a CDN. Empty for Segment's managed Custom Domain, which needs only DNS records. */
    readonly sites: readonly Site[];
    readonly extraDnsRecords: readonly ExtraDnsRecord[];
    /** The SDK settings users paste, derived from the hostnames only. */
    readonly sdk: SdkSettings;
    /** Things the user must know that no resource can express (CAA, WAF limits). */
    readonly notes: readonly string[];
    /** Steps only the user can take, outside the stack (Segment's support request, VTEX's go-live). */
    readonly todo?: readonly string[];
    /** Where the vendor's paths are served (the routes above already carry it). */
    readonly paths: PathPlan;
    /** The hostname is the user's own site: only its path prefix is the proxy's (Cloudflare Workers route). */
    readonly sharedHost: boolean;
    /** What of the viewer's address reaches the vendor (the origins that use it carry it as `clientIp`). */
    readonly clientIp: ClientIpMode;
    /**
     * Google tag gateway only: what Cloudflare's zone setting takes (on Cloudflare the gateway is that setting, not a
     * Worker; CloudFront serves the site's routes instead).
     */
    readonly googleTagGateway?: GoogleTagGatewaySetting;
}

/** Google tag gateway as one setting of a zone (Cloudflare's `cloudflare.GoogleTagGateway`). */
export interface GoogleTagGatewaySetting {
    /** The Google tag ID or Tag Manager container ID (G-XXXXXXXXXX, GTM-XXXXXXX, ...). */
    readonly measurementId: string;
    /** The measurement path, one segment of letters and digits (`/k7q2m9`). */
    readonly endpoint: string;
    /** Cloudflare adds the Google tag to the zone's HTML pages itself. */
    readonly setUpTag: boolean;
}

export type SdkSettings =
    | { readonly vendor: "segment"; readonly snippetSrc?: string; readonly cdnURL?: string; readonly apiHost?: string }
    | { readonly vendor: "posthog"; readonly api_host: string; readonly ui_host: string }
    | {
          readonly vendor: "amplitude";
          /** Analytics: the Browser SDK's `serverUrl` (HTTP V2 API) and, for `useBatch: true`, the Batch API URL instead. */
          readonly serverUrl?: string;
          readonly batchServerUrl?: string;
          /** Analytics: the Browser SDK's `remoteConfig.serverUrl`. */
          readonly remoteConfigServerUrl?: string;
          /** Analytics in Amplitude's EU data center: the Browser SDK's `serverZone`. */
          readonly serverZone?: "EU";
          /** Session Replay: the plugin's `trackServerUrl` and `configServerUrl`. */
          readonly trackServerUrl?: string;
          readonly configServerUrl?: string;
          readonly cspConnectSrc: string;
      }
    | { readonly vendor: "vtex"; readonly storeUrl: string }
    | { readonly vendor: "mixpanel"; readonly libUrl: string; readonly api_host: string }
    | { readonly vendor: "plausible"; readonly scriptSrc: string; readonly apiEndpoint: string }
    /** A custom vendor: the base URL its SDK's endpoints go under (the routes are the config's own). */
    | { readonly vendor: "custom"; readonly baseUrl: string }
    | {
          readonly vendor: "google";
          readonly tagId: string;
          /** The gtag.js (or Tag Manager container) loader through the gateway: `https://<host><path>/?id=<tagId>`. */
          readonly scriptSrc: string;
          /** The measurement path the gateway serves (`/k7q2m9`); Google's health check is `<path>/healthy`. */
          readonly measurementPath: string;
      }
    /** Datadog's browser SDKs: `proxy` (every request goes there, the intake path in `ddforward`) and the `site` it forwards to. */
    | { readonly vendor: "datadog"; readonly proxy: string; readonly site: string };
