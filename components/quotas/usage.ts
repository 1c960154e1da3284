import { sharedResourceKeys } from "../aws/policies";
import { groupKey, SharedResourceGroups } from "../aws/sharedKeys";
import { availableOf } from "./stackLimits";
import { plannedDnsRecords } from "./dnsRecords";
import { siteViewerRequestFunctions } from "../aws/viewerRequestFunction";
import { cloudflareProxyKind, plannedZoneRules } from "../cloudflare/builder";
import { sharedScriptGroup } from "../cloudflare/names";
import { ZonePhase } from "../cloudflare/zoneRules";
import { StackConfig } from "../config/schema";
import { ProxySpec, Site } from "../model/types";
import { QuotaId } from "./limits";

/** How much of one quota the stack's plan takes; for per-distribution (per-zone...) quotas, its largest holder. */
export interface QuotaUse {
    readonly id: QuotaId;
    readonly count: number;
    /** Who holds `count` when the quota is per distribution or certificate: the proxy (and site) it belongs to. */
    readonly holder?: string;
}

/** The zone rule phases, each counted against its own per-plan quota. */
const phaseQuota: { readonly [p in ZonePhase]: QuotaId } = {
    http_request_dynamic_redirect: "redirectRules",
    http_config_settings: "configurationRules",
    http_request_cache_settings: "cacheRules",
    http_response_headers_transform: "responseHeaderRules",
    http_request_transform: "urlRewriteRules",
};

/**
 * The code of the CloudFront Function each route of a site runs, if any, as CloudFrontProxy derives it: the stack
 * creates one function per distinct code (ViewerRequestFunctions), so distinct codes are what the quota counts.
 */
export function viewerRequestFunctionCodes(site: Site, prefix: string | undefined): string[] {
    return siteViewerRequestFunctions(site, prefix).flatMap((fn) => (fn === undefined ? [] : [fn.code]));
}

/** What the stack's proxies take of each quota on its CDN, computed from the plan's specs before any resource exists. */
export function plannedQuotaUse(config: StackConfig, specs: readonly ProxySpec[]): QuotaUse[] {
    const proxies = specs.filter((s) => s.sites.length > 0);
    const cdn = config.provider === "aws" ? cloudFrontUse(config, proxies) : cloudflareUse(config, proxies);
    // Vendor-managed domains (no sites) create records too.
    const records = plannedDnsRecords(config, specs);
    if (records === undefined) return cdn;
    return [...cdn, { id: config.dns.provider === "route53" ? "route53RecordsPerHostedZone" : "cloudflareDnsRecordsPerZone", count: records }];
}

function largest(values: readonly { holder: string; count: number }[], id: QuotaId): QuotaUse {
    const top = values.reduce<{ holder: string; count: number } | undefined>((a, v) => (!a || v.count > a.count ? v : a), undefined);
    return { id, count: top?.count ?? 0, holder: top?.holder };
}

function cloudFrontUse(config: StackConfig, proxies: readonly ProxySpec[]): QuotaUse[] {
    const sites = proxies.flatMap((p) =>
        p.sites.map((site) => ({ holder: p.sites.length === 1 ? p.name : `${p.name} (${site.role})`, site, prefix: p.paths.prefix })),
    );
    const existing = new Set(Object.keys(config.cloudfront.sharedPolicies));
    // Each distribution joins the group of every shared resource it uses, in order, as CloudFrontShared and
    // ViewerRequestFunctions take them: a copy per group of `cloudfrontDistributionsPerPolicy` (…PerFunction).
    const policyGroups = new SharedResourceGroups(availableOf(config, "cloudfrontDistributionsPerPolicy"));
    const functionGroups = new SharedResourceGroups(availableOf(config, "cloudfrontDistributionsPerFunction"));
    const policies = new Set<string>();
    const functions = new Set<string>();
    const perPolicy = new Map<string, number>();
    const perFunction = new Map<string, number>();
    sites.forEach(({ site, prefix }, i) => {
        const distribution = String(i);
        for (const key of new Set(site.routes.flatMap(sharedResourceKeys))) {
            const copy = groupKey(key, policyGroups.groupOf(key, distribution));
            perPolicy.set(copy, (perPolicy.get(copy) ?? 0) + 1);
            if (!existing.has(copy)) policies.add(copy);
        }
        for (const code of new Set(viewerRequestFunctionCodes(site, prefix))) {
            const copy = `${functionGroups.groupOf(code, distribution)}:${code}`;
            perFunction.set(copy, (perFunction.get(copy) ?? 0) + 1);
            functions.add(copy);
        }
    });
    const ofKind = (kind: string) => [...policies].filter((k) => k.startsWith(`${kind}-`)).length;
    const most = (counts: Map<string, number>) => Math.max(0, ...counts.values());
    // One certificate per distribution, naming the site's hostname (and the distribution's aliases).
    const namesPerSite = sites.map(({ holder, site }) => ({ holder, count: [site.hostname].length }));
    return [
        { id: "cloudfrontDistributions", count: sites.length },
        // Every route is a behaviour, the default one included.
        largest(sites.map(({ holder, site }) => ({ holder, count: site.routes.length })), "cloudfrontCacheBehaviorsPerDistribution"),
        largest(namesPerSite, "cloudfrontAlternateDomainNamesPerDistribution"),
        { id: "cloudfrontCachePolicies", count: ofKind("cache") },
        { id: "cloudfrontOriginRequestPolicies", count: ofKind("origin-request") },
        { id: "cloudfrontResponseHeadersPolicies", count: ofKind("response-headers") },
        { id: "cloudfrontFunctions", count: functions.size },
        // At most a group's worth by construction (less what reused policies already serve: quotas.…PerPolicy.used).
        { id: "cloudfrontDistributionsPerPolicy", count: most(perPolicy) },
        { id: "cloudfrontDistributionsPerFunction", count: most(perFunction) },
        { id: "acmCertificates", count: sites.length },
        largest(namesPerSite, "acmDomainNamesPerCertificate"),
    ];
}

function cloudflareUse(config: StackConfig, proxies: readonly ProxySpec[]): QuotaUse[] {
    const mode = config.cloudflare?.mode ?? "worker";
    const sitesOf = (kind: string) => proxies.filter((p) => cloudflareProxyKind(p, mode) === kind).flatMap((p) => p.sites);
    // One route per site served by a Worker, and one script per site, or with shared scripts one per vendor layout
    // (WorkerProxy's sharedScripts); one page rule per route in page-rule mode.
    const workerProxies = proxies.filter((p) => cloudflareProxyKind(p, mode) === "worker");
    const workerSites = sitesOf("worker").length;
    const scripts =
        config.cloudflare?.workerScripts === "shared"
            ? new Set(workerProxies.flatMap((p) => p.sites.map((site) => sharedScriptGroup(p.vendor, site.role)))).size
            : workerSites;
    const rules = plannedZoneRules(proxies, mode);
    return [
        { id: "workersScripts", count: scripts },
        { id: "workersRoutesPerZone", count: workerSites },
        // The edge's own 404 outside a public prefix needs no page rule.
        { id: "pageRules", count: sitesOf("pageRule").reduce((n, s) => n + s.routes.filter((r) => r.answer === undefined).length, 0) },
        ...(Object.entries(phaseQuota) as [ZonePhase, QuotaId][]).map(([phase, id]) => ({ id, count: rules.filter((r) => r.phase === phase).length })),
    ];
}
