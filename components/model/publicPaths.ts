import { createHash } from "crypto";
import { blockedPathSegments } from "./blockedPathSegments";
import { PathPlan, PathRewrite, Route } from "./types";

/*
 * Public paths: the layout a proxy serves, kept apart from the vendor's own paths. Blockers match vendors' paths on
 * any hostname (EasyPrivacy's `/analytics.js/v1/*` blocks Segment's loader wherever it is served), so by default a
 * proxy serves everything under a prefix of its own, renames the paths lists are known to match, and rewrites each
 * request to the vendor's path on the way upstream.
 */

export { pathLayouts } from "./types";
export type { PathLayout, PathPlan } from "./types";

/** A vendor path prefix served under another public name, because blockers' lists match the vendor's. */
export interface PublicRename {
    /** The vendor's path prefix, starting and ending with `/` (`/analytics.js/`). */
    readonly vendor: string;
    /** The public name it is served under, starting and ending with `/` (`/lib/`). */
    readonly public: string;
    /** The origin that serves the path: a site whose routes send it elsewhere does not serve it at all. */
    readonly originId: string;
    /** Which filter of which list matches the vendor's path, for the docs and the report. */
    readonly blockedBy: string;
}

/** What a user may write as `pathPrefix`: one or more segments of letters, digits, `-` and `_`, no trailing slash. */
export const pathPrefixPattern = /^(\/[A-Za-z0-9_-]{1,32}){1,4}$/;

/** Segments a derived prefix must not contain: the words blockers' generic filters look for. */
const avoidedInDerivedPrefix = /ad|track|stat|log|pix|ga|gtm|tag|ph|seg|amp|event|collect|metric|beacon|telemetry|analytic/;

/**
 * The prefix a proxy gets when the user names none: stable for a stack and proxy name (so SDK settings survive every
 * deploy), different between proxies and stacks (so no list can name it), six characters starting with a letter.
 */
export function derivedPathPrefix(stack: string, proxyName: string): string {
    for (let attempt = 0; ; attempt++) {
        const digest = createHash("sha256").update(`first-party-proxy/${stack}/${proxyName}/${attempt}`).digest();
        const letters = "abcdefghijklmnopqrstuvwxyz";
        const alphabet = letters + "0123456789";
        let token = letters[digest[0] % letters.length];
        for (let i = 1; i < 6; i++) token += alphabet[digest[i] % alphabet.length];
        if (!avoidedInDerivedPrefix.test(token) && blockedSegmentFilter(token) === undefined) return `/${token}`;
    }
}

/**
 * A site's routes as the proxy serves them. With no prefix and the vendor layout: the vendor's routes unchanged.
 * Otherwise each vendor route is served under the prefix (renamed where `renames` says so) and rewritten to the
 * vendor's path upstream, and every path outside the prefix is answered 404 by the edge.
 */
export function publicRoutes(vendorRoutes: readonly Route[], plan: PathPlan, renames: readonly PublicRename[]): Route[] {
    if (plan.layout === "vendor" && plan.prefix === undefined) return [...vendorRoutes];
    const prefix = plan.prefix ?? "";
    const applied = plan.layout === "public" ? renames : [];
    const patterns = vendorRoutes.map((r) => r.pathPattern);
    const routes: Route[] = [];

    // Renamed paths first: they are more specific than any route whose pattern also covers the vendor's path.
    for (const rename of applied) {
        const index = firstMatching(patterns, rename.vendor);
        if (index === -1 || vendorRoutes[index].originId !== rename.originId) continue;
        routes.push(rewritten(vendorRoutes[index], `${prefix}${rename.public}`, rename.vendor));
    }
    for (const route of vendorRoutes) {
        const literal = literalPrefix(route.pathPattern);
        // A route whose whole path was renamed is not served under its blocked name as well.
        if (applied.some((r) => literal.startsWith(r.vendor))) continue;
        routes.push(rewritten(route, `${prefix}${literal}`, literal));
    }
    const fallback = vendorRoutes[vendorRoutes.length - 1];
    // The edge answers everything else itself: no CORS or other header rules of the vendor's apply there (on a
    // shared host, those paths are the user's site).
    routes.push({ ...fallback, pathPattern: "*", cors: { mode: "origin" }, answer: "notFound" });
    return routes;
}

/**
 * A site's routes where its hostname is the user's own site and the proxy takes only its prefix there (a shared host):
 * the public routes without the final catch-all, which on a shared host is the site's own (its default behaviour or
 * Worker-less paths). Every vendor's routes end with its catch-all served as `<prefix>/*`, so every path under the
 * prefix still reaches the vendor exactly as on a proxy of its own hostname, and no path outside it is taken.
 */
export function sharedHostRoutes(routes: readonly Route[], prefix: string): Route[] {
    const last = routes[routes.length - 1];
    if (last?.pathPattern !== "*" || last.answer !== "notFound") {
        throw new Error(`a shared host needs a public layout's routes (ending with the edge's own 404 for *), got ${routes.map((r) => r.pathPattern).join(", ")}`);
    }
    const own = routes.slice(0, -1);
    const outside = own.find((r) => !r.pathPattern.startsWith(`${prefix}/`));
    if (outside) throw new Error(`route ${outside.pathPattern} is outside the prefix ${prefix}: on a shared host it would take the site's own paths`);
    if (own[own.length - 1]?.pathPattern !== `${prefix}/*`) {
        throw new Error(`the routes under ${prefix} end with ${own[own.length - 1]?.pathPattern}, not ${prefix}/*: a path under the prefix would fall through to the site`);
    }
    return own;
}

/** A route served at `publicLiteral*` whose requests reach the vendor at `vendorLiteral...`. */
function rewritten(route: Route, publicLiteral: string, vendorLiteral: string): Route {
    const served = { ...route, pathPattern: `${publicLiteral}*` };
    if (publicLiteral === vendorLiteral) return served;
    const rewrite: PathRewrite = { from: publicLiteral, to: vendorLiteral };
    return { ...served, rewrite };
}

/**
 * The literal path a vendor pattern starts with: `/static/*` → `/static/`, `/config*` → `/config`, `*` → `/`.
 * Vendor patterns are literal prefixes followed by one `*` (checked by the preset tests).
 */
export function literalPrefix(pattern: string): string {
    const literal = pattern.endsWith("*") ? pattern.slice(0, -1) : pattern;
    return literal === "" ? "/" : literal.startsWith("/") ? literal : `/${literal}`;
}

function firstMatching(patterns: readonly string[], vendorPrefix: string): number {
    return patterns.findIndex((p) => vendorPrefix.startsWith(literalPrefix(p)));
}

/** The public URL base a vendor path is served at: `https://host/prefix` (no trailing slash). */
export function publicBase(hostname: string, plan: PathPlan | undefined): string {
    return `https://${hostname}${plan?.prefix ?? ""}`;
}

/** The public path a vendor path is served at under `plan` (renames applied), e.g. for SDK settings. */
export function publicPathOf(vendorPath: string, plan: PathPlan | undefined, renames: readonly PublicRename[]): string {
    const prefix = plan?.prefix ?? "";
    if (plan?.layout === "public") {
        const rename = renames.find((r) => vendorPath.startsWith(r.vendor));
        if (rename) return prefix + rename.public + vendorPath.slice(rename.vendor.length);
    }
    return prefix + vendorPath;
}

/** The filter of uBO's default lists that blocks a path segment on any hostname, if one does (blockedPathSegments.ts). */
export function blockedSegmentFilter(segment: string): string | undefined {
    const own = (key: string) => (Object.prototype.hasOwnProperty.call(blockedPathSegments, key) ? blockedPathSegments[key] : undefined);
    return own(segment.toLowerCase()) ?? own(segment);
}
