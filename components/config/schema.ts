import { z } from "zod";
import { hostnameProblem } from "./hostname";

const hostname = z.string().superRefine((value, ctx) => {
    const problem = hostnameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `hostname ${problem}` });
});

const proxyName = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, "name must be 1-40 lower-case letters, digits or hyphens, starting with a letter");

const region = z.enum(["us", "eu"]).default("us");

const segmentProxy = z
    .strictObject({
        vendor: z.literal("segment"),
        name: proxyName.optional(),
        region: region,
        /** Single-host proxy: CDN paths and the Tracking API on one name. */
        domain: hostname.optional(),
        /** The seed's two-host shape. */
        cdnDomain: hostname.optional(),
        apiDomain: hostname.optional(),
        /** Segment's managed Custom Domain instead of a proxy: only DNS records are created. */
        managed: z.enum(["delegation", "cname"]).optional(),
        nameServers: z.array(hostname).min(2).max(8).optional(),
        cdnTarget: hostname.optional(),
        apiTarget: hostname.optional(),
    })
    .superRefine((p, ctx) => {
        const need = (key: keyof typeof p, why: string) => {
            if (p[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: `${key} is required ${why}` });
        };
        const forbid = (key: keyof typeof p, why: string) => {
            if (p[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: `${key} is not allowed ${why}` });
        };
        if (p.managed === "delegation") {
            need("domain", "with managed: delegation (the subdomain delegated to Segment)");
            need("nameServers", "with managed: delegation (the name servers Segment gives you)");
            for (const k of ["cdnDomain", "apiDomain", "cdnTarget", "apiTarget"] as const) forbid(k, "with managed: delegation");
            return;
        }
        if (p.managed === "cname") {
            need("cdnDomain", "with managed: cname");
            need("apiDomain", "with managed: cname");
            need("cdnTarget", "with managed: cname (the CDN target Segment gives you)");
            need("apiTarget", "with managed: cname (the Tracking API target Segment gives you)");
            for (const k of ["domain", "nameServers"] as const) forbid(k, "with managed: cname");
            return;
        }
        for (const k of ["nameServers", "cdnTarget", "apiTarget"] as const) forbid(k, "without managed (a Segment managed Custom Domain)");
        const split = p.cdnDomain !== undefined || p.apiDomain !== undefined;
        if (p.domain !== undefined && split) {
            ctx.addIssue({
                code: "custom",
                path: ["domain"],
                message: "give either domain (one host) or cdnDomain and apiDomain (two hosts), not both",
            });
        } else if (split) {
            need("cdnDomain", "with apiDomain (the two-host shape)");
            need("apiDomain", "with cdnDomain (the two-host shape)");
        } else if (p.domain === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["domain"],
                message: "domain is required (or cdnDomain and apiDomain for two hosts)",
            });
        }
    });

const singleHostProxy = <V extends string>(vendor: V) =>
    z.strictObject({ vendor: z.literal(vendor), name: proxyName.optional(), region, domain: hostname });

const vtexProxy = z.strictObject({
    vendor: z.literal("vtex"),
    name: proxyName.optional(),
    /** The store's hostname, e.g. www.mystore.com. VTEX has no regions. */
    domain: hostname,
});

export const proxyConfig = z.discriminatedUnion("vendor", [
    segmentProxy,
    singleHostProxy("posthog"),
    singleHostProxy("amplitude"),
    vtexProxy,
]);

export const dnsConfig = z.strictObject({
    provider: z.enum(["route53", "cloudflare", "manual"]),
    /** Zone name, looked up (never created). */
    zone: hostname.optional(),
    /** Zone id, instead of the name (Route 53 hosted zone id or Cloudflare zone id). */
    zoneId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, "zoneId must be the provider's zone id (letters and digits)").optional(),
});

export const cloudflareConfig = z.strictObject({
    /** Account that owns the Workers. Required in worker mode. */
    accountId: z
        .string()
        .regex(/^[0-9a-f]{32}$/, "accountId must be the 32 hexadecimal characters of a Cloudflare account id")
        .optional(),
    mode: z.enum(["worker", "pageRule"]).default("worker"),
    /** Page Rule Host header and resolve overrides need an Enterprise zone: set true to acknowledge it. */
    enterprise: z.boolean().default(false),
});

export const cloudfrontConfig = z.strictObject({
    priceClass: z.enum(["PriceClass_All", "PriceClass_200", "PriceClass_100"]).default("PriceClass_All"),
    /** Tags for every taggable AWS resource. */
    tags: z.record(z.string(), z.string()).default({}),
});

export const stackConfigSchema = z.strictObject({
    provider: z.enum(["aws", "cloudflare"]),
    dns: dnsConfig,
    cloudflare: cloudflareConfig.optional(),
    cloudfront: cloudfrontConfig.default({ priceClass: "PriceClass_All", tags: {} }),
    proxies: z.array(proxyConfig).min(1, "proxies needs at least one proxy").max(200, "at most 200 proxies per stack"),
});

export type StackConfig = z.output<typeof stackConfigSchema>;
export type ProxyConfig = z.output<typeof proxyConfig>;
export type DnsConfig = z.output<typeof dnsConfig>;
