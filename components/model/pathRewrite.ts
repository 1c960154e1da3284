import { PathRewrite, QueryTarget, Route } from "./types";

/*
 * The rewrite from a public path to the vendor's path. The Worker and the CloudFront viewer-request function import
 * this module (bundled by esbuild), the plan and the tests call it: every CDN rewrites with the same code. Keep it
 * free of imports other than types: it runs at the edge (cloudfront-js-2.0 has no modules).
 */

/** The path the origin sees for `path` on a route with `rewrite` (the path itself when there is none or it does not apply). */
export function rewritePath(rewrite: PathRewrite | undefined, path: string): string {
    if (rewrite === undefined || !path.startsWith(rewrite.from)) return path;
    return rewrite.to + path.slice(rewrite.from.length);
}

/** The upstream path and query for a request on `route`; the query passes unchanged. */
export function upstreamPathAndQuery(route: Pick<Route, "rewrite">, path: string, query: string): string {
    return rewritePath(route.rewrite, path) + query;
}

/** The upstream path and query a request names, or why the edge answers it itself. */
export type QueryTargetResult = { readonly ok: true; readonly path: string; readonly query: string } | { readonly ok: false; readonly status: 400 | 405; readonly reason: string };

/** Longest `ddforward` value accepted: the SDK's are a few hundred characters. */
export const ddforwardMaxLength = 2048;

/** One `name=value` of the intake's query: the characters Datadog's SDK writes there (no `%`, `/`, `:`, `@`, `\\`). */
const ddforwardParam = /^[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*$/;

/**
 * Where a `ddforward` request goes upstream ("Proxy Your Browser RUM Data"): the SDK POSTs to the proxy with the
 * intake path and its query, URL-encoded, as the request's only query parameter `ddforward`. The value must be one of
 * `target.paths`, optionally followed by `?` and `name=value` pairs of plain characters: no scheme, no host, no `//`,
 * no backslash, no dot segments, nothing the origin could read as another authority. The caller sends it to its fixed
 * intake host. `names` are the request's query parameter names as received, `raw` the value of `ddforward` as
 * received (URL-encoded, or already decoded: it is decoded once, and a valid value has no `%` left).
 *
 * `ddforwardSubdomain` (the profiling quota check's `quota.` intake host) is refused: only the intake host of the
 * configured site is ever contacted.
 */
export function ddforwardTarget(target: QueryTarget, method: string, names: readonly string[], raw: string | undefined): QueryTargetResult {
    if (method !== "POST") return { ok: false, status: 405, reason: "Method not allowed: the intake takes POST" };
    if (names.indexOf("ddforwardSubdomain") !== -1) return { ok: false, status: 400, reason: "Bad request: ddforwardSubdomain is not forwarded (only the configured site's intake host is)" };
    if (names.length !== 1 || names[0] !== "ddforward" || raw === undefined) return { ok: false, status: 400, reason: "Bad request: expected one ddforward parameter and nothing else" };
    if (raw.length > ddforwardMaxLength * 3) return { ok: false, status: 400, reason: "Bad request: ddforward too long" };
    let value: string;
    try {
        value = decodeURIComponent(raw);
    } catch {
        return { ok: false, status: 400, reason: "Bad request: ddforward is not URL-encoded text" };
    }
    if (value.length > ddforwardMaxLength) return { ok: false, status: 400, reason: "Bad request: ddforward too long" };
    const mark = value.indexOf("?");
    const path = mark === -1 ? value : value.slice(0, mark);
    const query = mark === -1 ? "" : value.slice(mark + 1);
    if (target.paths.indexOf(path) === -1) return { ok: false, status: 400, reason: "Bad request: ddforward names no intake path" };
    if (query !== "") {
        const params = query.split("&");
        for (let i = 0; i < params.length; i++) {
            if (!ddforwardParam.test(params[i])) return { ok: false, status: 400, reason: "Bad request: ddforward has a query the intake does not take" };
        }
    }
    return { ok: true, path, query };
}
