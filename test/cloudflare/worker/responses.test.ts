import assert from "node:assert/strict";
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import { useProxyWorker } from "./proxyWorker";
import { rawRequest } from "./rawHttp";
import { vendorSite } from "./sites";

// An array.js-sized script (about 160 KB) that compresses like real code.
const script = Buffer.from(Array.from({ length: 4000 }, (_, i) => `var f${i}=function(){return ${(i * 7919) % 10007}};`).join("\n"));
const codecs = {
    gzip: { encoded: gzipSync(script), decode: gunzipSync },
    br: { encoded: brotliCompressSync(script, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }), decode: brotliDecompressSync },
};
const page = "https://www.shop.example";

describe("Worker responses: compressed bodies (PostHog)", () => {
    const get = useProxyWorker(vendorSite("posthog", "us", "e.example.com"), { asSiteOverHttps: true });

    // /array/* responses get edge CORS headers added (the response is rebuilt); /decide/ passes straight through.
    for (const path of ["/array/phc_KEY/config.js", "/static/array.js", "/decide/?v=3"]) {
        for (const [encoding, codec] of Object.entries(codecs)) {
            for (const withLength of [true, false]) {
                const title = `${path}: a ${encoding} body ${withLength ? "with" : "without"} Content-Length arrives whole`;
                it(title, async () => {
                    const { origin, worker } = get();
                    const { encoded } = codec;
                    origin.reply(() => ({
                        headers: {
                            "content-type": "application/javascript",
                            "content-encoding": encoding,
                            "cache-control": "public, max-age=300",
                            ...(withLength ? { "content-length": encoded.length } : {}),
                        },
                        body: encoded,
                    }));
                    // Accepting only the origin's encoding keeps Miniflare's emulation of Cloudflare's compression out of it.
                    const raw = await rawRequest(worker.entry, path, { headers: { origin: page, "accept-encoding": encoding } });
                    assert.equal(raw.status, 200);
                    assert.equal(raw.headers["content-encoding"], encoding);
                    if (raw.headers["content-length"] !== undefined) assert.equal(Number(raw.headers["content-length"]), raw.body.length);
                    assert.ok(codec.decode(raw.body).equals(script), "decoded body differs from the origin's");

                    const decoded = await worker.fetch(path, { headers: { origin: page } });
                    assert.ok(Buffer.from(await decoded.arrayBuffer()).equals(script));
                });
            }
        }
    }
});

describe("Worker responses: headers pass through (Amplitude Session Replay)", () => {
    const get = useProxyWorker(vendorSite("amplitude", "us", "sr.example.com"));

    it("returns status, body and every header the origin sent, and no Set-Cookie", async () => {
        const { origin, worker } = get();
        const sent = {
            "content-type": "application/json",
            "cache-control": "no-cache, no-store",
            vary: "Accept-Encoding, Origin",
            "access-control-allow-origin": page,
            "access-control-expose-headers": "X-Session-Replay-Event-Skipped",
            "x-session-replay-event-skipped": "true",
            "x-amzn-requestid": "3f1c0d2e",
        };
        origin.reply(() => ({ status: 413, headers: sent, body: '{"error":"payload too large"}' }));
        const response = await worker.fetch("/sessions/v2/track", { method: "POST", body: "{}", headers: { origin: page } });
        assert.equal(response.status, 413);
        for (const [name, value] of Object.entries(sent)) assert.equal(response.headers.get(name), value, name);
        assert.equal(response.headers.get("set-cookie"), null);
        assert.equal(await response.text(), '{"error":"payload too large"}');
    });
});

describe("Worker responses: headers pass through (PostHog ingestion)", () => {
    const get = useProxyWorker(vendorSite("posthog", "eu", "e.example.com"), { asSiteOverHttps: true });

    it("adds and changes no header on a route whose CORS is the origin's", async () => {
        const { origin, worker } = get();
        const sent = { "content-type": "application/json", "cache-control": "private", vary: "Origin", "x-posthog": "1" };
        origin.reply(() => ({ status: 200, headers: { ...sent, "content-length": "2" }, body: "{}" }));
        // Without Accept-Encoding, so that Miniflare's emulation of Cloudflare's compression leaves the response alone.
        const response = await rawRequest(worker.entry, "/flags/?v=2", { method: "POST", body: Buffer.from("{}"), headers: { origin: page } });
        const { date, connection, ...received } = response.headers;
        assert.deepEqual(received, { ...sent, "content-length": "2" });
        assert.equal(response.body.toString(), "{}");
    });
});
