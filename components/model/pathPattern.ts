/*
 * CloudFront's path-pattern matching, used for planning and tests, and bundled by esbuild into the Worker (and the
 * same routes decide CloudFront's behaviours), so that both CDNs route by the same code. It runs at the edge: keep it
 * free of imports.
 */

/**
 * Whether a request path matches a CloudFront path pattern: case-sensitive, `*` matches any run of characters
 * (slashes included), `?` exactly one, and a leading `/` on the pattern is optional.
 */
export function matchesPathPattern(pattern: string, path: string): boolean {
    const p = pattern.startsWith("/") || pattern.startsWith("*") ? pattern : "/" + pattern;
    let pi = 0;
    let si = 0;
    let star = -1;
    let resume = 0;
    while (si < path.length) {
        if (pi < p.length && (p[pi] === "?" || (p[pi] !== "*" && p[pi] === path[si]))) {
            pi++;
            si++;
        } else if (pi < p.length && p[pi] === "*") {
            star = pi++;
            resume = si;
        } else if (star !== -1) {
            pi = star + 1;
            si = ++resume;
        } else {
            return false;
        }
    }
    while (pi < p.length && p[pi] === "*") pi++;
    return pi === p.length;
}

/** The index of the first route whose pattern matches, as CloudFront evaluates ordered behaviours; -1 if none. */
export function selectRouteIndex(patterns: readonly string[], path: string): number {
    for (let i = 0; i < patterns.length; i++) {
        if (matchesPathPattern(patterns[i], path)) return i;
    }
    return -1;
}
