/*
 * The generic proxy: one site's request, routed and rewritten with the model's own code, as the CloudFront side does.
 * The Worker entries call it with the site's settings: worker.ts (one site, from the `SETTINGS` json binding) and
 * sharedWorker.ts (many sites, picked by hostname). Both are bundled by esbuild into the single ES module a
 * WorkersScript uploads (see ../source.ts).
 *
 * Every request pays for what runs here, so the hot path avoids work a plain proxy would do without thinking: see the
 * comments on each trick, and measure changes with bench/workerProfile.ts.
 */
import { selectRouteIndex } from "../../../model/pathPattern";
import { ddforwardTarget, rewritePath } from "../../../model/pathRewrite";
import type { PathRewrite, QueryTarget } from "../../../model/types";
import { cacheableMethods, type WorkerOrigin, type WorkerRoute, type WorkerSettings } from "../settings";
import { fetchWithDeadline } from "./deadline";
import { addViewerGeo, scanRequestHeaders, type ViewerLocation } from "./headers";
import { isSuspiciousPath, isUnsafePath, upstreamUrl } from "./paths";

export function textResponse(status: number, body: string, headers?: Record<string, string>): Response {
    return new Response(body + "\n", {
        status,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
    });
}

/** An origin with what the handler derives from it once per isolate. */
interface CompiledOrigin extends WorkerOrigin {
    readonly urlOrigin: string;
}

/** A route with what the handler derives from it once per isolate. */
interface CompiledRoute {
    readonly origin: CompiledOrigin;
    readonly methods: readonly string[];
    readonly redirectHttp: boolean;
    readonly rewrite: PathRewrite | undefined;
    readonly queryTarget: QueryTarget | undefined;
    readonly notFound: boolean;
    readonly allowMethods: string;
    readonly edgeCors: boolean;
    readonly noStore: boolean;
    readonly viewerGeo: boolean;
    readonly badGateway: () => Response;
    readonly timeoutMs: number;
    readonly gatewayTimeout: string;
}

interface Compiled {
    readonly settings: WorkerSettings;
    readonly routes: readonly CompiledRoute[];
    readonly patterns: readonly string[];
}

// A site's settings are the same object for every request an isolate serves (the SETTINGS binding, or a shared
// Worker's entry for the hostname): derive what routing needs once per site. The last site is checked first, so a
// one-site Worker pays one comparison; a shared Worker one WeakMap look-up when the hostname changes.
let compiled: Compiled | undefined;
const compiledSites = new WeakMap<WorkerSettings, Compiled>();
function compile(settings: WorkerSettings): Compiled {
    if (compiled !== undefined && compiled.settings === settings) return compiled;
    compiled = compiledSites.get(settings);
    if (compiled === undefined) {
        const origins: Record<string, CompiledOrigin> = {};
        for (const [id, origin] of Object.entries(settings.origins)) {
            origins[id] = { ...origin, urlOrigin: new URL(origin.baseUrl).origin };
        }
        const routes = settings.routes.map(
            (route: WorkerRoute): CompiledRoute => ({
                origin: origins[route.originId],
                methods: route.methods,
                redirectHttp: route.redirectHttp,
                rewrite: route.rewrite,
                queryTarget: route.queryTarget,
                notFound: route.answer === "notFound",
                allowMethods: route.methods.join(", "),
                edgeCors: route.cors === "edgePreflight",
                noStore: route.cache === "disabled",
                viewerGeo: route.viewerGeo === "forwardedHeaders",
                badGateway: () => textResponse(502, "Bad gateway: " + route.originId + " unreachable"),
                timeoutMs: route.originTimeoutSeconds * 1000,
                gatewayTimeout: `Gateway timeout: ${route.originId} did not answer within ${route.originTimeoutSeconds} s`,
            }),
        );
        compiled = { settings, routes, patterns: settings.routes.map((r) => r.pathPattern) };
        compiledSites.set(settings, compiled);
    }
    return compiled;
}

/** The refusal of a request no route (or, in a shared Worker, no site) serves. */
export function notFound(): Response {
    return textResponse(404, "Not found");
}

// The answer to a CORS preflight on an edge-CORS route. The zone's response header rules add the security headers.
function preflightResponse(route: CompiledRoute, allowOrigin: string, requestedHeaders: string | null): Response {
    const headers: Record<string, string> = {
        "access-control-allow-origin": allowOrigin,
        "access-control-allow-methods": route.allowMethods,
        "access-control-max-age": "86400",
        vary: "Origin",
    };
    if (requestedHeaders) headers["access-control-allow-headers"] = requestedHeaders;
    return new Response(null, { status: 204, headers });
}

/** Answers `request` for the site of `binding`: routed, checked and forwarded to the route's origin, or refused. */
export function proxy(request: Request, binding: WorkerSettings): Response | Promise<Response> {
    const { settings, routes, patterns } = compile(binding);
    // request.url is already a serialized URL (scheme://authority/path?query, no fragment): cut it up instead of
    // parsing it again (new URL costs ~10k instructions a request). The path is checked below before any use.
    const href = request.url;
    const pathStart = href.indexOf("/", href.indexOf("//") + 2);
    if (pathStart === -1) return textResponse(400, "Bad request: path not allowed");
    const queryStart = href.indexOf("?", pathStart);
    const pathname = queryStart === -1 ? href.slice(pathStart) : href.slice(pathStart, queryStart);
    const suspicious = isSuspiciousPath(pathname);
    if (suspicious && isUnsafePath(pathname)) return textResponse(400, "Bad request: path not allowed");

    const index = selectRouteIndex(patterns, pathname);
    if (index === -1) return notFound();
    const route = routes[index];
    // As URL.search: a lone "?" is no query.
    const search = queryStart === -1 || queryStart === href.length - 1 ? "" : href.slice(queryStart);

    // The public path, as the viewer asked for it.
    if (route.redirectHttp && href.startsWith("http:")) {
        return new Response(null, {
            status: 301,
            headers: { location: "https://" + settings.hostname + pathname + search },
        });
    }
    if (route.notFound) return notFound();
    const method = request.method;
    if (!route.methods.includes(method)) {
        return textResponse(405, "Method not allowed", { allow: route.allowMethods });
    }
    const incoming = request.headers;
    // CORS headers on every other response come from the zone's response header rules (edgeHeaderRules.ts), which
    // cost the Worker nothing: a fetched Response's headers are immutable, so adding one here means copying it.
    if (route.edgeCors && method === "OPTIONS") {
        const requestOrigin = incoming.get("origin");
        if (requestOrigin !== null && incoming.has("access-control-request-method")) {
            return preflightResponse(route, requestOrigin, incoming.get("access-control-request-headers"));
        }
    }

    // What is sent is checked, not only what was asked: a rewritten path must neither name another authority nor
    // climb out of its `to` prefix. Without a rewrite it is the path checked above.
    let upstreamPath = pathname;
    let upstreamSuspicious = suspicious;
    let upstreamSearch = search;
    if (route.queryTarget !== undefined) {
        // The request names its upstream path and query (Datadog's ddforward); the origin stays the route's own.
        const named = ddforwardTarget(route.queryTarget, method, ...queryParams(search));
        if (!named.ok) return textResponse(named.status, named.reason, named.status === 405 ? { allow: "POST" } : undefined);
        upstreamPath = named.path;
        upstreamSearch = named.query === "" ? "" : "?" + named.query;
        upstreamSuspicious = false;
    } else if (route.rewrite !== undefined) {
        upstreamPath = rewritePath(route.rewrite, pathname);
        upstreamSuspicious = isSuspiciousPath(upstreamPath);
        if (upstreamSuspicious && isUnsafePath(upstreamPath)) return textResponse(400, "Bad request: path not allowed");
    }
    const target = upstreamUrl(route.origin, upstreamPath, upstreamSearch, upstreamSuspicious);
    if (!target) return textResponse(400, "Bad request: path not allowed");

    const scan = scanRequestHeaders(incoming, route.origin);
    if (route.viewerGeo) addViewerGeo(scan.headers, request.cf as ViewerLocation | undefined);
    const init: RequestInit & { body: ReadableStream | null } = {
        method,
        headers: scan.headers,
        body: request.body,
        redirect: "manual",
    };
    if (route.noStore && cacheableMethods.includes(method)) init.cache = "no-store";

    // The origin's response goes back as it came (Set-Cookie included); the Worker itself never sets a cookie.
    // Plain promise reactions instead of an async function: fewer promises per request.
    return fetchWithDeadline(target, init, scan.contentLength, route.timeoutMs, route.gatewayTimeout, route.badGateway);
}

/** The query's parameter names as received, and the raw (URL-encoded) value of `ddforward`. */
function queryParams(search: string): [names: string[], ddforward: string | undefined] {
    const names: string[] = [];
    let ddforward: string | undefined;
    if (search.length > 1) {
        for (const pair of search.slice(1).split("&")) {
            const eq = pair.indexOf("=");
            const name = eq === -1 ? pair : pair.slice(0, eq);
            names.push(name);
            if (name === "ddforward") ddforward = eq === -1 ? "" : pair.slice(eq + 1);
        }
    }
    return [names, ddforward];
}
