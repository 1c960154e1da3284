import { PathRewrite, Route } from "./types";

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
