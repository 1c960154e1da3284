import { matchesPathPattern, selectRouteIndex } from "../../model/pathPattern";

/** The module name the Worker's source is uploaded under. */
export const workerMainModule = "proxy.mjs";

/** Compatibility date of the generated Worker; `cache: "no-store"` on fetch needs 2024-11-11 or later. */
export const workerCompatibilityDate = "2024-11-11";

/** Methods whose responses Cloudflare's cache stores (HEAD is answered from GET's): the only ones a bypass changes. */
export const cacheableMethods: readonly string[] = ["GET", "HEAD"];

/**
 * The Worker's handler. Plain JavaScript, run in workerd as is; it reads its site from the `SETTINGS` json binding
 * (see settings.ts) and routes with the model's own matcher, embedded above it by workerModuleSource().
 */
const handlerSource = String.raw`
// Connection-scoped headers (RFC 9110 7.6.1), and request headers that must not reach a vendor: the viewer's Host,
// Expect (workerd would relay the origin's interim 100 Continue as the final response), Cloudflare's loop marker,
// client-supplied forwarding claims, and path overrides some backends honour. cf-* and x-forwarded-* go too.
// Content-Length is framing, not content: fetch() frames the upstream request from the body it is given (the viewer's
// declared length when there was one, chunked when not), and a copied header costs workerd a conversion for nothing.
const droppedRequestHeaders = new Set([
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "expect", "cdn-loop", "forwarded", "x-real-ip", "x-original-url",
    "x-rewrite-url", "content-length",
]);

const cacheableMethods = ${JSON.stringify(cacheableMethods)};

function textResponse(status, body, headers) {
    return new Response(body + "\n", {
        status,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
    });
}

// Characters and sequences that let a path name another authority or climb out of its prefix. Most paths have
// none of them, so the full check (which decodes the path) runs only when one is present.
const suspiciousPath = /[%\\@]|\/\/|\/\.\.?(\/|$)/;

// Paths some parser could read as another authority, or that climb out of the routed prefix once decoded (only
// called for suspicious paths).
function isUnsafePath(pathname) {
    const decoded = pathname.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return [pathname, decoded].some(
        (p) => p.startsWith("//") || p.includes("\\") || p.includes("@") || /(^|\/)\.\.?(\/|$)/.test(p),
    );
}

// The upstream URL, built from the configured origin and the path only; undefined if it would leave that origin.
// A path with none of the suspicious characters (see above) cannot name another authority or change when parsed
// again, so only the others pay for parsing the result and comparing.
function upstreamUrl(origin, pathname, search, suspicious) {
    const href = origin.baseUrl + pathname + search;
    if (!suspicious) return href;
    const target = new URL(href);
    return target.origin === origin.urlOrigin && target.pathname === pathname ? target : undefined;
}

// The headers sent upstream, as a plain object: fetch() converts it in one call. Every call into a Headers object
// crosses into the runtime, so the incoming ones are read in a single forEach and nothing else is asked of them.
// forEach, like iteration, gives each name once, with repeated fields joined. The callback is one module-level
// function with its state as forEach's thisArg: no closure (and no context for its variables) per request.
function collectUpstreamHeader(value, name) {
    if (droppedRequestHeaders.has(name) || name.startsWith("cf-") || name.startsWith("x-forwarded-")) {
        if (name === "connection") this.connection = value.toLowerCase();
        else if (name === "cf-connecting-ip") this.clientIp = value;
    } else if (name !== "cookie" || !this.stripCookies) {
        this.headers[name] = value;
    }
}

function upstreamHeaders(incoming, origin) {
    const state = { headers: Object.create(null), connection: "", clientIp: null, stripCookies: origin.stripCookies };
    incoming.forEach(collectUpstreamHeader, state);
    const headers = state.headers;
    // Headers the client named as connection-scoped.
    if (state.connection) for (const token of state.connection.split(",")) delete headers[token.trim()];
    // PostHog geolocates the first X-Forwarded-For address: the client's, never an edge's.
    if (origin.forwardClientIp && state.clientIp) headers["x-forwarded-for"] = state.clientIp;
    return headers;
}

// The answer to a CORS preflight on an edge-CORS route. The zone's response header rules add the security headers.
function preflightResponse(route, allowOrigin, requestedHeaders) {
    const headers = {
        "access-control-allow-origin": allowOrigin,
        "access-control-allow-methods": route.allowMethods,
        "access-control-max-age": "86400",
        vary: "Origin",
    };
    if (requestedHeaders) headers["access-control-allow-headers"] = requestedHeaders;
    return new Response(null, { status: 204, headers });
}

// The SETTINGS binding is the same object for every request an isolate serves: derive what routing needs once.
let compiled;
function compile(settings) {
    if (compiled === undefined || compiled.settings !== settings) {
        const origins = {};
        for (const [id, origin] of Object.entries(settings.origins)) {
            origins[id] = { ...origin, urlOrigin: new URL(origin.baseUrl).origin };
        }
        const routes = settings.routes.map((route) => ({
            ...route,
            origin: origins[route.originId],
            allowMethods: route.methods.join(", "),
            edgeCors: route.cors === "edgePreflight",
            noStore: route.cache === "disabled",
            badGateway: "Bad gateway: " + route.originId + " unreachable",
        }));
        compiled = { settings, routes, patterns: settings.routes.map((r) => r.pathPattern) };
    }
    return compiled;
}

function proxy(request, binding) {
    const { settings, routes, patterns } = compile(binding);
    // request.url is already a serialized URL (scheme://authority/path?query, no fragment): cut it up instead of
    // parsing it again (new URL costs ~10k instructions a request). The path is checked below before any use.
    const href = request.url;
    const pathStart = href.indexOf("/", href.indexOf("//") + 2);
    if (pathStart === -1) return textResponse(400, "Bad request: path not allowed");
    const queryStart = href.indexOf("?", pathStart);
    const pathname = queryStart === -1 ? href.slice(pathStart) : href.slice(pathStart, queryStart);
    const suspicious = suspiciousPath.test(pathname);
    if (suspicious && isUnsafePath(pathname)) return textResponse(400, "Bad request: path not allowed");

    const index = selectRouteIndex(patterns, pathname);
    if (index === -1) return textResponse(404, "Not found");
    const route = routes[index];
    // As URL.search: a lone "?" is no query.
    const search = queryStart === -1 || queryStart === href.length - 1 ? "" : href.slice(queryStart);

    if (route.redirectHttp && href.startsWith("http:")) {
        return new Response(null, {
            status: 301,
            headers: { location: "https://" + settings.hostname + pathname + search },
        });
    }
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

    const target = upstreamUrl(route.origin, pathname, search, suspicious);
    if (!target) return textResponse(400, "Bad request: path not allowed");

    const init = {
        method,
        headers: upstreamHeaders(incoming, route.origin),
        body: request.body,
        redirect: "manual",
    };
    if (route.noStore && cacheableMethods.includes(method)) init.cache = "no-store";

    // The origin's response goes back as it came (Set-Cookie included); the Worker itself never sets a cookie.
    // Plain promise reactions instead of an async function: one promise fewer per request.
    let pending;
    try {
        pending = fetch(target, init);
    } catch (error) {
        pending = Promise.reject(error);
    }
    return pending.catch(() => textResponse(502, route.badGateway));
}

export default {
    fetch(request, env) {
        return proxy(request, env.SETTINGS);
    },
};
`;

/** The generic proxy Worker (an ES module): the model's path matcher followed by the handler. */
export function workerModuleSource(): string {
    return [
        "// Generated by first-party-proxy: the route matcher is components/model/pathPattern.ts, verbatim.",
        String(matchesPathPattern),
        String(selectRouteIndex),
        handlerSource,
    ].join("\n\n");
}
