import { Route, Site } from "../model/types";
import { pathCondition, quote, ZoneRuleSpec } from "./zoneRules";

/*
 * Page-rule mode serves public paths with URL Rewrite Rules (the zone's `http_request_transform` phase): each public
 * prefix is rewritten to the vendor's before the page rules, cache and configuration rules run, and those later
 * phases see the rewritten path ("Rule phase interactions", https://developers.cloudflare.com/waf/troubleshooting/phase-interactions/).
 * So the page rules match the vendor's paths, and the rewrite decides which one a public path reaches.
 */

const pathField = "http.request.uri.path";

/** A regular-expression literal matching `text` itself. */
function regexLiteral(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * One URL rewrite rule per rewriting route of `site`, in route order, each excluding the public paths of the routes
 * before it (every matching rule of a phase runs). The rewrite replaces only the matched prefix of the path: the
 * query and the host are never touched, so no rule can send a request anywhere but the site's own page rules.
 * `regex_replace` needs regular expressions, which Cloudflare allows on Business and Enterprise plans (page-rule mode
 * is Enterprise only).
 */
export function urlRewriteRules(owner: string, site: Site): ZoneRuleSpec[] {
    const served = site.routes.filter((r) => r.answer === undefined);
    const host = `http.host eq ${quote(site.hostname)}`;
    return served.flatMap((route, i) => {
        if (route.rewrite === undefined) return [];
        const own = pathCondition(route.pathPattern);
        const earlier = served.slice(0, i).map((r) => pathCondition(r.pathPattern));
        const expression = [host, own, ...earlier.map((c) => `not ${c}`)].filter((c) => c !== undefined).join(" and ");
        return [
            {
                phase: "http_request_transform",
                owner,
                ref: `${owner}-${site.role}-rewrite-${i}`.replace(/[^A-Za-z0-9_-]/g, "_"),
                description: `${owner}: ${site.hostname} ${route.rewrite.from}* to the vendor's ${route.rewrite.to}*`,
                expression: `(${expression})`,
                action: "rewrite",
                actionParameters: {
                    uri: {
                        path: {
                            expression: `regex_replace(${pathField}, ${quote(`^${regexLiteral(route.rewrite.from)}`)}, ${quote(route.rewrite.to)})`,
                        },
                    },
                },
            } satisfies ZoneRuleSpec,
        ];
    });
}

/**
 * The routes as the phases after the rewrite see them: each at its vendor path, the edge's own 404 left out. Page
 * rules and the cache and configuration rules are written for these.
 */
export function rewrittenRoutes(site: Site): Route[] {
    return site.routes
        .filter((r) => r.answer === undefined)
        .map((r) => {
            if (r.rewrite === undefined) return r;
            const { rewrite, ...rest } = r;
            return { ...rest, pathPattern: `${rewrite.to}${r.pathPattern.slice(rewrite.from.length)}` };
        });
}
