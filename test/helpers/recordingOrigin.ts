import { createHash } from "node:crypto";
import http, { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { AddressInfo } from "node:net";

/** What the origin received, with the body counted and hashed as it streamed in (never buffered). */
export interface RecordedRequest {
    readonly method: string;
    /** The request target as received: path and query. */
    readonly url: string;
    /** The Host header, as the upstream would see it. */
    readonly host: string;
    /** Lower-case header names, Node's joining rules. */
    readonly headers: IncomingHttpHeaders;
    readonly bodyBytes: number;
    /** Hex SHA-256 of the body. */
    readonly bodySha256: string;
}

export interface OriginReply {
    readonly status?: number;
    readonly headers?: OutgoingHttpHeaders;
    readonly body?: string | Buffer;
}

export type OriginHandler = (request: RecordedRequest) => OriginReply | Promise<OriginReply>;

/** The default reply names the host and path it got, so a test can see where a request landed. */
export const echoHost: OriginHandler = (request) => ({
    headers: { "content-type": "text/plain" },
    body: `${request.host} ${request.url}`,
});

export interface RecordingOrigin {
    /** `127.0.0.1:<port>`: give it to Miniflare as `outboundService: { external: { address, http: {} } }`. */
    readonly address: string;
    readonly port: number;
    /** Every request so far, in arrival order. */
    readonly requests: RecordedRequest[];
    /** Answer the next requests with `handler` (until the next reply() or reset()). */
    reply(handler: OriginHandler): void;
    /** Forget recorded requests and go back to echoHost. */
    reset(): void;
    close(): Promise<void>;
}

/**
 * A plain HTTP server on 127.0.0.1 that records every request it gets and answers as the test says. Behind a Worker
 * in Miniflare it stands in for every vendor host at once: workerd sends it the vendor's hostname as Host.
 */
export async function startRecordingOrigin(handler: OriginHandler = echoHost): Promise<RecordingOrigin> {
    const requests: RecordedRequest[] = [];
    let current = handler;

    const server = http.createServer((req, res) => {
        const hash = createHash("sha256");
        let bodyBytes = 0;
        req.on("data", (chunk: Buffer) => {
            bodyBytes += chunk.length;
            hash.update(chunk);
        });
        req.on("end", async () => {
            const recorded: RecordedRequest = {
                method: req.method ?? "",
                url: req.url ?? "",
                host: req.headers.host ?? "",
                headers: req.headers,
                bodyBytes,
                bodySha256: hash.digest("hex"),
            };
            requests.push(recorded);
            try {
                const reply = await current(recorded);
                res.writeHead(reply.status ?? 200, reply.headers ?? {});
                res.end(reply.body);
            } catch (err) {
                res.writeHead(500, { "content-type": "text/plain" });
                res.end(`recording origin handler failed: ${err}`);
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    return {
        address: `127.0.0.1:${port}`,
        port,
        requests,
        reply(next) {
            current = next;
        },
        reset() {
            requests.length = 0;
            current = handler;
        },
        close() {
            server.closeAllConnections();
            return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
        },
    };
}

/** A 127.0.0.1 address nothing listens on: an origin that refuses connections. */
export async function unusedAddress(): Promise<string> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return `127.0.0.1:${port}`;
}
