import http, { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import { AddressInfo } from "node:net";
import { edgeResponseHeaderRules } from "../../../components/cloudflare/edgeHeaderRules";
import { selectRouteIndex } from "../../../components/model/pathPattern";
import { Site } from "../../../components/model/types";
import { applyResponseHeaderRules } from "../../cloudflare/responseHeaderRules";
import { ProxyWorker } from "../../cloudflare/worker/proxyWorker";

/*
 * A stand-in for the CDN edge in front of the proxies: one HTTPS listener (TLS with a test certificate, any TLS
 * options) and one plain-HTTP listener on 127.0.0.1, handing each request to the site named by its Host: the
 * generated Worker in workerd, or a small emulation of a CDN that keeps the viewer's Host (VTEX). The verify CLI
 * reaches it through --https-base-url / --http-base-url. Faults make the edge itself misbehave.
 */

export interface EdgeRequest {
    readonly method: string;
    /** Path and query. */
    readonly path: string;
    readonly headers: IncomingHttpHeaders;
    readonly body: Buffer;
}

export interface EdgeReply {
    readonly status: number;
    readonly headers: OutgoingHttpHeaders;
    readonly body: Buffer | string;
}

/** Serves one hostname; `scheme` is how the viewer connected. */
export type EdgeSite = (scheme: "https" | "http", request: EdgeRequest) => Promise<EdgeReply>;

export interface EdgeFaults {
    /** Added to every response, as Cloudflare's bot management would (`__cf_bm=...`). */
    setCookie?: string;
    /** Answer everything with Cloudflare's error 1014 page instead of the site. */
    cloudflare1014?: boolean;
    /** Hand plain-HTTP requests to the site as if they were HTTPS (Always Use HTTPS off, no redirect anywhere). */
    serveHttpAsHttps?: boolean;
}

export interface EdgeOptions {
    readonly sites: Readonly<Record<string, EdgeSite>>;
    /** Certificate, key and any other TLS server options (maxVersion, ciphers). */
    readonly tls: https.ServerOptions;
    /** Add Cloudflare's response headers (server: cloudflare, cf-ray), as Cloudflare's edge does. */
    readonly cloudflareHeaders?: boolean;
}

export interface Edge {
    /** `https://127.0.0.1:<port>` for --https-base-url. */
    readonly httpsUrl: string;
    /** `http://127.0.0.1:<port>` for --http-base-url. */
    readonly httpUrl: string;
    /** Mutable: set a fault for the next requests, clear it after. */
    readonly faults: EdgeFaults;
    close(): Promise<void>;
}

export async function startEdge(options: EdgeOptions): Promise<Edge> {
    const faults: EdgeFaults = {};
    const handle = (scheme: "https" | "http") => async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const host = (req.headers.host ?? "").replace(/:\d+$/, "");
        const site = options.sites[host];
        let reply: EdgeReply;
        if (faults.cloudflare1014) reply = cloudflare1014;
        else if (!site) reply = { status: 421, headers: { "content-type": "text/plain" }, body: `no site ${host}` };
        else {
            const as = scheme === "http" && faults.serveHttpAsHttps ? "https" : scheme;
            reply = await site(as, { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks) });
        }
        const headers: OutgoingHttpHeaders = { ...reply.headers };
        if (options.cloudflareHeaders) Object.assign(headers, { server: "cloudflare", "cf-ray": "8f0123456789abcd-FRA" });
        if (faults.setCookie) headers["set-cookie"] = [...[headers["set-cookie"] ?? []].flat().map(String), faults.setCookie];
        res.writeHead(reply.status, headers);
        res.end(reply.body);
    };
    const secure = https.createServer(options.tls, handle("https"));
    const plain = http.createServer(handle("http"));
    await Promise.all([secure, plain].map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
    const port = (s: http.Server) => (s.address() as AddressInfo).port;
    return {
        httpsUrl: `https://127.0.0.1:${port(secure)}`,
        httpUrl: `http://127.0.0.1:${port(plain)}`,
        faults,
        close: async () => {
            for (const s of [secure, plain]) s.closeAllConnections();
            await Promise.all([secure, plain].map((s) => new Promise((resolve) => s.close(resolve))));
        },
    };
}

const cloudflare1014: EdgeReply = {
    status: 403,
    headers: { "content-type": "text/html; charset=UTF-8", "cache-control": "private, max-age=0, no-store, no-cache, must-revalidate" },
    body:
        "<!DOCTYPE html><html><head><title>Direct IP access not allowed | Cloudflare</title></head><body><div id=\"cf-wrapper\">" +
        '<h1><span class="cf-error-type">Error</span> <span class="cf-error-code">1014</span></h1>' +
        "<h2>CNAME Cross-User Banned</h2></div></body></html>",
};

const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"]);

/**
 * The generated Worker as the site: each request goes through workerd with the viewer's scheme, then the zone's
 * response header rules for the site (edge CORS, security headers) apply to its response, as on Cloudflare.
 */
export function workerSite(worker: ProxyWorker, site: Site): EdgeSite {
    const hostname = site.hostname;
    const rules = edgeResponseHeaderRules([{ owner: "verify", site, sharedHost: false }]);
    return async (scheme, request) => {
        const headers: [string, string][] = [];
        for (const [name, value] of Object.entries(request.headers)) {
            if (hopByHop.has(name) || value === undefined) continue;
            for (const v of [value].flat()) headers.push([name, v]);
        }
        const hasBody = request.method !== "GET" && request.method !== "HEAD";
        const response = await worker.mf.dispatchFetch(`${scheme}://${hostname}${request.path}`, {
            method: request.method,
            headers,
            body: hasBody ? request.body : undefined,
            redirect: "manual",
        });
        const viewer = Object.fromEntries(headers.map(([name, value]) => [name, value]));
        const pathname = new URL(request.path, "http://x").pathname;
        const decorated = applyResponseHeaderRules(
            rules,
            { host: hostname, path: pathname, https: scheme === "https", method: request.method, headers: viewer },
            response.headers as unknown as Headers,
        );
        const out: OutgoingHttpHeaders = {};
        decorated.forEach((value, name) => {
            if (!hopByHop.has(name) && name !== "set-cookie") out[name] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) out["set-cookie"] = cookies;
        return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) };
    };
}

export interface HostKeepingFaults {
    /** Redirect every plain-HTTP request, the ACME challenge included. */
    redirectAcme?: boolean;
}

/**
 * A CDN that keeps the viewer's Host, as VTEX needs (CloudFront with AllViewer, or Cloudflare proxied DNS), built
 * from the site's routes: plain HTTP redirected where the route says so, then forwarded over HTTP to `origin`.
 */
export function hostKeepingSite(site: Site, origin: string, faults: HostKeepingFaults): EdgeSite {
    return (scheme, request) => {
        const pathname = new URL(request.path, "http://x").pathname;
        const route = site.routes[selectRouteIndex(site.routes.map((r) => r.pathPattern), pathname)];
        if (scheme === "http" && (route.viewerProtocol === "redirect" || faults.redirectAcme)) {
            return Promise.resolve({ status: 301, headers: { location: `https://${site.hostname}${request.path}` }, body: "" });
        }
        const [host, port] = origin.split(":");
        return new Promise((resolve, reject) => {
            const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !hopByHop.has(name) || name === "host"));
            const upstream = http.request({ host, port: Number(port), method: request.method, path: request.path, headers }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const out = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !hopByHop.has(name)));
                    resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
                });
            });
            upstream.on("error", reject);
            upstream.end(request.body);
        });
    };
}
