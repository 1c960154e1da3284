import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { useProxyWorker } from "./proxyWorker";
import { rawRequest } from "./rawHttp";
import { vendorSite } from "./sites";

const MiB = 1024 * 1024;

/** `size` bytes of a recording-like payload, produced chunk by chunk, and the SHA-256 it will have. */
function payload(size: number): { stream: () => Readable; sha256: string } {
    const chunk = Buffer.alloc(MiB);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + (i >> 10)) & 0xff;
    const hash = createHash("sha256");
    for (let sent = 0; sent < size; sent += chunk.length) hash.update(chunk.subarray(0, Math.min(chunk.length, size - sent)));
    return {
        sha256: hash.digest("hex"),
        stream: () =>
            Readable.from(
                (function* () {
                    for (let sent = 0; sent < size; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, size - sent));
                })(),
            ),
    };
}

describe("Worker request bodies: PostHog session recordings", () => {
    const get = useProxyWorker(vendorSite("posthog", "us", "e.example.com"), { asSiteOverHttps: true });
    const recording = payload(64 * MiB);

    it("streams a 64 MiB POST sent with Expect: 100-continue to the origin, whole, without Expect", async () => {
        const { origin, worker } = get();
        const response = await rawRequest(worker.entry, "/s/?compression=gzip-js&ver=1.200.0", {
            method: "POST",
            headers: {
                "content-type": "application/octet-stream",
                "content-length": 64 * MiB,
                expect: "100-continue",
                "cf-connecting-ip": "203.0.113.7",
            },
            body: recording.stream(),
        });
        assert.equal(response.status, 200);
        assert.equal(origin.requests.length, 1);
        const [seen] = origin.requests;
        assert.equal(seen.host, "us.i.posthog.com");
        assert.equal(seen.url, "/s/?compression=gzip-js&ver=1.200.0");
        assert.equal(seen.headers.expect, undefined);
        assert.equal(seen.bodyBytes, 64 * MiB);
        assert.equal(seen.bodySha256, recording.sha256);
        // The length the browser declared reaches the origin too (some ingestion APIs refuse chunked uploads).
        assert.equal(seen.headers["content-length"], String(64 * MiB));
    });
});

describe("Worker request bodies: Amplitude replay batches", () => {
    const get = useProxyWorker(vendorSite("amplitude", "us", "sr.example.com"));
    const batch = payload(10 * MiB);

    it("streams a 10 MiB chunked POST to the origin, whole", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("/sessions/v2/track", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: batch.stream(),
            duplex: "half",
        });
        assert.equal(response.status, 200);
        const [seen] = origin.requests;
        assert.equal(seen.host, "api-sr.amplitude.com");
        assert.equal(seen.bodyBytes, 10 * MiB);
        assert.equal(seen.bodySha256, batch.sha256);
        // A body of unknown length goes on as it came: chunked, with no length made up.
        assert.equal(seen.headers["content-length"], undefined);
        assert.equal(seen.headers["transfer-encoding"], "chunked");
    });
});

describe("Worker request bodies: a small event batch over a real socket", () => {
    const get = useProxyWorker(vendorSite("segment", "us", "s.example.com"), { asSiteOverHttps: true });

    it("keeps the declared length and the body, whatever Content-Length the header list carried", async () => {
        const { origin, worker } = get();
        const body = JSON.stringify({ batch: [{ type: "track", event: "Signed Up" }] });
        const response = await rawRequest(worker.entry, "/v1/batch", {
            method: "POST",
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
            body: Readable.from([Buffer.from(body)]),
        });
        assert.equal(response.status, 200);
        const [seen] = origin.requests;
        assert.equal(seen.headers["content-length"], String(Buffer.byteLength(body)));
        assert.equal(seen.headers["transfer-encoding"], undefined);
        assert.equal(seen.bodyBytes, Buffer.byteLength(body));
    });
});
