import { z } from "zod";
import { blockedSegmentFilter, pathLayouts, pathPrefixPattern } from "../model/publicPaths";
import { clientIpModes, VendorId, VendorRegion } from "../model/types";
import { vendorPresets } from "../vendors";
import { amplitudeProducts } from "../vendors/amplitude";
import { DatadogSite, datadogSites } from "../vendors/datadog";
import { sharedKeyPattern } from "../aws/sharedKeys";
import { cloudflarePlans, QuotaId, quotaIds, workersPlans } from "../quotas/limits";
import { hostnameProblem } from "./hostname";
import { customOriginIdPattern, customPathPattern, privateHostnameProblem, routeOrderProblems } from "../model/customVendor";
import { secretPlaceholder } from "./secret";

/*
 * The stack config's shape, per key. Everything one value can get wrong is said here; rules that look across keys
 * (zone membership, duplicates, provider combinations) are in stackRules.ts. Messages name what is allowed.
 */

const hostname = z.string().superRefine((value, ctx) => {
    const problem = hostnameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `hostname ${problem}` });
});

/** Proxy names prefix every resource name of the proxy (and CloudFront policy and Worker names). */
export const proxyNamePattern = /^[a-z][a-z0-9-]{0,39}$/;
const proxyName = z
    .string()
    .regex(proxyNamePattern, "name must be 1-40 lower-case letters, digits or hyphens, starting with a letter");

/** The regions a vendor's preset has endpoints for: the only ones the config accepts for it. */
export function regionsOf(vendor: VendorId): VendorRegion[] {
    return Object.keys(vendorPresets[vendor].endpoints) as VendorRegion[];
}

/** Optional: the loader defaults it to `us`, so that "not given" stays distinguishable (Segment's managed mode). */
const regionOf = (vendor: VendorId) => z.enum(regionsOf(vendor) as [VendorRegion, ...VendorRegion[]]).optional();

export const defaultRegion: VendorRegion = "us";

/** Where a proxy serves the vendor's paths; shared by every vendor whose proxy the CDN serves by path. */
const pathKeys = {
    /** `public` (default): under a prefix of the proxy's own, blocked names renamed. `vendor`: the vendor's own paths. */
    paths: z.enum(pathLayouts).optional(),
    /** The proxy's path prefix, e.g. /k7. Default: derived from the stack and proxy name with `paths: public`, none with `paths: vendor`. */
    pathPrefix: z
        .string()
        .regex(pathPrefixPattern, "pathPrefix must be 1-4 path segments of letters, digits, - or _, starting with / and without a trailing / (e.g. /k7)")
        .optional(),
    /** The hostname is your own site, already proxied in the Cloudflare zone: only a Workers route on `<domain><pathPrefix>/*` is built. */
    sharedHost: z.boolean().optional(),
};

/**
 * What of the viewer's address reaches the vendor: `forward` (default), `anonymize` (/24 or /48), `drop`. CDNs that
 * cannot honour a setting are refused it across keys (stackRules.ts clientIpIssues).
 */
export const clientIpKey = { clientIp: z.enum(clientIpModes).optional() };

const segmentProxy = z
    .strictObject({
        vendor: z.literal("segment"),
        name: proxyName.optional(),
        region: regionOf("segment"),
        /** Single-host proxy: CDN paths and the Tracking API on one name. */
        domain: hostname.optional(),
        /** The seed's two-host shape. */
        cdnDomain: hostname.optional(),
        apiDomain: hostname.optional(),
        /** Segment's managed Custom Domain instead of a proxy: only DNS records are created. */
        managed: z.enum(["delegation", "cname"]).optional(),
        nameServers: z.array(hostname).min(2, "nameServers needs the 2 or more name servers Segment gives you").max(8).optional(),
        cdnTarget: hostname.optional(),
        apiTarget: hostname.optional(),
        ...pathKeys,
        ...clientIpKey,
    })
    .superRefine((p, ctx) => {
        const need = (key: keyof typeof p, why: string) => {
            if (p[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: `${key} is required ${why}` });
        };
        const forbid = (key: keyof typeof p, why: string) => {
            if (p[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: `${key} is not allowed ${why}` });
        };
        if (p.managed !== undefined) {
            for (const k of ["paths", "pathPrefix", "sharedHost"] as const) {
                forbid(k, `with managed: ${p.managed} (Segment serves its own paths on the managed domains)`);
            }
            forbid("clientIp", `with managed: ${p.managed} (Segment's own servers receive the viewer's requests; no proxy of this stack is in the way)`);
            forbid("region", `with managed: ${p.managed} (Segment runs the endpoints; the region is your workspace's)`);
        }
        if (p.managed === "delegation") {
            need("domain", "with managed: delegation (the subdomain delegated to Segment)");
            need("nameServers", "with managed: delegation (the name servers Segment gives you)");
            for (const k of ["cdnDomain", "apiDomain", "cdnTarget", "apiTarget"] as const) {
                forbid(k, "with managed: delegation (allowed: domain, nameServers)");
            }
            if (p.nameServers && new Set(p.nameServers).size !== p.nameServers.length) {
                ctx.addIssue({ code: "custom", path: ["nameServers"], message: "nameServers lists a name server twice" });
            }
            return;
        }
        if (p.managed === "cname") {
            need("cdnDomain", "with managed: cname");
            need("apiDomain", "with managed: cname");
            need("cdnTarget", "with managed: cname (the CDN target Segment gives you)");
            need("apiTarget", "with managed: cname (the Tracking API target Segment gives you)");
            for (const k of ["domain", "nameServers"] as const) {
                forbid(k, "with managed: cname (allowed: cdnDomain, apiDomain, cdnTarget, apiTarget)");
            }
            return;
        }
        for (const k of ["nameServers", "cdnTarget", "apiTarget"] as const) {
            forbid(k, "without managed (they describe a Segment managed Custom Domain: set managed: delegation or cname)");
        }
        const split = p.cdnDomain !== undefined || p.apiDomain !== undefined;
        if (p.domain !== undefined && split) {
            ctx.addIssue({
                code: "custom",
                path: ["domain"],
                message: "give either domain (one host) or cdnDomain and apiDomain (two hosts), not both",
            });
        } else if (split) {
            forbid("sharedHost", "with cdnDomain and apiDomain (a shared host is one hostname: give domain and pathPrefix)");
            need("cdnDomain", "with apiDomain (the two-host shape)");
            need("apiDomain", "with cdnDomain (the two-host shape)");
            if (p.cdnDomain !== undefined && p.cdnDomain === p.apiDomain) {
                ctx.addIssue({
                    code: "custom",
                    path: ["apiDomain"],
                    message: "apiDomain must differ from cdnDomain; for one hostname give domain instead",
                });
            }
        } else if (p.domain === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["domain"],
                message: "domain is required (or cdnDomain and apiDomain for two hosts, or managed: delegation | cname)",
            });
        }
    });

const singleHostProxy = <V extends "mixpanel">(vendor: V) =>
    z.strictObject({ vendor: z.literal(vendor), name: proxyName.optional(), region: regionOf(vendor), domain: hostname, ...pathKeys, ...clientIpKey });

/**
 * Amplitude: `products` says what of Amplitude's browser SDKs the hostname serves: `analytics` (the Browser SDK's
 * events, batch and remote config), `sessionReplay` (the Session Replay plugin), or both. Without it, Session Replay
 * alone, as amplitude proxies were before Analytics (stackRules.ts warns).
 */
const amplitudeProxy = z.strictObject({
    vendor: z.literal("amplitude"),
    name: proxyName.optional(),
    region: regionOf("amplitude"),
    domain: hostname,
    products: z
        .array(z.enum(amplitudeProducts))
        .min(1, `products needs at least one of ${amplitudeProducts.join(", ")}`)
        .refine((p) => new Set(p).size === p.length, "products lists a product twice")
        .optional(),
    ...pathKeys,
    ...clientIpKey,
});

const vtexProxy = z.strictObject({
    vendor: z.literal("vtex"),
    name: proxyName.optional(),
    /** The store's hostname, e.g. www.mystore.com. VTEX has no regions. */
    domain: hostname,
});

/**
 * Datadog RUM: `site` is the Datadog site the SDK is set up with (its intake host is the only one the proxy forwards
 * to); Datadog has no us/eu region key.
 */
const datadogProxy = z.strictObject({
    vendor: z.literal("datadog"),
    name: proxyName.optional(),
    site: z.enum(datadogSites as [DatadogSite, ...DatadogSite[]]).optional(),
    domain: hostname,
    ...pathKeys,
    ...clientIpKey,
});

/** Plausible has one host (plausible.io): no region to choose. */
const plausibleProxy = z.strictObject({ vendor: z.literal("plausible"), name: proxyName.optional(), domain: hostname, ...pathKeys });

/** Google tag IDs (G-, GT-, AW-, DC-) and Tag Manager container IDs (GTM-): upper-case letters and digits after the prefix. */
export const googleTagIdPattern = /^(G|GT|AW|DC|GTM)-[A-Z0-9]{4,16}$/;
/** Cloudflare's gateway endpoint: an absolute path of one segment, letters and digits only (e.g. /metrics). */
export const measurementPathPattern = /^\/[A-Za-z0-9]{1,32}$/;

const measurementPath = z
    .string()
    .regex(measurementPathPattern, "measurementPath must be one path segment of 1-32 letters and digits, starting with / (e.g. /k7q2m9)")
    .superRefine((value, ctx) => {
        const filter = blockedSegmentFilter(value.slice(1));
        if (filter) {
            ctx.addIssue({
                code: "custom",
                message: `measurementPath ${value} is a path segment uBlock Origin's default lists block on any hostname (${filter}); choose another, or leave it out for one derived from the stack and proxy name`,
            });
        }
    });

/**
 * Google tag gateway ("Set up Google tag gateway for advertisers"): the tag served from a measurement path on the
 * site's own hostname. On Cloudflare the zone's own gateway setting, on CloudFront the route Google's manual setup
 * describes.
 */
const googleProxy = z.strictObject({
    vendor: z.literal("google"),
    name: proxyName.optional(),
    /** The website's hostname, where the pages that load the tag are served. */
    domain: hostname,
    /** The Google tag ID (G-XXXXXXXXXX, also AW-, GT-, DC-) or Tag Manager container ID (GTM-XXXXXXX). */
    tagId: z
        .string()
        .regex(googleTagIdPattern, "tagId must be a Google tag ID (G-, GT-, AW- or DC- and 4-16 upper-case letters or digits, e.g. G-ABC123XYZ9) or a Tag Manager container ID (GTM-XXXXXXX)"),
    /** The gateway's path. Default: six letters and digits derived from the stack and proxy name. */
    measurementPath: measurementPath.optional(),
    /** Cloudflare only: let Cloudflare add the Google tag to the zone's HTML pages. Default: false (paste the snippet). */
    setUpTag: z.boolean().optional(),
    ...clientIpKey,
});

/** A custom vendor's origin: a public hostname served over HTTPS (given bare: no scheme, port or path). */
const customOriginHost = z.string().superRefine((value, ctx) => {
    const problem = hostnameProblem(value) ?? privateHostnameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `origin ${problem}; origins are public hostnames, reached over HTTPS` });
});

const customRouteEntry = z.strictObject({
    /** `*` or a path prefix followed by `*` (`/js/*`), as CloudFront matches it. */
    path: z.string().regex(customPathPattern, "path must be * or a path starting with / and ending with * (e.g. /js/*), of letters, digits and - . _ ~ / and URL sub-delimiters"),
    /** An id of `origins`. */
    origin: z.string(),
    /** `all` (default): GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE. `read`: GET, HEAD, OPTIONS. */
    methods: z.enum(["all", "read"]).default("all"),
    /** `disabled` (default): never cached. `origin`: cached as the origin's Cache-Control says. */
    cache: z.enum(["disabled", "origin"]).default("disabled"),
    /** `strip` (default): the site's cookies never reach the origin. `forward`: they do. */
    cookies: z.enum(["strip", "forward"]).default("strip"),
    /** Whether the origin gets the viewer's address (as the proxy's clientIp allows). Default: true. */
    clientIp: z.boolean().default(true),
    /** `origin` (default): the origin's own CORS. `edge`: the edge answers preflights and adds CORS headers. */
    cors: z.enum(["origin", "edge"]).default("origin"),
});

/** Routes per custom vendor: far below CloudFront's 75 behaviours per distribution, with room for the public layout's. */
export const maxCustomRoutes = 25;

/**
 * A vendor of your own: its origins (id → public HTTPS hostname) and ordered routes, built on both CDNs from the
 * same model as the presets, with the same public-path layout and guardrails.
 */
const customProxy = z
    .strictObject({
        vendor: z.literal("custom"),
        name: proxyName.optional(),
        domain: hostname,
        origins: z
            .record(z.string().regex(customOriginIdPattern, "origin ids are 1-16 lower-case letters and digits, starting with a letter"), customOriginHost)
            .refine((o) => Object.keys(o).length >= 1 && Object.keys(o).length <= 10, "origins needs 1 to 10 entries (id: hostname)"),
        routes: z.array(customRouteEntry).min(1, "routes needs at least the catch-all route (path: \"*\")").max(maxCustomRoutes, `at most ${maxCustomRoutes} routes`),
        ...pathKeys,
        ...clientIpKey,
    })
    .superRefine((p, ctx) => {
        const ids = Object.keys(p.origins);
        p.routes.forEach((r, i) => {
            if (!ids.includes(r.origin)) {
                ctx.addIssue({ code: "custom", path: ["routes", i, "origin"], message: `origin ${JSON.stringify(r.origin)} is not among origins (${ids.join(", ")})` });
            }
        });
        for (const id of ids.filter((id) => !p.routes.some((r) => r.origin === id))) {
            ctx.addIssue({ code: "custom", path: ["origins", id], message: `origin ${id} is not used by any route` });
        }
        for (const [id, host] of Object.entries(p.origins)) {
            if (host === p.domain) {
                ctx.addIssue({ code: "custom", path: ["origins", id], message: `origin ${host} is the proxy's own hostname: every request would come back to the proxy` });
            }
        }
        for (const problem of routeOrderProblems(p.routes.map((r) => r.path))) {
            ctx.addIssue({ code: "custom", path: ["routes", problem.index, "path"], message: problem.message });
        }
    });

/** PostHog's ingestion and assets hosts: a managed proxy's CNAME goes to the target PostHog generates, never to these. */
const posthogServiceHosts = Object.values(vendorPresets.posthog.endpoints).flatMap((e) => Object.values(e ?? {}) as string[]);

/**
 * PostHog: a proxy of this stack, or (`managed: true`) PostHog's managed reverse proxy (PostHog's "Deploy a reverse
 * proxy" guide): PostHog runs the edge and its certificate, the stack creates only the DNS-only CNAME to `target`.
 */
const posthogProxy = z
    .strictObject({
        vendor: z.literal("posthog"),
        name: proxyName.optional(),
        region: regionOf("posthog"),
        domain: hostname,
        ...pathKeys,
        ...clientIpKey,
        /** PostHog's managed reverse proxy instead of a CDN: only the CNAME PostHog asks for. */
        managed: z.literal(true).optional(),
        /** The proxy domain PostHog generated for `domain`, e.g. 4854cf84789d8596ad01.proxy-us.posthog.com. */
        target: hostname.optional(),
    })
    .superRefine((p, ctx) => {
        if (p.managed !== true) {
            if (p.target !== undefined) {
                ctx.addIssue({ code: "custom", path: ["target"], message: "target is not allowed without managed: true (it is the CNAME target of PostHog's managed reverse proxy)" });
            }
            return;
        }
        for (const k of ["paths", "pathPrefix", "sharedHost"] as const) {
            if (p[k] !== undefined) {
                ctx.addIssue({ code: "custom", path: [k], message: `${k} is not allowed with managed: true (PostHog's managed proxy serves PostHog's own paths on domain)` });
            }
        }
        if (p.clientIp !== undefined) {
            ctx.addIssue({ code: "custom", path: ["clientIp"], message: "clientIp is not allowed with managed: true (PostHog's managed proxy runs on PostHog's edge; no proxy of this stack is in the way)" });
        }
        if (p.target === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["target"],
                message: "target is required with managed: true: the proxy domain PostHog shows in its organization proxy settings for domain (e.g. 4854cf84789d8596ad01.proxy-us.posthog.com)",
            });
        } else if (posthogServiceHosts.includes(p.target.toLowerCase())) {
            ctx.addIssue({
                code: "custom",
                path: ["target"],
                message: `target ${p.target} is PostHog's ingestion or assets host, which serves no certificate for your domain: give the proxy domain PostHog generated for ${p.domain} (e.g. 4854cf84789d8596ad01.proxy-us.posthog.com)`,
            });
        } else if (p.target.toLowerCase() === p.domain.toLowerCase()) {
            ctx.addIssue({ code: "custom", path: ["target"], message: "target must be the proxy domain PostHog generated, not domain itself" });
        }
    });

/** One schema per vendor, keyed by the union type: the compiler refuses a vendor without one. */
export const proxySchemas = {
    segment: segmentProxy,
    posthog: posthogProxy,
    amplitude: amplitudeProxy,
    vtex: vtexProxy,
    mixpanel: singleHostProxy("mixpanel"),
    plausible: plausibleProxy,
    google: googleProxy,
    datadog: datadogProxy,
    custom: customProxy,
} as const satisfies { readonly [v in VendorId]: z.ZodType };

export const proxyConfig = z.discriminatedUnion("vendor", [
    proxySchemas.segment,
    proxySchemas.posthog,
    proxySchemas.amplitude,
    proxySchemas.vtex,
    proxySchemas.mixpanel,
    proxySchemas.plausible,
    proxySchemas.google,
    proxySchemas.datadog,
    proxySchemas.custom,
]);

export const dnsProviders = ["route53", "cloudflare", "manual"] as const;

/** Zone ids as each DNS provider writes them. */
export const zoneIdPatterns = {
    route53: { pattern: /^Z[A-Z0-9]{1,31}$/, says: "a Route 53 hosted zone id (Z followed by upper-case letters and digits)" },
    cloudflare: { pattern: /^[0-9a-f]{32}$/, says: "a Cloudflare zone id (32 lower-case hexadecimal characters)" },
} as const;

export const dnsConfig = z
    .strictObject({
        provider: z.enum(dnsProviders),
        /** Zone name, looked up (never created); also what hostnames are checked against. */
        zone: hostname.optional(),
        /** Zone id, instead of (or as well as) the name: Route 53 hosted zone id or Cloudflare zone id. */
        zoneId: z.string().max(64, "zoneId is at most 64 characters").optional(),
    })
    .superRefine((dns, ctx) => {
        if (dns.zoneId === undefined) return;
        if (dns.provider === "manual") {
            ctx.addIssue({
                code: "custom",
                path: ["zoneId"],
                message: "zoneId is not allowed with dns.provider manual (nothing is looked up; give zone to check hostnames against)",
            });
            return;
        }
        const { pattern, says } = zoneIdPatterns[dns.provider];
        if (!pattern.test(dns.zoneId)) {
            ctx.addIssue({ code: "custom", path: ["zoneId"], message: `zoneId must be ${says}`, input: dns.zoneId });
        }
    });

export const cloudflareModes = ["worker", "pageRule"] as const;
/** How a stack's Worker proxies get their scripts: one per site (default), or one per vendor layout (`shared`). */
export const workerScriptModes = ["perSite", "shared"] as const;
export type WorkerScriptMode = (typeof workerScriptModes)[number];

export const cloudflareConfig = z.strictObject({
    /** Account that owns the Workers. Required in worker mode. */
    accountId: z
        .string()
        // The offline plan cannot decrypt a secret account id: it plans with the placeholder, `pulumi preview` checks it.
        .refine((v) => v === secretPlaceholder || /^[0-9a-f]{32}$/.test(v), "accountId must be the 32 lower-case hexadecimal characters of a Cloudflare account id")
        .optional(),
    mode: z.enum(cloudflareModes).default("worker"),
    /** Page Rule Host header and resolve overrides need an Enterprise zone: set true to acknowledge it. */
    enterprise: z.boolean().default(false),
    /** The zone's plan, for the rule quotas' defaults. Default: enterprise with `enterprise: true`, free otherwise. */
    plan: z.enum(cloudflarePlans).optional(),
    /** The account's Workers plan, for the Workers quota's default (100 on free, 500 on paid). Default: free. */
    workersPlan: z.enum(workersPlans).optional(),
    /**
     * Worker mode: one Worker script per site (perSite, the default), or one per vendor layout shared by every site
     * of the stack that follows it (shared: a few scripts whatever the number of proxies, for the Workers quota).
     */
    workerScripts: z.enum(workerScriptModes).optional(),
});

/** A quota as the account has it: its limit, or `{limit, used}` with what the account already holds outside this stack. */
const quotaSetting = z.union([
    z.number().int("a quota is a whole number").positive("a quota is at least 1"),
    z.strictObject({
        limit: z.number().int("a quota is a whole number").positive("a quota is at least 1").optional(),
        used: z.number().int("used is a whole number").nonnegative("used is 0 or more").optional(),
    }),
]);

/** `quotas:`: per quota, the account's limit when it was raised (and what it already uses elsewhere). */
export const quotasConfig = z.strictObject(
    Object.fromEntries(quotaIds.map((id) => [id, quotaSetting.optional()])) as { [id in QuotaId]: z.ZodOptional<typeof quotaSetting> },
);

/** AWS tag rules: 1-128 character keys, values up to 256, letters, digits, spaces and `_ . : / = + - @`. */
const tagText = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** The program tags every resource with these itself; 50 is AWS's limit per resource. */
export const reservedTagPrefix = "first-party-proxy:";
export const maxUserTags = 48;

const tags = z
    .record(
        z
            .string()
            .min(1, "tag keys are 1-128 characters")
            .max(128, "tag keys are 1-128 characters")
            .regex(tagText, "tag keys take letters, digits, spaces and _ . : / = + - @")
            .refine((k) => !k.toLowerCase().startsWith("aws:"), "tag keys starting with aws: are reserved by AWS")
            .refine((k) => !k.startsWith(reservedTagPrefix), `tag keys starting with ${reservedTagPrefix} are set by the program itself`),
        // `pulumi config set --path '...tags.cost-center' 1234` stores a number: it is the tag value "1234".
        z.preprocess(
            (v) => (typeof v === "number" && Number.isFinite(v) ? String(v) : v),
            z
                .string()
                .max(256, "tag values are at most 256 characters")
                .regex(tagText, "tag values take letters, digits, spaces and _ . : / = + - @"),
        ),
    )
    .refine((t) => Object.keys(t).length <= maxUserTags, `at most ${maxUserTags} tags (AWS allows 50 per resource; the program sets 2)`);

export const priceClasses = ["PriceClass_All", "PriceClass_200", "PriceClass_100"] as const;

/** A CloudFront policy id (a UUID). */
const policyId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Shared policies and functions another stack created (its `sharedPolicies` output), by key → id: this stack uses
 * them instead of creating its own, so several stacks in one account hold one copy of each.
 */
const sharedPolicies = z.record(
    z.string().regex(sharedKeyPattern, "keys are the sharedPolicies output's keys: cache-, origin-request- or response-headers- and 8 hex digits"),
    z.string().regex(policyId, "values are CloudFront policy ids (UUIDs)"),
);

export const cloudfrontConfig = z.strictObject({
    priceClass: z.enum(priceClasses).default("PriceClass_All"),
    /** Tags for every taggable AWS resource. */
    tags: tags.default({}),
    sharedPolicies: sharedPolicies.default({}),
});

export const providers = ["aws", "cloudflare"] as const;
/** Proxies per stack: 1,000 plan in seconds (bench/planScale.ts); the provider quotas are checked separately. */
export const maxProxies = 1000;

export const stackConfigSchema = z.strictObject({
    provider: z.enum(providers),
    dns: dnsConfig,
    cloudflare: cloudflareConfig.optional(),
    cloudfront: cloudfrontConfig.default({ priceClass: "PriceClass_All", tags: {}, sharedPolicies: {} }),
    proxies: z
        .array(proxyConfig)
        .min(1, "proxies needs at least one proxy")
        .max(maxProxies, `at most ${maxProxies} proxies per stack; split them across stacks`),
    quotas: quotasConfig.default({}),
});

/** The keys each mapping of the config takes, for messages about keys that are not among them. */
export const allowedKeys = {
    root: Object.keys(stackConfigSchema.shape),
    dns: Object.keys(dnsConfig.shape),
    cloudflare: Object.keys(cloudflareConfig.shape),
    cloudfront: Object.keys(cloudfrontConfig.shape),
    quotas: Object.keys(quotasConfig.shape),
    proxy: Object.fromEntries(Object.entries(proxySchemas).map(([v, s]) => [v, Object.keys(s.shape)])) as {
        readonly [v in VendorId]: string[];
    },
} as const;

export type StackConfig = z.output<typeof stackConfigSchema>;
export type ProxyConfig = z.output<typeof proxyConfig>;
export type DnsConfig = z.output<typeof dnsConfig>;
export type CloudflareConfig = z.output<typeof cloudflareConfig>;
