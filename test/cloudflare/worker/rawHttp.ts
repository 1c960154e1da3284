import http, { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import net from "node:net";
import { Readable } from "node:stream";

export interface RawResponse {
    readonly status: number;
    readonly headers: IncomingHttpHeaders;
    /** The body exactly as it came off the wire, not decoded. */
    readonly body: Buffer;
}

/**
 * A request straight to Miniflare's listener with node:http, which (unlike dispatchFetch) neither decodes the
 * response nor rewrites its headers, and sends the request body with the Content-Length it is given.
 */
export function rawRequest(
    entry: URL,
    path: string,
    options: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | Readable } = {},
): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const request = http.request(
            { host: entry.hostname, port: entry.port, path, method: options.method ?? "GET", headers: options.headers, agent: false },
            (response) => {
                const chunks: Buffer[] = [];
                response.on("data", (chunk: Buffer) => chunks.push(chunk));
                response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
                response.on("error", reject);
            },
        );
        request.on("error", reject);
        if (options.body instanceof Readable) options.body.pipe(request);
        else request.end(options.body);
    });
}

/**
 * Sends `head` (request line and headers, CRLF-separated, no final blank line) over a bare socket, for targets no
 * HTTP client would send; resolves with the response's status as soon as its status line arrives.
 */
export function rawRequestLine(entry: URL, head: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(Number(entry.port), entry.hostname, () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
        let received = "";
        socket.on("data", (chunk) => {
            received += chunk;
            const status = /^HTTP\/1\.1 (\d{3}) /.exec(received);
            if (status) {
                socket.destroy();
                resolve(Number(status[1]));
            }
        });
        socket.on("end", () => reject(new Error(`no HTTP response to ${JSON.stringify(head)}: ${JSON.stringify(received.slice(0, 200))}`)));
        socket.on("error", reject);
    });
}
