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

// Paths some parser could read as another authority, or that climb out of the routed prefix once decoded.
function isUnsafePath(pathname) {
    const decoded = pathname.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return [pathname, decoded].some(
        (p) => p.startsWith("//") || p.includes("\\") || p.includes("@") || /(^|\/)\.\.?(\/|$)/.test(p),
    );
}

// The upstream URL, built from the configured origin and the path only; undefined if it would leave that origin.
function upstreamUrl(origin, url) {
    const base = new URL(origin.baseUrl);
    const target = new URL(origin.baseUrl + url.pathname + url.search);
    return target.origin === base.origin && target.pathname === url.pathname ? target : undefined;
}

function upstreamHeaders(incoming, origin) {
    const perConnection = (incoming.get("connection") || "").toLowerCase().split(",").map((s) => s.trim());
    const headers = new Headers();
    for (const [name, value] of incoming) {
        if (droppedRequestHeaders.has(name) || perConnection.includes(name)) continue;
        if (name.startsWith("cf-") || name.startsWith("x-forwarded-")) continue;
        if (name === "cookie" && origin.stripCookies) continue;
        headers.append(name, value);
    }
    // PostHog geolocates the first X-Forwarded-For address: the client's, never an edge's.
    const clientIp = incoming.get("cf-connecting-ip");
    if (origin.forwardClientIp && clientIp) headers.set("x-forwarded-for", clientIp);
    return headers;
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
    const origin = request.headers.get("origin");
    const addOrigin = origin !== null && !response.headers.has("access-control-allow-origin");
    const security = route.securityHeaders ? securityHeaders.filter(([name]) => !response.headers.has(name)) : [];
    if (!addOrigin && security.length === 0) return response;

    // Re-wrapping keeps the body as it came (still encoded, with its Content-Length): only headers are added.
    const decorated = new Response(response.body, response);
    if (addOrigin) {
        decorated.headers.set("access-control-allow-origin", origin);
        // The allowed origin now depends on the request's Origin.
        decorated.headers.append("vary", "Origin");
    }
    for (const [name, value] of security) decorated.headers.set(name, value);
    return decorated;
}

async function proxy(request, settings) {
    const url = new URL(request.url);
    if (isUnsafePath(url.pathname)) return textResponse(400, "Bad request: path not allowed");

    const index = selectRouteIndex(settings.routes.map((r) => r.pathPattern), url.pathname);
    if (index === -1) return textResponse(404, "Not found");
    const route = settings.routes[index];
    const origin = settings.origins[route.originId];

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
