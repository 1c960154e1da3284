import { matchesPathPattern } from "../model/pathPattern";
import { ProxySpec, Site } from "../model/types";
import { rewrittenRoutes } from "./urlRewriteRules";

/** Page rules an Enterprise zone may hold (Cloudflare's plan limit), across every proxy in the zone. */
export const enterprisePageRuleLimit = 125;

/** The actions of one page rule, as `cloudflare.PageRule` takes them. */
export interface PageRuleActionsSpec {
    /** The origin's own hostname as Host (Segment's fix for Cloudflare 403s; Enterprise only). */
    readonly hostHeaderOverride: string;
    /** Send the request to this origin instead of the record's target (Enterprise only). */
    readonly resolveOverride: string;
    /** Full (strict) TLS to an HTTPS origin; Segment's fix for CORS preflight failures on the API proxy. */
    readonly ssl?: "strict";
    /** Never cache (routes whose cache intent is `disabled`). */
    readonly cacheLevel?: "bypass";
    /** Custom cache key for `keyed` routes: the listed headers and all query strings, never cookies (Enterprise). */
    readonly cacheKeyFields?: {
        readonly cookie: Record<string, never>;
        readonly header: { readonly includes: string[] };
        readonly host: { readonly resolved: boolean };
        readonly queryString: { readonly includes: string[] };
        readonly user: { readonly deviceType: boolean; readonly geo: boolean; readonly lang: boolean };
    };
}

/** One page rule of a site's route, with its zone-wide priority. */
export interface PlannedPageRule {
    /** The proxy (ProxySpec name) and site role it belongs to. */
    readonly proxy: string;
    readonly role: string;
    readonly hostname: string;
    readonly routeIndex: number;
    readonly pathPattern: string;
    /** The URL pattern: `<hostname><path pattern>`, `*` as wildcard, any scheme. */
    readonly target: string;
    /** Higher wins; unique in the zone. Only the highest-priority matching page rule applies to a request. */
    readonly priority: number;
    readonly originDomain: string;
    readonly actions: PageRuleActionsSpec;
}

type UnplacedRule = Omit<PlannedPageRule, "priority">;

/** A CloudFront path pattern as a page rule URL pattern for `hostname`. */
export function pageRuleTarget(hostname: string, pathPattern: string): string {
    if (pathPattern.includes("?")) {
        throw new Error(`${hostname}: path pattern ${pathPattern} has "?", which page rules cannot express (only "*")`);
    }
    if (pathPattern.startsWith("/")) return `${hostname}${pathPattern}`;
    // `*` and `*.js` match any path; a pattern without a leading slash is relative to the root, as on CloudFront.
    return `${hostname}/${pathPattern}`;
}

/** One page rule per route of `site`, in route order (most specific first, the catch-all `<host>/*` last). */
export function sitePageRules(proxy: string, site: Site): UnplacedRule[] {
    // Public paths reach page rules rewritten to the vendor's (urlRewriteRules.ts).
    return rewrittenRoutes(site).map((route, routeIndex) => {
        const origin = site.origins.find((o) => o.id === route.originId);
        if (!origin) throw new Error(`${site.hostname}: route ${route.pathPattern} names unknown origin "${route.originId}"`);
        if (origin.host !== "origin") {
            throw new Error(
                `${site.hostname}: origin "${origin.id}" needs the viewer's Host; serve it as proxied DNS (CnameProxy), not with page rule overrides`,
            );
        }
        const cache = route.cache;
        const actions: PageRuleActionsSpec = {
            hostHeaderOverride: origin.domain,
            resolveOverride: origin.domain,
            ...(origin.protocol === "https" ? { ssl: "strict" as const } : {}),
            ...(cache.mode === "disabled" ? { cacheLevel: "bypass" as const } : {}),
            ...(cache.mode === "keyed"
                ? {
                      cacheKeyFields: {
                          cookie: {},
                          header: { includes: [...cache.headers] },
                          host: { resolved: false },
                          queryString: { includes: ["*"] },
                          user: { deviceType: false, geo: false, lang: false },
                      },
                  }
                : {}),
        };
        return {
            proxy,
            role: site.role,
            hostname: site.hostname,
            routeIndex,
            pathPattern: route.pathPattern,
            target: pageRuleTarget(site.hostname, route.pathPattern),
            originDomain: origin.domain,
            actions,
        };
    });
}

/** Whether every URL page rule target `b` matches is also matched by `a` (only `*` wildcards). */
export function targetCovers(a: string, b: string): boolean {
    // b's wildcards become a character a's literals never match, so only a's own wildcards can absorb them. Targets
    // never hold "?" (refused above); the leading "/" only satisfies the path matcher.
    return matchesPathPattern(`/${a}`, `/${b.replace(/\*/g, "\u0000")}`);
}

/**
 * Checks a zone's page rules: at most `limit`, unique targets and priorities, and within each hostname priorities
 * that follow the route order with no rule hidden behind a higher-priority rule that matches all its URLs.
 * Throws one error listing every problem.
 */
export function validatePageRules(rules: readonly PlannedPageRule[], limit: number = enterprisePageRuleLimit): void {
    const problems: string[] = [];
    if (rules.length > limit) {
        const perProxy = new Map<string, number>();
        for (const r of rules) perProxy.set(r.proxy, (perProxy.get(r.proxy) ?? 0) + 1);
        problems.push(
            `the zone needs ${rules.length} page rules, more than the ${limit} Cloudflare allows (${[...perProxy].map(([p, n]) => `${p}: ${n}`).join(", ")}); use mode worker or split the proxies across zones`,
        );
    }
    const byTarget = new Map<string, PlannedPageRule>();
    const byPriority = new Map<number, PlannedPageRule>();
    for (const r of rules) {
        if (!Number.isInteger(r.priority) || r.priority < 1) problems.push(`${r.target}: priority ${r.priority} is not a positive integer`);
        const sameTarget = byTarget.get(r.target);
        if (sameTarget) problems.push(`${r.target} is the target of two page rules (${sameTarget.proxy} and ${r.proxy})`);
        byTarget.set(r.target, r);
        const samePriority = byPriority.get(r.priority);
        if (samePriority) problems.push(`${samePriority.target} and ${r.target} share priority ${r.priority}`);
        byPriority.set(r.priority, r);
    }
    const hosts = new Map<string, PlannedPageRule[]>();
    for (const r of rules) hosts.set(r.hostname, [...(hosts.get(r.hostname) ?? []), r]);
    for (const [, list] of hosts) {
        const inRouteOrder = [...list].sort((a, b) => a.routeIndex - b.routeIndex);
        inRouteOrder.forEach((r, i) => {
            const next = inRouteOrder[i + 1];
            if (next && next.priority >= r.priority) {
                problems.push(`${r.target} (priority ${r.priority}) must outrank ${next.target} (priority ${next.priority}), which comes after it in the route table`);
            }
        });
        const byRank = [...list].sort((a, b) => b.priority - a.priority);
        byRank.forEach((r, i) => {
            const hiding = byRank.slice(0, i).find((higher) => targetCovers(higher.target, r.target));
            if (hiding) problems.push(`${r.target} never applies: ${hiding.target} has a higher priority and matches all its URLs`);
        });
    }
    if (problems.length > 0) throw new Error(`Invalid page rules:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/**
 * The page rules of every proxy sharing a zone, keyed by proxy name: one per route, priorities unique across the
 * zone (the first rule of the first proxy highest, each site's catch-all below its specific routes), validated.
 */
export function planPageRules(proxies: readonly ProxySpec[], limit: number = enterprisePageRuleLimit): Map<string, PlannedPageRule[]> {
    const unplaced = proxies.flatMap((p) => p.sites.flatMap((site) => sitePageRules(p.name, site)));
    const placed = unplaced.map((r, i): PlannedPageRule => ({ ...r, priority: unplaced.length - i }));
    validatePageRules(placed, limit);
    const byProxy = new Map<string, PlannedPageRule[]>(proxies.map((p) => [p.name, []]));
    for (const r of placed) byProxy.get(r.proxy)!.push(r);
    return byProxy;
}
