import assert from "node:assert/strict";
import http, { IncomingMessage } from "node:http";
import { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { workerSettings } from "../../../components/cloudflare/worker/settings";
import { ProxyWorker, startProxyWorker, useProxyWorker } from "./proxyWorker";
import { vendorSite } from "./sites";

const site = vendorSite("posthog", "us", "e.example.com");
const timeoutSeconds = 1;
const withShortDeadline = {
    asSiteOverHttps: true,
    settings: (s: ReturnType<typeof workerSettings>) => ({ ...s, routes: s.routes.map((r) => ({ ...r, originTimeoutSeconds: timeoutSeconds })) }),
};
const MiB = 1024 * 1024;

interface ViewerResult {
    readonly status: number;
    readonly body: string;
    readonly ms: number;
}

/**
 * A viewer's request straight to the Worker's listener: resolves with the whole response, even when the Worker
 * answers before the viewer has finished sending (the upload is then cut, which is expected).
 */
function viewerRequest(entry: URL, path: string, method: string, body?: Readable, headers: http.OutgoingHttpHeaders = {}): Promise<ViewerResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const request = http.request({ host: entry.hostname, port: entry.port, path, method, headers, agent: false }, (response) => {
            let text = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (text += chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text, ms: Date.now() - started }));
            response.on("error", reject);
        });
        // Writing after the Worker answered may fail (the connection is closed): the response is what counts.
        request.on("error", (err) => setTimeout(() => reject(err), 2000).unref());
        if (body) body.pipe(request);
        else request.end();
    });
}

/** `count` chunks of `size` bytes, `gapMs` apart. */
function slowBody(count: number, size: number, gapMs: number): Readable {
    return Readable.from(
        (async function* () {
            for (let i = 0; i < count; i++) {
                if (i > 0) await sleep(gapMs);
                yield Buffer.alloc(size, i);
            }
        })(),
    );
}

describe("Worker origin deadline", () => {
    const get = useProxyWorker(site, withShortDeadline);

    it("answers 504 with a short message when the origin takes the request and never answers", async () => {
        const { origin, worker } = get();
        origin.reply(() => new Promise(() => {}));
        for (const [path, method] of [["/e/?ip=1", "POST"], ["/static/array.js", "GET"]] as const) {
            const result = await viewerRequest(worker.entry, path, method, method === "POST" ? Readable.from([Buffer.from("{}")]) : undefined);
            assert.equal(result.status, 504, path);
            assert.match(result.body, /^Gateway timeout: (main|assets) did not answer within 1 s\n$/);
            assert.ok(result.ms >= timeoutSeconds * 1000 - 50, `answered after ${result.ms} ms`);
        }
        assert.equal(origin.requests.length, 2);
    });

    it("waits as long as the deadline for the headers: an origin a little slower still answers", async () => {
        const { origin, worker } = get();
        origin.reply(async (request) => {
            await sleep(timeoutSeconds * 500);
            return { body: `late ${request.url}` };
        });
        const result = await viewerRequest(worker.entry, "/e/", "POST", Readable.from([Buffer.from("{}")]));
        assert.equal(result.status, 200);
        assert.equal(result.body, "late /e/");
    });

    it("is no total cap: a recording upload slower than the deadline passes whole while its bytes keep moving", async () => {
        const { origin, worker } = get();
        // 30 chunks of 256 KiB, 100 ms apart: 7.5 MiB over about 3 s, never idle for the 1 s deadline.
        const result = await viewerRequest(worker.entry, "/s/?compression=gzip-js", "POST", slowBody(30, 256 * 1024, 100), {
            "content-type": "application/octet-stream",
            "content-length": 30 * 256 * 1024,
        });
        assert.equal(result.status, 200);
        assert.ok(result.ms > timeoutSeconds * 1000 * 2, `the upload took ${result.ms} ms`);
        const [seen] = origin.requests;
        assert.equal(seen.bodyBytes, 30 * 256 * 1024);
        // The declared length is kept on a watched body.
        assert.equal(seen.headers["content-length"], String(30 * 256 * 1024));
        assert.equal(seen.headers["transfer-encoding"], undefined);
    });

    it("keeps a streamed (chunked) upload chunked", async () => {
        const { origin, worker } = get();
        const result = await viewerRequest(worker.entry, "/s/", "POST", slowBody(4, 64 * 1024, 10), { "content-type": "application/octet-stream" });
        assert.equal(result.status, 200);
        const [seen] = origin.requests;
        assert.equal(seen.bodyBytes, 4 * 64 * 1024);
        assert.equal(seen.headers["transfer-encoding"], "chunked");
    });
});

describe("Worker origin deadline: origins that hang mid-body", () => {
    let server: http.Server;
    let worker: ProxyWorker;
    /** What the origin does with each request; set per test. */
    let handle: (request: IncomingMessage, response: http.ServerResponse) => void = () => {};
    const received: number[] = [];

    before(async () => {
        server = http.createServer((request, response) => handle(request, response));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        worker = await startProxyWorker(site, { ...withShortDeadline, outbound: `127.0.0.1:${port}` });
    });
    after(async () => {
        await worker?.dispose();
        server?.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
    });
    beforeEach(() => (received.length = 0));

    it("answers 504 when the origin stops reading a large upload and never answers", async () => {
        handle = (request) => {
            let bytes = 0;
            request.on("data", (chunk: Buffer) => {
                bytes += chunk.length;
                // Reads the first MiB, then neither reads nor answers again.
                if (bytes >= MiB) {
                    request.pause();
                    received.push(bytes);
                }
            });
        };
        const size = 32 * MiB;
        const result = await viewerRequest(
            worker.entry,
            "/s/",
            "POST",
            Readable.from((function* () {
                for (let sent = 0; sent < size; sent += MiB) yield Buffer.alloc(MiB, 7);
            })()),
            { "content-type": "application/octet-stream", "content-length": size },
        );
        assert.equal(result.status, 504);
        assert.match(result.body, /^Gateway timeout: main did not answer within 1 s\n$/);
        assert.ok(received.length > 0 && received[0] < size, "the origin got part of the body only");
    });

    it("cannot change the status once the origin has answered: the viewer gets 200, the bytes sent so far, then nothing", async () => {
        handle = (_request, response) => {
            response.writeHead(200, { "content-type": "application/javascript", "content-length": "100000" });
            response.write("/* the first bytes */");
        };
        const seen = await new Promise<{ status: number; body: string; ended: boolean }>((resolve, reject) => {
            const request = http.get({ host: worker.entry.hostname, port: worker.entry.port, path: "/static/array.js", agent: false }, (response) => {
                let body = "";
                let ended = false;
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => (body += chunk));
                response.on("end", () => (ended = true));
                response.on("error", () => {});
                // Well past the deadline: the response is still open, with what the origin sent.
                setTimeout(() => {
                    resolve({ status: response.statusCode ?? 0, body, ended });
                    request.destroy();
                }, timeoutSeconds * 1000 * 4);
            });
            request.on("error", (err) => (err.message.includes("socket hang up") ? undefined : reject(err)));
        });
        assert.deepEqual(seen, { status: 200, body: "/* the first bytes */", ended: false });
    });
});
