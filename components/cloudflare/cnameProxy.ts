import * as pulumi from "@pulumi/pulumi";
import { createExtraDnsRecords, createHostnameRecord, PlannedRecord } from "../dns/record";
import { ProxyComponentType, RecordOwner } from "../dns/recordAliases";
import { DnsZone } from "../dns/zone";
import { defaultOrigin } from "../model/proxySpec";
import { Origin, ProxySpec, Site } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { edgeCertificateNotes } from "./edgeCertificates";
import { siteResourceName } from "./names";
import { cacheBypassRules, httpsRedirectRules, requireZoneRules, strictSslRule, ZoneRules, ZoneRuleSpec, zoneRulesNotes } from "./zoneRules";

/** The one upstream a proxied CNAME can point at: every route of the site must go to the same hostname. */
export function cnameTarget(site: Site): Origin {
    const domains = new Set(site.origins.map((o) => o.domain));
    if (domains.size !== 1) {
        throw new Error(
            `${site.hostname}: a proxied CNAME reaches one upstream, but the routes go to ${[...domains].join(", ")}; use a WorkerProxy or PageRuleProxy`,
        );
    }
    return defaultOrigin(site);
}

/** The zone rules a CnameProxy needs: HTTPS redirects sparing plain-HTTP routes, cache bypass, strict TLS. */
export function cnameProxyZoneRules(proxy: ProxySpec): ZoneRuleSpec[] {
    return proxy.sites.flatMap((site) => [
        ...httpsRedirectRules(proxy.name, site),
        ...strictSslRule(proxy.name, site),
        ...cacheBypassRules(proxy.name, site),
    ]);
}

export interface CnameProxyArgs {
    /** The neutral description of the proxy; each site's routes must all reach one upstream hostname (VTEX). */
    readonly proxy: ProxySpec;
    /** The Cloudflare zone for the records; its name, when known, decides the edge-certificate notes. */
    readonly zone: Extract<DnsZone, { provider: "cloudflare" }>;
    /** The zone's shared rulesets, already holding `cnameProxyZoneRules(proxy)`. Required when the proxy has any. */
    readonly zoneRules?: ZoneRules;
}

const componentType = "first-party-proxy:cloudflare:CnameProxy" satisfies ProxyComponentType;

/**
 * A proxy that Cloudflare serves as proxied DNS, for upstreams that need the viewer's Host (VTEX: a Worker's fetch
 * always sends the URL's host). Per site a proxied CNAME (ttl 1) to the upstream, the vendor's extra records (VTEX's
 * `_<host>` TXT), and zone rules from the route table: HTTP→HTTPS except VTEX's ACME challenge, which reaches VTEX
 * over plain HTTP uncached, so it can issue the store's certificate. The records keep their identity across CDNs
 * (`createHostnameRecord`), and each hostname's record waits for the zone rules: switching from CloudFront, the name
 * turns proxied only once the ACME exception and strict TLS are in place.
 */
export class CnameProxy extends pulumi.ComponentResource {
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    constructor(name: string, args: CnameProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType, name, {}, opts);
        const { proxy, zone } = args;
        const owner: RecordOwner = { type: componentType, name, parent: opts?.parent };
        if (proxy.sites.length === 0) throw new Error(`${name}: a CnameProxy needs at least one site`);
        const targets = proxy.sites.map(cnameTarget);
        const rules = cnameProxyZoneRules(proxy);
        const phases = rules.length === 0 ? [] : requireZoneRules(name, args.zoneRules, rules);

        const records: pulumi.Input<PlannedRecord[]>[] = proxy.sites.map(
            (site, i) =>
                createHostnameRecord(
                    zone,
                    owner,
                    siteResourceName(name, site.role, proxy.sites.length),
                    { type: "CNAME", name: site.hostname, value: targets[i].domain, proxied: true },
                    `Serves ${site.hostname} through Cloudflare's proxy from ${targets[i].domain}`,
                    { parent: this, dependsOn: args.zoneRules ? [args.zoneRules] : [] },
                ).planned,
        );
        records.push(...createExtraDnsRecords(zone, name, proxy.extraDnsRecords, { parent: this }, owner));

        const hostnames = proxy.sites.map((s) => s.hostname);
        this.outputs = proxyOutputs(proxy, "cloudflare-dns", records, targets.map((t) => t.domain), [
            ...zoneRulesNotes(phases, proxy.sites.some((s) => s.routes.some((r) => r.viewerProtocol === "allow"))),
            ...edgeCertificateNotes(hostnames, zone.name),
            `Security features that challenge or block requests (WAF custom rules, Bot Fight Mode, Under Attack) must spare /.well-known/acme-challenge/* on ${hostnames.join(", ")}.`,
            `If ${targets.map((t) => t.domain).join(", ")} is itself served by Cloudflare, proxying it from another account can answer error 1014 (CNAME Cross-User Banned): ask the vendor to allow your zone.`,
        ]);
        this.registerOutputs({ outputs: this.outputs });
    }
}
