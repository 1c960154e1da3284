import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import { ProbeRequest, ProbeResponse } from "./types";

/** Where and how probes connect. */
export interface Connection {
    /**
     * Connect HTTPS probes to this address instead of resolving the proxy's hostname (like `curl --connect-to`).
     * SNI, the Host header and the certificate check still use the proxy's hostname. Useful before DNS points at
     * the CDN (`--https-base-url https://d111111abcdef8.cloudfront.net`) and for tests against local servers.
     */
    readonly httpsBase?: URL;
    /** The same for plain-HTTP probes. */
    readonly httpBase?: URL;
    /** Extra trusted CA certificates (PEM), added to Node's roots. Test-only: real CDNs never need it. */
    readonly ca?: string;
    /** Per request, from connect to the last byte read. */
    readonly timeoutMs: number;
}

/** Bodies are read up to this many bytes: enough to recognise an error page or parse a config. */
const maxBodyBytes = 256 * 1024;

export const userAgent = "first-party-proxy-verify/0.1 (+https://github.com/first-party-proxy)";

const contexts = new Map<string, tls.SecureContext>();

/**
 * The TLS context for probes: Node's roots plus --ca, built once per CA (parsing the roots for every connection
 * costs ~50 ms). undefined without --ca: Node's default context.
 */
export function secureContextFor(connection: Connection): tls.SecureContext | undefined {
    if (!connection.ca) return undefined;
    let context = contexts.get(connection.ca);
    if (!context) {
        context = tls.createSecureContext({ ca: [...tls.rootCertificates, connection.ca] });
        contexts.set(connection.ca, context);
    }
    return context;
}

/**
 * A target host (`e.example.com`, or `127.0.0.1:8443` when --url named a port) without its port: the name plain-HTTP
 * probes use (the port belongs to HTTPS), SNI and certificate checks.
 */
export function hostnameOf(host: string): string {
    return new URL(`https://${host}`).hostname.replace(/^\[|\]$/g, "");
}

/** SNI for a hostname: none for an IP address, which TLS may not carry as a server name (RFC 6066). */
export function serverName(hostname: string): string | undefined {
    return net.isIP(hostname) ? undefined : hostname;
}

/** The TCP endpoint a URL's requests go to, after the base-URL overrides. */
export function endpointOf(url: URL, connection: Connection): { host: string; port: number } {
    const https = url.protocol === "https:";
    const base = https ? connection.httpsBase : connection.httpBase;
    const from = base ?? url;
    return { host: from.hostname.replace(/^\[|\]$/g, ""), port: Number(from.port) || (https ? 443 : 80) };
}

/**
 * Sends one probe and never throws: network errors and timeouts come back as status 0 with `error`. Redirects are
 * not followed. Certificates are not enforced here (the tls check reports them), so a bad certificate does not
 * hide what the vendor answers.
 */
export function send(request: ProbeRequest, connection: Connection): Promise<ProbeResponse> {
    const url = new URL(request.url);
    const { host, port } = endpointOf(url, connection);
    const headers: Record<string, string> = {
        host: url.host,
        "user-agent": userAgent,
        accept: "*/*",
        "accept-encoding": "identity",
        ...request.headers,
    };
    if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));
    const options: https.RequestOptions = {
        host,
        port,
        method: request.method,
        path: url.pathname + url.search,
        headers,
        agent: false,
    };
    const secure = url.protocol === "https:";
    if (secure) Object.assign(options, { servername: serverName(hostnameOf(url.host)) ?? "", secureContext: secureContextFor(connection), rejectUnauthorized: false });

    return new Promise((resolve) => {
        let settled = false;
        const done = (response: Omit<ProbeResponse, "request">) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ request, ...response });
        };
        const failed = (error: Error) => done({ status: 0, headers: {}, body: "", error: describeError(error) });
        const req = (secure ? https : http).request(options, (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            const finish = () =>
                done({ status: res.statusCode ?? 0, headers: lowerCaseHeaders(res.headers), body: Buffer.concat(chunks).toString("utf8") });
            res.on("data", (chunk: Buffer) => {
                chunks.push(chunk);
                size += chunk.length;
                if (size >= maxBodyBytes) {
                    finish();
                    res.destroy();
                }
            });
            res.on("end", finish);
            res.on("error", (err) => (size > 0 ? finish() : failed(err)));
        });
        const timer = setTimeout(() => req.destroy(new Error(`no answer within ${connection.timeoutMs} ms`)), connection.timeoutMs);
        req.on("error", failed);
        req.end(request.body);
    });
}

function lowerCaseHeaders(headers: http.IncomingHttpHeaders): Record<string, string | string[] | undefined> {
    const out: Record<string, string | string[] | undefined> = {};
    for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
    return out;
}

function describeError(error: Error & { code?: string }): string {
    return error.code ? `${error.code}: ${error.message}` : error.message;
}

/** A header as one string (repeated headers joined with `, `), or undefined. */
export function header(response: ProbeResponse, name: string): string | undefined {
    const value = response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
}
