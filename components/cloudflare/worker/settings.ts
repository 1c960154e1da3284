import type { PathRewrite, QueryTarget } from "../../model/types";
import { methodsOf, Site } from "../../model/types";

/** Methods whose responses Cloudflare's cache stores (HEAD is answered from GET's): the only ones a bypass changes. */
export const cacheableMethods: readonly string[] = ["GET", "HEAD"];

/**
 * The origin deadline of every route, in seconds: CloudFront's default origin response timeout, which bounds the
 * same wait (for the first byte, and between packets) on the AWS side. Not a total: a slow upload whose bytes keep
 * moving is never cut.
 */
export const defaultOriginTimeoutSeconds = 30;

/** One upstream as the Worker sees it. */
export interface WorkerOrigin {
    /** `<protocol>://<domain>`: the only authority the Worker ever fetches from for this origin. */
    readonly baseUrl: string;
    /** Send the client's IP (`CF-Connecting-IP`) as the only `X-Forwarded-For` address. False with `clientIp: drop`. */
    readonly forwardClientIp: boolean;
    /** `clientIp: anonymize`: send its /24 (IPv4) or /48 (IPv6) network instead (edge/clientIp.ts). */
    readonly anonymizeClientIp: boolean;
    /** Drop the viewer's `Cookie` header toward this origin. */
    readonly stripCookies: boolean;
}

/** One route as the Worker sees it, in the site's order. */
export interface WorkerRoute {
    /** The public path pattern, matched as CloudFront matches (components/model/pathPattern.ts). */
    readonly pathPattern: string;
    readonly originId: string;
    /** Present: the upstream path is `rewritePath(rewrite, path)` (components/model/pathRewrite.ts), query unchanged. */
    readonly rewrite?: PathRewrite;
    /** Present: the upstream path and query are the ones the request names (`ddforward`, model/pathRewrite.ts), checked. */
    readonly queryTarget?: QueryTarget;
    /** `notFound`: the Worker answers 404 itself (after the HTTPS redirect) and fetches nothing. */
    readonly answer?: "notFound";
    /** Upper-case methods the route accepts; anything else is answered 405. */
    readonly methods: readonly string[];
    /** Answer plain HTTP with a 301 to HTTPS. */
    readonly redirectHttp: boolean;
    /**
     * `edgePreflight`: preflights answered by the Worker. The CORS and security headers of other responses come from
     * the zone's response header rules (edgeHeaderRules.ts), not from the Worker.
     */
    readonly cors: "origin" | "edgePreflight";
    /** `disabled`: the subrequest bypasses Cloudflare's cache; otherwise the origin's Cache-Control decides. */
    readonly cache: "disabled" | "origin";
    /** Present: the viewer's country and region go upstream as X-Forwarded-Country(Region) headers (edge/headers.ts). */
    readonly viewerGeo?: "forwardedHeaders";
    /**
     * How long the Worker waits on the origin with nothing moving: for the response headers once the request is
     * handed over, and between chunks of a large or streamed request body (edge/deadline.ts). Past it: 504.
     */
    readonly originTimeoutSeconds: number;
}

/** The Worker's `SETTINGS` json binding: everything it needs to proxy one site. */
export interface WorkerSettings {
    /** The site's own hostname, used for the HTTPS redirect instead of anything the client sent. */
    readonly hostname: string;
    /**
     * Present on a custom vendor's Worker: its origins are the config's own, not a preset's, so the policy pack checks
     * them against the custom vendor's guardrails (public HTTPS names) instead of the vendors' documented hosts.
     */
    readonly customVendor?: true;
    readonly origins: { readonly [originId: string]: WorkerOrigin };
    readonly routes: readonly WorkerRoute[];
}

/**
 * The settings for the Worker that proxies `site`. Throws for origins that need the viewer's Host: a Worker's
 * fetch always sends the URL's host, so such sites (VTEX) must be proxied by DNS, not by a Worker.
 */
export function workerSettings(site: Site, options: { readonly customVendor?: boolean } = {}): WorkerSettings {
    const origins: { [originId: string]: WorkerOrigin } = {};
    for (const origin of site.origins) {
        if (origin.host === "viewer") {
            throw new Error(
                `${site.hostname}: origin "${origin.id}" needs the viewer's Host, which a Worker cannot send; proxy it by DNS instead`,
            );
        }
        const baseUrl = `${origin.protocol}://${origin.domain}`;
        if (hostOf(baseUrl) !== origin.domain.toLowerCase()) {
            throw new Error(`${site.hostname}: origin "${origin.id}" has domain "${origin.domain}", which is not a bare hostname`);
        }
        origins[origin.id] = {
            baseUrl,
            forwardClientIp: origin.clientIp !== "drop",
            anonymizeClientIp: origin.clientIp === "anonymize",
            stripCookies: origin.cookies === "strip",
        };
    }
    const routes = site.routes.map((route): WorkerRoute => {
        if (!origins[route.originId]) throw new Error(`${site.hostname}: route ${route.pathPattern} names unknown origin "${route.originId}"`);
        return {
            pathPattern: route.pathPattern,
            originId: route.originId,
            // Only when present: the binding of a site without public paths stays as it was.
            ...(route.rewrite ? { rewrite: { from: route.rewrite.from, to: route.rewrite.to } } : {}),
            ...(route.queryTarget ? { queryTarget: { kind: route.queryTarget.kind, paths: [...route.queryTarget.paths] } } : {}),
            ...(route.answer ? { answer: route.answer } : {}),
            ...(route.viewerGeo ? { viewerGeo: route.viewerGeo } : {}),
            methods: [...methodsOf[route.methods]],
            redirectHttp: route.viewerProtocol === "redirect",
            cors: route.cors.mode,
            cache: route.cache.mode === "disabled" ? "disabled" : "origin",
            originTimeoutSeconds: defaultOriginTimeoutSeconds,
        };
    });
    return { hostname: site.hostname, ...(options.customVendor ? { customVendor: true as const } : {}), origins, routes };
}

function hostOf(url: string): string | undefined {
    try {
        return new URL(url).host;
    } catch {
        return undefined;
    }
}

/** One site of a shared Worker: its settings and, on a shared host, the path prefix its Worker route runs on. */
export interface SharedWorkerSite {
    readonly pathPrefix?: string;
    readonly settings: WorkerSettings;
}

/**
 * A shared Worker's sites by hostname (lower case, as URLs carry it): one site for a hostname the proxy owns; on a
 * shared host (the user's own site), one per proxy, each under its own path prefix.
 */
export interface SharedWorkerSites {
    readonly [hostname: string]: readonly SharedWorkerSite[];
}
