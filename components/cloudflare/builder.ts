import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/schema";
import { DnsZone } from "../dns/zone";
import { ProxySpec } from "../model/types";
import { ProxyOutputs } from "../outputs";
import { CnameProxy, cnameProxyZoneRules } from "./cnameProxy";
import { edgeResponseHeaderRules } from "./edgeHeaderRules";
import { GoogleTagGatewayProxy } from "./googleTagGatewayProxy";
import { enterprisePageRuleLimit, planPageRules } from "./pageRules";
import { PageRuleProxy, pageRuleProxyZoneRules } from "./pageRuleProxy";
import { WorkerProxy } from "./workerProxy";
import { ZoneRules, ZoneRuleSpec } from "./zoneRules";

/** `first-party-proxy:cloudflare`, defaults applied. */
export type CloudflareConfig = NonNullable<StackConfig["cloudflare"]>;

/** How one proxy is built on Cloudflare. */
export type CloudflareProxyKind = "worker" | "pageRule" | "dns" | "googleTagGateway";

/**
 * The component a proxy gets in `mode`: Google tag gateway is the zone's own setting (GoogleTagGatewayProxy);
 * proxied DNS (CnameProxy) when an upstream needs the viewer's Host — a Worker cannot send it, and a page rule would
 * only override it — otherwise the mode's component.
 */
export function cloudflareProxyKind(proxy: ProxySpec, mode: CloudflareConfig["mode"]): CloudflareProxyKind {
    if (proxy.googleTagGateway !== undefined) return "googleTagGateway";
    return proxy.sites.some((s) => s.origins.some((o) => o.host === "viewer")) ? "dns" : mode;
}

/**
 * Every zone rule the proxies need, whatever serves each one: the proxied-DNS and page-rule proxies' own rules, and
 * the zone-wide CORS and security response header rules (one per header). Pure: the quota check counts them too.
 */
export function plannedZoneRules(proxies: readonly ProxySpec[], mode: CloudflareConfig["mode"]): ZoneRuleSpec[] {
    // Google tag gateway's zone setting routes its endpoint itself: no zone rule of ours applies to it.
    const withSites = proxies.filter((p) => p.sites.length > 0 && cloudflareProxyKind(p, mode) !== "googleTagGateway");
    const perProxy = withSites.flatMap((p) => {
        switch (cloudflareProxyKind(p, mode)) {
            case "dns":
                return cnameProxyZoneRules(p);
            case "pageRule":
                return pageRuleProxyZoneRules(p);
            default:
                return [];
        }
    });
    return [...perProxy, ...edgeResponseHeaderRules(withSites.flatMap((p) => p.sites.map((site) => ({ owner: p.name, site }))))];
}

export interface CloudflareBuilderArgs {
    /** Every proxy of the stack (those without sites, Segment's managed Custom Domain, are built elsewhere). */
    readonly proxies: readonly ProxySpec[];
    /** The stack's DNS zone; it must be a Cloudflare zone. */
    readonly zone: DnsZone;
    readonly cloudflare: CloudflareConfig;
    /** Prefix of Worker script names. Default: the stack's name. */
    readonly scriptPrefix?: string;
    /** Page rules the zone may hold. Default: Cloudflare's Enterprise limit, 125. */
    readonly pageRuleLimit?: number;
}

/**
 * Prepares everything shared by the proxies of one zone — the page rule priorities across all of them and the one
 * ruleset per phase holding all their zone rules — and returns the function that builds each proxy. Everything
 * that can be refused (page rule count and order, rule refs) is checked before any resource is registered.
 */
export function cloudflareProxyBuilder(args: CloudflareBuilderArgs): (proxy: ProxySpec) => pulumi.Output<ProxyOutputs> {
    const { zone, cloudflare } = args;
    if (zone.provider !== "cloudflare") {
        throw new Error(`provider cloudflare needs dns.provider cloudflare (the hostnames must be in a Cloudflare zone), got ${zone.provider}`);
    }
    if (cloudflare.mode === "pageRule" && !cloudflare.enterprise) {
        throw new Error("cloudflare.mode pageRule needs Host header and resolve overrides, which only Enterprise zones have: set cloudflare.enterprise: true");
    }
    const proxies = args.proxies.filter((p) => p.sites.length > 0);
    const kinds = new Map(proxies.map((p) => [p.name, cloudflareProxyKind(p, cloudflare.mode)]));
    const accountId = cloudflare.accountId;
    if (accountId === undefined && [...kinds.values()].includes("worker")) {
        throw new Error("cloudflare.accountId is required in worker mode (it owns the Workers)");
    }

    const pageRules = planPageRules(
        proxies.filter((p) => kinds.get(p.name) === "pageRule"),
        args.pageRuleLimit ?? enterprisePageRuleLimit,
    );
    const rules = plannedZoneRules(proxies, cloudflare.mode);
    // One ZoneRules per zone, created before the proxies: Cloudflare keeps one entry-point ruleset per phase.
    const zoneRules = rules.length > 0 ? new ZoneRules("cloudflare-zone-rules", { zoneId: zone.zoneId, rules }) : undefined;

    return (proxy) => {
        switch (kinds.get(proxy.name)) {
            case "worker":
                return new WorkerProxy(proxy.name, { proxy, zone, accountId: accountId!, scriptPrefix: args.scriptPrefix, zoneRules }).outputs;
            case "pageRule":
                return new PageRuleProxy(proxy.name, { proxy, zone, pageRules: pageRules.get(proxy.name), zoneRules }).outputs;
            case "dns":
                return new CnameProxy(proxy.name, { proxy, zone, zoneRules }).outputs;
            case "googleTagGateway":
                return new GoogleTagGatewayProxy(proxy.name, { proxy, zone }).outputs;
            default:
                throw new Error(`${proxy.name} was not among the proxies the Cloudflare builder was prepared with`);
        }
    };
}
