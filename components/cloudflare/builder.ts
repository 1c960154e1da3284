import { StackConfig } from "../config/schema";
import { DnsZone } from "../dns/zone";
import { ProxySpec } from "../model/types";
import { cnameProxyZoneRules } from "./cnameProxy";
import { edgeResponseHeaderRules } from "./edgeHeaderRules";
import { pageRuleProxyZoneRules } from "./pageRuleProxy";
import { mergeZoneRules, ZoneRuleSpec } from "./zoneRules";

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
 * Every zone rule the proxies need, whatever serves each one: the proxied-DNS and page-rule proxies' rules (those
 * shared by shape merged, as ZoneRules does), and the zone-wide CORS and security response header rules (one per
 * header). Pure: the quota check counts them too.
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
    return [...mergeZoneRules(perProxy), ...edgeResponseHeaderRules(withSites.flatMap((p) => p.sites.map((site) => ({ owner: p.name, site, sharedHost: p.sharedHost }))))];
}

/**
 * Checks what a Cloudflare proxy of `kinds` needs from the stack's choices — a Cloudflare zone, Enterprise for page
 * rules, an account for Workers — before any resource is registered; returns the zone as a Cloudflare zone.
 */
export function requireCloudflareSetup(
    zone: DnsZone,
    cloudflare: CloudflareConfig,
    kinds: readonly CloudflareProxyKind[],
): Extract<DnsZone, { provider: "cloudflare" }> {
    if (zone.provider !== "cloudflare") {
        throw new Error(`provider cloudflare needs dns.provider cloudflare (the hostnames must be in a Cloudflare zone), got ${zone.provider}`);
    }
    if (cloudflare.mode === "pageRule" && !cloudflare.enterprise) {
        throw new Error("cloudflare.mode pageRule needs Host header and resolve overrides, which only Enterprise zones have: set cloudflare.enterprise: true");
    }
    if (cloudflare.accountId === undefined && kinds.includes("worker")) {
        throw new Error("cloudflare.accountId is required in worker mode (it owns the Workers)");
    }
    return zone;
}
