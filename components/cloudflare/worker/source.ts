import { matchesPathPattern, selectRouteIndex } from "../../model/pathPattern";

/** The module name the Worker's source is uploaded under. */
export const workerMainModule = "proxy.mjs";

/** Compatibility date of the generated Worker; `cache: "no-store"` on fetch needs 2024-11-11 or later. */
export const workerCompatibilityDate = "2024-11-11";

/**
 * The Worker's handler. Plain JavaScript, run in workerd as is; it reads its site from the `SETTINGS` json binding
 * (see settings.ts) and routes with the model's own matcher, embedded above it by workerModuleSource().
 */
const handlerSource = String.raw`
// Connection-scoped headers (RFC 9110 7.6.1), and request headers that must not reach a vendor: the viewer's Host,
// Expect (workerd would relay the origin's interim 100 Continue as the final response), Cloudflare's loop marker,
// client-supplied forwarding claims, and path overrides some backends honour. cf-* and x-forwarded-* go too.
const droppedRequestHeaders = new Set([
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "expect", "cdn-loop", "forwarded", "x-real-ip", "x-original-url",
    "x-rewrite-url",
]);

// CloudFront's managed SecurityHeadersPolicy, added only where the origin sent none.
const securityHeaders = [
    ["strict-transport-security", "max-age=31536000"],
    ["x-content-type-options", "nosniff"],
    ["x-frame-options", "SAMEORIGIN"],
    ["referrer-policy", "strict-origin-when-cross-origin"],
    ["x-xss-protection", "1; mode=block"],
];

function textResponse(status, body, headers) {
    return new Response(body + "\n", {
        status,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
    });
}

// Characters and sequences that let a path name another authority or climb out of its prefix. Most paths have
// none of them, so the full check (which decodes the path) runs only when one is present.
const suspiciousPath = /[%\\@]|\/\/|\/\.\.?(\/|$)/;

// Paths some parser could read as another authority, or that climb out of the routed prefix once decoded.
function isUnsafePath(pathname) {
    if (!suspiciousPath.test(pathname)) return false;
    const decoded = pathname.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return [pathname, decoded].some(
        (p) => p.startsWith("//") || p.includes("\\") || p.includes("@") || /(^|\/)\.\.?(\/|$)/.test(p),
    );
}

// The upstream URL, built from the configured origin and the path only; undefined if it would leave that origin.
function upstreamUrl(origin, url) {
    const target = new URL(origin.baseUrl + url.pathname + url.search);
    return target.origin === origin.urlOrigin && target.pathname === url.pathname ? target : undefined;
}

// Collected in one pass and built in one call: each Headers call crosses into the runtime.
function upstreamHeaders(incoming, origin) {
    const kept = [];
    let connection = "";
    let clientIp = null;
    for (const entry of incoming) {
        const name = entry[0];
        if (name === "connection") connection = entry[1].toLowerCase();
        else if (name === "cf-connecting-ip") clientIp = entry[1];
        if (droppedRequestHeaders.has(name) || name.startsWith("cf-") || name.startsWith("x-forwarded-")) continue;
        if (name === "cookie" && origin.stripCookies) continue;
        kept.push(entry);
    }
    const perConnection = connection ? connection.split(",").map((s) => s.trim()) : [];
    const headers = perConnection.length > 0 ? kept.filter(([name]) => !perConnection.includes(name)) : kept;
    // PostHog geolocates the first X-Forwarded-For address: the client's, never an edge's.
    if (origin.forwardClientIp && clientIp) headers.push(["x-forwarded-for", clientIp]);
    return new Headers(headers);
}

function isPreflight(request) {
    return request.method === "OPTIONS" && request.headers.has("origin") && request.headers.has("access-control-request-method");
}

function preflightResponse(request, route) {
    const headers = new Headers({
        "access-control-allow-origin": request.headers.get("origin"),
        "access-control-allow-methods": route.methods.join(", "),
        "access-control-max-age": "86400",
        vary: "Origin",
    });
    const requested = request.headers.get("access-control-request-headers");
    if (requested) headers.set("access-control-allow-headers", requested);
    if (route.securityHeaders) for (const [name, value] of securityHeaders) headers.set(name, value);
    return new Response(null, { status: 204, headers });
}

// CloudFront's CORS response headers policy with origin override off: only what the origin left out is added.
function withEdgeCors(response, request, route) {
    const added = [];
    const origin = request.headers.get("origin");
    if (origin && !response.headers.has("access-control-allow-origin")) added.push(["access-control-allow-origin", origin]);
    if (route.securityHeaders) added.push(...securityHeaders.filter(([name]) => !response.headers.has(name)));
    if (added.length === 0) return response;

    const decorated = new Response(response.body, response);
    for (const [name, value] of added) decorated.headers.set(name, value);
    // The allowed origin now depends on the request's Origin.
    if (origin && added[0][0] === "access-control-allow-origin") decorated.headers.append("vary", "Origin");
    return decorated;
}

// The SETTINGS binding is the same object for every request an isolate serves: derive what routing needs once.
let compiled;
function compile(settings) {
    if (compiled === undefined || compiled.settings !== settings) {
        const origins = {};
        for (const [id, origin] of Object.entries(settings.origins)) {
            origins[id] = { ...origin, urlOrigin: new URL(origin.baseUrl).origin };
        }
        compiled = { settings, origins, patterns: settings.routes.map((r) => r.pathPattern) };
    }
    return compiled;
}

async function proxy(request, binding) {
    const { settings, origins, patterns } = compile(binding);
    const url = new URL(request.url);
    if (isUnsafePath(url.pathname)) return textResponse(400, "Bad request: path not allowed");

    const index = selectRouteIndex(patterns, url.pathname);
    if (index === -1) return textResponse(404, "Not found");
    const route = settings.routes[index];
    const origin = origins[route.originId];

    if (url.protocol === "http:" && route.redirectHttp) {
        return new Response(null, {
            status: 301,
            headers: { location: "https://" + settings.hostname + url.pathname + url.search },
        });
    }
    if (!route.methods.includes(request.method)) {
        return textResponse(405, "Method not allowed", { allow: route.methods.join(", ") });
    }
    const edgeCors = route.cors === "edgePreflight";
    if (edgeCors && isPreflight(request)) return preflightResponse(request, route);

    const target = upstreamUrl(origin, url);
    if (!target) return textResponse(400, "Bad request: path not allowed");

    const init = {
        method: request.method,
        headers: upstreamHeaders(request.headers, origin),
        body: request.body,
        redirect: "manual",
    };
    if (route.cache === "disabled") init.cache = "no-store";

    // The origin's response goes back as it came (Set-Cookie included); the Worker itself never sets a cookie.
    let response;
    try {
        response = await fetch(target, init);
    } catch {
        response = textResponse(502, "Bad gateway: " + route.originId + " unreachable");
    }
    return edgeCors ? withEdgeCors(response, request, route) : response;
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
