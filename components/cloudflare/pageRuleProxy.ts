import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { createExtraDnsRecords, createHostnameRecord, PlannedRecord } from "../dns/record";
import { ProxyComponentType, RecordOwner } from "../dns/recordAliases";
import { DnsZone } from "../dns/zone";
import { ProxySpec } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { edgeCertificateNotes } from "./edgeCertificates";
import { edgeResponseHeaderNotes, edgeResponseHeaderRules } from "./edgeHeaderRules";
import { siteResourceName } from "./names";
import { planPageRules, PlannedPageRule, validatePageRules } from "./pageRules";
import { rewrittenRoutes, urlRewriteRules } from "./urlRewriteRules";
import { httpsRedirectRules, requireZoneRules, ZoneRules, ZoneRuleSpec, zoneRulesNotes } from "./zoneRules";
import { requireClientIpHonoured } from "../model/clientIp";

/**
 * The zone rules a PageRuleProxy needs: HTTP→HTTPS redirects. A page rule's "Always Use HTTPS" cannot be combined
 * with other actions, and only the highest-priority matching page rule applies, so the redirect is a zone rule.
 */
export function pageRuleProxyZoneRules(proxy: ProxySpec): ZoneRuleSpec[] {
    return proxy.sites.flatMap((site) => [...httpsRedirectRules(proxy.name, site), ...urlRewriteRules(proxy.name, site)]);
}

/** Every zone rule a PageRuleProxy relies on: its own, and the zone-wide CORS and security response headers it takes part in. */
function pageRuleProxyRequiredRules(proxy: ProxySpec): ZoneRuleSpec[] {
    return [...pageRuleProxyZoneRules(proxy), ...edgeResponseHeaderRules(proxy.sites.map((site) => ({ owner: proxy.name, site, sharedHost: proxy.sharedHost })))];
}

export interface PageRuleProxyArgs {
    /** The neutral description of the proxy; every origin must take its own Host (not VTEX). */
    readonly proxy: ProxySpec;
    /** The Cloudflare zone (Enterprise plan) for the records and page rules. */
    readonly zone: Extract<DnsZone, { provider: "cloudflare" }>;
    /** This proxy's rules from `planPageRules` over every proxy in the zone. Default: planned for this proxy alone. */
    readonly pageRules?: readonly PlannedPageRule[];
    /**
     * Added to every priority of `pageRules`: the number of page rules that proxies created after this one place below
     * it in the zone, settled once they all exist (see `CloudflareZoneShare`). Default: 0.
     */
    readonly priorityOffset?: pulumi.Input<number>;
    /**
     * The zone's shared rulesets, already holding `pageRuleProxyZoneRules(proxy)` (its HTTPS redirects) and, for routes
     * with edge CORS, the zone's response header rules naming its hostnames. Required when it needs any.
     */
    readonly zoneRules?: ZoneRules;
}

const componentType = "first-party-proxy:cloudflare:PageRuleProxy" satisfies ProxyComponentType;

/**
 * A vendor proxy on an Enterprise zone without code (Segment's Self-Managed Custom Proxy guide, Cloudflare 403 fix 1): per hostname a proxied CNAME
 * (ttl 1) to the default route's origin, and one page rule per route that overrides Host and resolution to the
 * route's origin, with Full (strict) TLS to HTTPS origins and cache bypass where the route disables caching.
 * Priorities follow the route table, so `/static/*` and `/array/*` outrank the catch-all `<host>/*`. The records keep
 * their identity across CDNs (`createHostnameRecord`), and each hostname's record waits for its page rules: switching
 * from CloudFront, the name turns proxied only once the Host overrides are in place.
 */
export class PageRuleProxy extends pulumi.ComponentResource {
    public readonly pageRules: readonly cloudflare.PageRule[];
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    constructor(name: string, args: PageRuleProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        // Refused before the component registers: CloudFront/Cloudflare would send the full address anyway.
        requireClientIpHonoured(name, args.proxy, "pageRule");
        super(componentType, name, {}, opts);
        const { proxy, zone } = args;
        const owner: RecordOwner = { type: componentType, name, parent: opts?.parent };
        if (proxy.sites.length === 0) throw new Error(`${name}: a PageRuleProxy needs at least one site`);
        const planned = args.pageRules ?? planPageRules([proxy]).get(proxy.name)!;
        validateOwnRules(name, proxy, planned);
        const rules = pageRuleProxyRequiredRules(proxy);
        const phases = rules.length === 0 ? [] : requireZoneRules(name, args.zoneRules, rules);

        this.pageRules = planned.map(
            (r) =>
                new cloudflare.PageRule(
                    `${siteResourceName(name, r.role, proxy.sites.length)}-rule-${r.routeIndex}`,
                    {
                        zoneId: zone.zoneId,
                        target: r.target,
                        priority: args.priorityOffset === undefined ? r.priority : pulumi.output(args.priorityOffset).apply((offset) => r.priority + offset),
                        status: "active",
                        actions: { ...r.actions },
                    },
                    { parent: this },
                ),
        );

        const records: pulumi.Input<PlannedRecord[]>[] = [];
        const defaults: string[] = [];
        for (const site of proxy.sites) {
            // The record needs a target to be proxied; the catch-all page rule resolves to the same origin anyway.
            const fallback = planned.find((r) => r.role === site.role && r.routeIndex === rewrittenRoutes(site).length - 1)!;
            defaults.push(fallback.originDomain);
            const siteRules = this.pageRules.filter((_, i) => planned[i].role === site.role);
            records.push(
                createHostnameRecord(
                    zone,
                    owner,
                    siteResourceName(name, site.role, proxy.sites.length),
                    { type: "CNAME", name: site.hostname, value: fallback.originDomain, proxied: true },
                    `Serves ${site.hostname} through Cloudflare's proxy; page rules pick the origin per path`,
                    { parent: this, dependsOn: [...siteRules, ...(args.zoneRules ? [args.zoneRules] : [])] },
                ).planned,
            );
        }
        records.push(...createExtraDnsRecords(zone, name, proxy.extraDnsRecords, { parent: this }, owner));

        const outputs = proxyOutputs(proxy, "cloudflare-page-rule", records, defaults, [
            ...zoneRulesNotes(phases, false),
            ...edgeResponseHeaderNotes(proxy.sites, "the origin answers preflights"),
            ...edgeCertificateNotes(
                proxy.sites.map((s) => s.hostname),
                zone.name,
            ),
        ]);
        this.outputs = pulumi.all([outputs, args.priorityOffset ?? 0]).apply(([o, offset]) => ({
            ...o,
            notes: [
                ...o.notes,
                `Page rules ${planned.map((r) => `${r.target} (priority ${r.priority + offset})`).join(", ")}: Host header and resolve overrides need the zone on the Enterprise plan.`,
            ],
        }));
        this.registerOutputs({ outputs: this.outputs });
    }
}

/** The given rules must be exactly one per route of this proxy, valid among themselves. */
function validateOwnRules(name: string, proxy: ProxySpec, rules: readonly PlannedPageRule[]): void {
    const expected = proxy.sites.flatMap((s) => rewrittenRoutes(s).map((_, i) => `${s.role}#${i}`)).sort();
    const given = rules.map((r) => (r.proxy === proxy.name ? `${r.role}#${r.routeIndex}` : `other proxy ${r.proxy}`)).sort();
    if (JSON.stringify(expected) !== JSON.stringify(given)) {
        throw new Error(`${name}: page rules must be one per route of this proxy (${expected.join(", ")}), got ${given.join(", ")}`);
    }
    validatePageRules(rules);
}
