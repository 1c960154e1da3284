import { Route, Site } from "../model/types";
import { maxExpressionLength, pathsWanting, quote, ZoneRuleSpec } from "./zoneRules";

/**
 * CloudFront's managed CORS-with-preflight(-and-SecurityHeadersPolicy) response headers policies on Cloudflare, as
 * Response Header Transform Rules: the origin's response keeps every header it has, and gets the ones it lacks.
 *
 * Why rules rather than the Worker: a fetched Response's headers are immutable in workerd, so a Worker can only add a
 * header by copying the Response and asking its headers one call at a time; that work doubled what our Worker costs
 * over a bare pass-through (bench/results.md). Cloudflare's rules engine does the same work for free (Workers bill
 * CPU time), for every Cloudflare mode alike (Worker, page rules), and it is declarative like CloudFront's policy.
 * Preflights stay with the Worker, which answers them without a subrequest; the rules then add the security headers
 * to that answer too.
 *
 * The rules are zone-wide: one per header, each naming every hostname (and path) that wants it (split into parts when
 * one expression cannot name them all). Per-site rules would take six per site, and a Free zone allows ten response
 * header rules.
 */

/** CloudFront's managed SecurityHeadersPolicy, with origin override off: added only where the origin sent none. */
export const securityHeaders: readonly (readonly [name: string, value: string])[] = [
    ["strict-transport-security", "max-age=31536000"],
    ["x-content-type-options", "nosniff"],
    ["x-frame-options", "SAMEORIGIN"],
    ["referrer-policy", "strict-origin-when-cross-origin"],
    ["x-xss-protection", "1; mode=block"],
];

export { maxExpressionLength };

/** A site of a proxy built on Cloudflare, with the proxy (ProxySpec name) it belongs to. */
export interface OwnedSite {
    readonly owner: string;
    readonly site: Site;
    /**
     * The proxy's `sharedHost`: the hostname is the user's own site, of which the proxy serves only its prefix. Its
     * rules name its paths exactly; a hostname the proxy owns is matched by its routes' shape (see prefixShape).
     */
    readonly sharedHost: boolean;
}

const hasRequestHeader = (name: string) => `any(lower(http.request.headers.names[*])[*] eq ${quote(name)})`;
const hasResponseHeader = (name: string) => `any(lower(http.response.headers.names[*])[*] eq ${quote(name)})`;

const edgeCors = (r: Route) => r.cors.mode === "edgePreflight";
const withSecurityHeaders = (r: Route) => r.cors.mode === "edgePreflight" && r.cors.securityHeaders;

/**
 * The shape of a site whose proxy owns its hostname (not a shared host) and serves everything under one prefix (the
 * public layout, whose last route answers 404 for every other path): its routes
 * with the prefix's segment as a wildcard (`/g3lt1d/static/<any>` becomes `/<any>/static/<any>`), or undefined for
 * any other site. Such a site answers every path outside its prefix itself (404, its last route), so proxies of one
 * vendor layout with different prefixes share one path condition and one `in` set of hostnames, instead of a
 * condition each. The wildcard also matches that shape under another first segment, which on these hostnames is the
 * edge's own 404, and deeper paths under the prefix that repeat a matched segment (`/<prefix>/x/static/y`): those
 * get the headers too, only where the response has none.
 */
export function prefixShape(site: Site): Site | undefined {
    const last = site.routes[site.routes.length - 1];
    if (!last || last.pathPattern !== "*" || last.answer !== "notFound") return undefined;
    const first = site.routes[0]?.pathPattern.match(/^\/[^/*]+\//)?.[0];
    if (!first || site.routes.slice(0, -1).some((r) => !r.pathPattern.startsWith(first))) return undefined;
    return { ...site, routes: site.routes.map((r, i) => (i === site.routes.length - 1 ? r : { ...r, pathPattern: `/*/${r.pathPattern.slice(first.length)}` })) };
}

/** The requests of every site whose route wants the header: hostnames sharing a path condition share one `in` set. */
function sitesCondition(
    sites: readonly OwnedSite[],
    wanted: (r: Route) => boolean,
): { condition: string; owner: string; hostCount: number } | undefined {
    const groups = new Map<string, { hosts: string[]; owners: Set<string> }>();
    for (const { owner, site, sharedHost } of sites) {
        const paths = pathsWanting((sharedHost ? undefined : prefixShape(site)) ?? site, wanted);
        if (paths === null) continue;
        const key = paths ?? "";
        const group = groups.get(key) ?? { hosts: [], owners: new Set<string>() };
        if (!group.hosts.includes(site.hostname)) group.hosts.push(site.hostname);
        group.owners.add(owner);
        groups.set(key, group);
    }
    if (groups.size === 0) return undefined;
    const parts = [...groups].map(([paths, g]) => {
        const hosts = `http.host in {${g.hosts.map(quote).join(" ")}}`;
        return paths === "" ? hosts : `(${hosts} and (${paths}))`;
    });
    const owners = [...new Set([...groups.values()].flatMap((g) => [...g.owners]))];
    const hostCount = [...groups.values()].reduce((n, g) => n + g.hosts.length, 0);
    return { condition: parts.length === 1 ? parts[0] : `(${parts.join(" or ")})`, owner: owners.join(", "), hostCount };
}

const hostsText = (sites: { hostCount: number }) => `${sites.hostCount} hostname${sites.hostCount === 1 ? "" : "s"}`;

/** A response header rule over `sites` (its expression's length is checked by the caller). */
function responseHeaderRule(
    sites: NonNullable<ReturnType<typeof sitesCondition>>,
    rule: Pick<ZoneRuleSpec, "ref" | "description" | "expression" | "actionParameters">,
): ZoneRuleSpec {
    return { phase: "http_response_headers_transform", owner: sites.owner, action: "rewrite", ...rule };
}

/**
 * The zone's response header rules for every site with edge CORS: `Access-Control-Allow-Origin` echoing the request's
 * Origin (with `Vary: Origin`) where the response has none, and each security header where absent on the routes that
 * take them. Empty when no route has edge CORS.
 *
 * An expression holds at most 4,096 characters, about 200 hostnames: beyond that the sites are split, in order, into
 * parts that fit, each with its own rules (`<ref>`, then `<ref>-part-2`, ...), so a zone of 1,000 proxies takes six
 * rules per part rather than one set per proxy. A single site too long for one rule is refused, naming the rule.
 */
export function edgeResponseHeaderRules(sites: readonly OwnedSite[]): ZoneRuleSpec[] {
    return partsThatFit(sites).flatMap((part, i) =>
        i === 0 ? part : part.map((r) => ({ ...r, ref: `${r.ref}${partSuffix}${i + 1}`, description: `${r.description} (part ${i + 1})` })),
    );
}

/** What follows a rule's ref in the second and later parts of a zone's response header rules. */
export const partSuffix = "-part-";

/** The rules of `sites`, split in halves (keeping their order) until every expression fits. */
function partsThatFit(sites: readonly OwnedSite[]): ZoneRuleSpec[][] {
    const rules = rulesFor(sites);
    if (rules.every((r) => r.expression.length <= maxExpressionLength)) return rules.length === 0 ? [] : [rules];
    if (sites.length === 1) {
        const long = rules.find((r) => r.expression.length > maxExpressionLength)!;
        throw new Error(
            `the response header rule ${long.ref} for ${sites[0].site.hostname} needs a ${long.expression.length}-character expression; ` +
                `Cloudflare allows ${maxExpressionLength}`,
        );
    }
    const half = Math.ceil(sites.length / 2);
    return [...partsThatFit(sites.slice(0, half)), ...partsThatFit(sites.slice(half))];
}

/**
 * The zone's response header rules for every site with edge CORS: `Access-Control-Allow-Origin` echoing the request's
 * Origin (with `Vary: Origin`) where the response has none, and each security header where absent on the routes that
 * take them, for one part of the zone's sites.
 */
function rulesFor(sites: readonly OwnedSite[]): ZoneRuleSpec[] {
    const rules: ZoneRuleSpec[] = [];
    const cors = sitesCondition(sites, edgeCors);
    if (cors) {
        rules.push(
            responseHeaderRule(cors, {
                ref: "edge-cors-allow-origin",
                description: `first-party-proxy: Access-Control-Allow-Origin where the origin sent none, ${hostsText(cors)} (CloudFront's CORS-with-preflight)`,
                expression: `${cors.condition} and ${hasRequestHeader("origin")} and not ${hasResponseHeader("access-control-allow-origin")}`,
                actionParameters: {
                    headers: {
                        "access-control-allow-origin": { operation: "set", expression: 'http.request.headers["origin"][0]' },
                        // The allowed origin now depends on the request's Origin.
                        vary: { operation: "add", value: "Origin" },
                    },
                },
            }),
        );
    }
    const security = sitesCondition(sites, withSecurityHeaders);
    if (security) {
        for (const [name, value] of securityHeaders) {
            rules.push(
                responseHeaderRule(security, {
                    ref: `edge-security-${name}`,
                    description: `first-party-proxy: ${name} where the origin sent none, ${hostsText(security)} (CloudFront's SecurityHeadersPolicy)`,
                    expression: `${security.condition} and not ${hasResponseHeader(name)}`,
                    actionParameters: { headers: { [name]: { operation: "set", value } } },
                }),
            );
        }
    }
    return rules;
}

/** What a proxy's outputs say about its edge CORS on Cloudflare; `preflights` tells who answers them. */
export function edgeResponseHeaderNotes(sites: readonly Site[], preflights: string): string[] {
    const covered = sites.filter((s) => s.routes.some(edgeCors)).map((s) => s.hostname);
    if (covered.length === 0) return [];
    return [
        `CORS and security response headers on ${covered.join(", ")} come from the zone's Response Header Transform Rules (like CloudFront's response headers policy, only where the vendor sent none); ${preflights}.`,
    ];
}
