import { vendorPresets } from "../vendors";
import { amplitudeProductsOf } from "../vendors/amplitude";
import { datadogSiteOf } from "../vendors/datadog";
import { clientIpNotes } from "./clientIp";
import { CustomRouteSpec, customOriginsAndRoutes } from "./customVendor";
import { literalPrefix, PathPlan, publicBase, publicRoutes } from "./publicPaths";
import { amplitudeSdk, datadogSdk, googleSdk, mixpanelSdk, plausibleSdk, posthogSdk, segmentSdk, vtexSdk } from "./sdk";
import { ClientIpMode, ExtraDnsRecord, Origin, ProxySpec, Route, SdkSettings, Site, VendorId, VendorRegion } from "./types";

/** What a validated config entry asks for, before the vendor's preset is applied. */
export type ProxyRequest =
    | {
          readonly kind: "cdn";
          readonly name: string;
          readonly vendor: VendorId;
          readonly region: VendorRegion;
          /** The preset layout (`single`, or Segment's `split`). */
          readonly layout: string;
          /** Hostname per site role of the layout. */
          readonly hostnames: { readonly [role: string]: string };
          /** Where the vendor's paths are served. Default: the vendor's own paths at the root. */
          readonly paths?: PathPlan;
          /**
           * The hostname is the user's own site, already served by the CDN: the proxy takes only its prefix there
           * (a Workers route on `<host><prefix>/*`), never the host's DNS or certificate.
           */
          readonly sharedHost?: boolean;
          /** What of the viewer's address the origins that use it are sent. Default: `forward`. */
          readonly clientIp?: ClientIpMode;
          /** Origin hostnames chosen by a setting other than the region (Datadog's `site`), by origin id. */
          readonly originDomains?: { readonly [originId: string]: string };
      }
    | {
          readonly kind: "segmentDelegation";
          readonly name: string;
          readonly domain: string;
          readonly nameServers: readonly string[];
      }
    | {
          /** PostHog's managed reverse proxy: PostHog runs the edge for `domain`, which CNAMEs to `target`. */
          readonly kind: "posthogManaged";
          readonly name: string;
          readonly region: VendorRegion;
          readonly domain: string;
          readonly target: string;
      }
    | {
          /** A custom vendor: the config's origins and ordered routes, laid out as `paths` says. */
          readonly kind: "custom";
          readonly name: string;
          readonly domain: string;
          /** Origin id → public HTTPS hostname. */
          readonly origins: { readonly [id: string]: string };
          readonly routes: readonly CustomRouteSpec[];
          readonly paths?: PathPlan;
          readonly sharedHost?: boolean;
          readonly clientIp?: ClientIpMode;
      }
    | {
          /** Google tag gateway: `<measurementPath>/*` on `domain` to the tag's fps.goog endpoint. */
          readonly kind: "googleTagGateway";
          readonly name: string;
          readonly domain: string;
          /** The Google tag or Tag Manager container ID, e.g. G-XXXXXXXXXX or GTM-XXXXXXX. */
          readonly tagId: string;
          /** One segment of letters and digits, e.g. /k7q2m9. */
          readonly measurementPath: string;
          /** Cloudflare only: Cloudflare adds the tag to the zone's pages. Default: false. */
          readonly setUpTag?: boolean;
          readonly clientIp?: ClientIpMode;
      }
    | {
          readonly kind: "segmentCname";
          readonly name: string;
          readonly cdnDomain: string;
          readonly apiDomain: string;
          readonly cdnTarget: string;
          readonly apiTarget: string;
      };

/** Expands a request into the neutral proxy description both CDN adapters build from. */
export function buildProxySpec(request: ProxyRequest): ProxySpec {
    switch (request.kind) {
        case "cdn":
            return cdnProxy(request);
        case "segmentDelegation":
            return segmentManaged(
                request.name,
                [
                    {
                        name: request.domain,
                        type: "NS",
                        values: request.nameServers,
                        purpose: "Delegates the subdomain to Segment's managed Custom Domain",
                    },
                ],
                { vendor: "segment" },
                ["Segment verifies the delegation, then gives you two custom domains (CDN and Tracking API) and a new snippet: paste that snippet into your site."],
            );
        case "posthogManaged":
            return posthogManaged(request);
        case "googleTagGateway":
            return googleTagGateway(request);
        case "custom":
            return customVendor(request);
        case "segmentCname":
            return segmentManaged(
                request.name,
                [
                    cname(request.cdnDomain, request.cdnTarget, "Segment managed Custom Domain (CDN)"),
                    cname(request.apiDomain, request.apiTarget, "Segment managed Custom Domain (Tracking API)"),
                ],
                segmentSdk(request.cdnDomain, request.apiDomain),
                ["Reply to your Segment Custom Domain support request once the records exist: Segment verifies them, then the Segment app gives your sources a new snippet to paste."],
            );
    }
}

/**
 * PostHog's managed reverse proxy (PostHog's "Deploy a reverse proxy" guide, steps 1-4): PostHog provisions the
 * certificate and serves PostHog's own paths on `domain`, once `domain` is a CNAME to the target PostHog generated.
 * The record must stay DNS-only (no Cloudflare proxying), which extra records are.
 */
function posthogManaged(request: Extract<ProxyRequest, { kind: "posthogManaged" }>): ProxySpec {
    return {
        name: request.name,
        vendor: "posthog",
        region: request.region,
        regional: true,
        sites: [],
        extraDnsRecords: [cname(request.domain, request.target, "PostHog managed reverse proxy (DNS only: PostHog issues the certificate)")],
        sdk: posthogSdk(request.domain, request.region),
        notes: [
            "PostHog runs this proxy: its status in PostHog's organization proxy settings goes waiting, issuing, live (2-30 minutes after the record resolves).",
            "CAA records on the domain or a parent must allow pki.goog, letsencrypt.org or ssl.com, or PostHog cannot issue the certificate.",
        ],
        todo: [
            `Create the managed proxy for ${request.domain} in PostHog (organization settings, Proxy, New managed proxy) if it does not exist yet; its target must be ${request.target}.`,
            `Wait for the proxy's status to read live in PostHog, then run verify (it checks the CNAME, CAA, certificate and a live response as PostHog's Diagnose does).`,
        ],
        paths: vendorPaths,
        sharedHost: false,
        clientIp: "forward",
    };
}

/**
 * A custom vendor: its routes in the config's order on one hostname, each to its origin with that origin's Host,
 * laid out like every vendor's (public under a prefix by default, nothing renamed: no list names a custom vendor's
 * paths that we know of).
 */
function customVendor(request: Extract<ProxyRequest, { kind: "custom" }>): ProxySpec {
    const clientIp = request.clientIp ?? "forward";
    const paths = request.paths ?? vendorPaths;
    const { origins, routes } = customOriginsAndRoutes(request.origins, request.routes, clientIp);
    const served = publicRoutes(routes, paths, []);
    const upstream = (route: Route) => {
        const origin = origins.find((o) => o.id === route.originId)!;
        const path = route.rewrite?.to ?? literalPrefix(route.pathPattern);
        return `${route.pathPattern} → https://${origin.domain}${path}${route.pathPattern.endsWith("*") ? "…" : ""}`;
    };
    return {
        name: request.name,
        vendor: "custom",
        region: "us",
        regional: false,
        sites: [{ role: "main", hostname: request.domain, origins, routes: served }],
        extraDnsRecords: [],
        sdk: { vendor: "custom", baseUrl: publicBase(request.domain, paths) },
        notes: [`Routes, in order: ${served.filter((r) => r.answer === undefined).map(upstream).join("; ")}.`, ...clientIpNotes({ clientIp })],
        todo: [],
        paths,
        sharedHost: request.sharedHost ?? false,
        clientIp,
    };
}

/**
 * Google tag gateway (Google's manual setup): `<measurementPath>/*` goes to `<tag ID>.fps.goog` with its own Host and
 * the path unchanged, with the viewer's geolocation headers; the edge answers everything else on the hostname 404.
 * The same spec carries the setting Cloudflare's zone-level gateway takes instead.
 */
function googleTagGateway(request: Extract<ProxyRequest, { kind: "googleTagGateway" }>): ProxySpec {
    const preset = vendorPresets.google;
    const clientIp = request.clientIp ?? "forward";
    const origin: Origin = {
        id: "gateway",
        domain: preset.endpoints.us!.gateway.replace("{tagId}", request.tagId.toLowerCase()),
        ...preset.origins.gateway,
        clientIp,
    };
    const [template]: readonly Route[] = preset.layouts.single[0].routes;
    const { viewerGeo: _geo, ...withoutGeo } = template;
    const routes: Route[] = [
        { ...template, pathPattern: `${request.measurementPath}/*` },
        // Everything else on the hostname: the edge's own 404, nothing forwarded.
        { ...withoutGeo, pathPattern: "*", forward: { mode: "minimal" }, answer: "notFound" },
    ];
    return {
        name: request.name,
        vendor: "google",
        region: "us",
        regional: false,
        sites: [{ role: "main", hostname: request.domain, origins: [origin], routes }],
        extraDnsRecords: [],
        sdk: googleSdk(request.domain, request.measurementPath, request.tagId),
        notes: [...preset.notes, ...clientIpNotes({ clientIp })],
        todo: [`Once deployed, https://${request.domain}${request.measurementPath}/healthy must answer ok (verify checks it); then turn on Google tag gateway for ${request.tagId} in Google Tag Manager or Google Ads with the measurement path ${request.measurementPath}.`],
        paths: { layout: "vendor", prefix: request.measurementPath },
        sharedHost: false,
        clientIp,
        googleTagGateway: { measurementId: request.tagId, endpoint: request.measurementPath, setUpTag: request.setUpTag ?? false },
    };
}

/** Segment's managed Custom Domain: Segment runs the endpoints, so the proxy is only DNS records. */
function segmentManaged(name: string, records: ExtraDnsRecord[], sdk: SdkSettings, todo: string[]): ProxySpec {
    // Segment's own servers see the viewer: nothing of this stack is in the way to forward or withhold an address.
    return { name, vendor: "segment", region: "us", regional: false, sites: [], extraDnsRecords: records, sdk, notes: [], todo, paths: vendorPaths, sharedHost: false, clientIp: "forward" };
}

const vendorPaths: PathPlan = { layout: "vendor" };

function cname(name: string, target: string, purpose: string): ExtraDnsRecord {
    return { name, type: "CNAME", values: [target], purpose };
}

function cdnProxy(request: Extract<ProxyRequest, { kind: "cdn" }>): ProxySpec {
    const preset = vendorPresets[request.vendor];
    const endpoints = preset.endpoints[request.region];
    if (!endpoints) throw new Error(`${preset.displayName} has no ${request.region} region`);
    const paths = request.paths ?? vendorPaths;
    const renames = preset.publicRenames ?? [];
    const clientIp = request.clientIp ?? "forward";
    const templates = preset.layouts[request.layout];
    if (!templates) throw new Error(`${preset.displayName} has no "${request.layout}" layout`);

    const sites: Site[] = templates.map((template) => {
        const hostname = request.hostnames[template.role];
        if (!hostname) throw new Error(`${preset.displayName} ${request.layout} layout needs a hostname for "${template.role}"`);
        const used = new Set(template.routes.map((r) => r.originId));
        const origins: Origin[] = Object.entries(preset.origins)
            .filter(([id]) => used.has(id))
            .map(([id, origin]) => ({
                id,
                domain: request.originDomains?.[id] ?? endpoints[id].replace("{host}", hostname),
                ...origin,
                clientIp: origin.forwardClientIp ? clientIp : "drop",
            }));
        return { role: template.role, hostname, origins, routes: publicRoutes(template.routes, paths, renames) };
    });

    return {
        name: request.name,
        vendor: request.vendor,
        region: request.region,
        regional: Object.keys(preset.endpoints).length > 1,
        sites,
        extraDnsRecords: request.vendor === "vtex" ? sites.map((s) => vtexTxtRecord(s.hostname)) : [],
        sdk: sdkFor(request.vendor, request.region, sites, paths, request.layout),
        notes: [...preset.notes, ...clientIpNotes({ clientIp })],
        todo: preset.todo ?? [],
        paths,
        sharedHost: request.sharedHost ?? false,
        clientIp,
    };
}

/** VTEX's reverse proxy guide: `_<host>` TXT `<host>.cdn.vtex.com` tells VTEX which store the proxied traffic is for. */
function vtexTxtRecord(hostname: string): ExtraDnsRecord {
    return {
        name: `_${hostname}`,
        type: "TXT",
        values: [`${hostname}.cdn.vtex.com`],
        purpose: "VTEX routes the proxied store by this record",
    };
}

function sdkFor(vendor: VendorId, region: VendorRegion, sites: readonly Site[], paths: PathPlan, layout: string): SdkSettings {
    const host = (role: string) => sites.find((s) => s.role === role)!.hostname;
    const renames = vendorPresets[vendor].publicRenames ?? [];
    switch (vendor) {
        case "segment":
            return sites.length === 1
                ? segmentSdk(sites[0].hostname, sites[0].hostname, paths, renames)
                : segmentSdk(host("cdn"), host("api"), paths, renames);
        case "posthog":
            return posthogSdk(sites[0].hostname, region, paths);
        case "amplitude":
            return amplitudeSdk(sites[0].hostname, paths, amplitudeProductsOf(layout), region);
        case "vtex":
            return vtexSdk(sites[0].hostname);
        case "mixpanel":
            return mixpanelSdk(sites[0].hostname, paths);
        case "plausible":
            return plausibleSdk(sites[0].hostname, paths, renames);
        case "google":
            throw new Error("Google tag gateway proxies are built from their own request kind (googleTagGateway)");
        case "datadog":
            return datadogSdk(sites[0].hostname, paths, datadogSiteOf(sites[0].origins[0].domain));
        case "custom":
            throw new Error("custom proxies are built from their own request kind (custom)");
    }
}

/** The origin of a site's default (last, catch-all) route; the first origin of a site without routes. */
export function defaultOrigin(site: Site): Origin {
    const last = site.routes[site.routes.length - 1];
    const origin = last ? site.origins.find((o) => o.id === last.originId) : site.origins[0];
    if (!origin) throw new Error(`${site.hostname}: the default route's origin ${last?.originId} is not among the site's origins`);
    return origin;
}
