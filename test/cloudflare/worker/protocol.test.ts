import assert from "node:assert/strict";
import { unusedAddress } from "../../helpers/recordingOrigin";
import { ProxyWorker, startProxyWorker, useProxyWorker } from "./proxyWorker";
import { cookieForwardingSite, vendorSite } from "./sites";

describe("Worker protocol and methods: Segment", () => {
    const get = useProxyWorker(vendorSite("segment", "us", "seg.example.com"));

    it("redirects plain HTTP to HTTPS on the site's own hostname, without calling the origin", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("/v1/t?x=1", { method: "POST", body: "{}", redirect: "manual" }, "http");
        assert.equal(response.status, 301);
        assert.equal(response.headers.get("location"), "https://seg.example.com/v1/t?x=1");
        assert.equal(origin.requests.length, 0);
    });

    it("builds the redirect from the configured hostname, never from the request's", async () => {
        const { worker } = get();
        const response = await worker.mf.dispatchFetch("http://evil.example/analytics.js/v1/KEY/analytics.min.js", {
            redirect: "manual",
        });
        assert.equal(response.status, 301);
        assert.equal(response.headers.get("location"), "https://seg.example.com/analytics.js/v1/KEY/analytics.min.js");
    });

    it("passes the origin's redirects back to the browser instead of following them", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ status: 302, headers: { location: "https://cdn.segment.com/elsewhere.js" } }));
        const response = await worker.fetch("/analytics.js/v1/KEY/analytics.min.js", { redirect: "manual" });
        assert.equal(response.status, 302);
        assert.equal(response.headers.get("location"), "https://cdn.segment.com/elsewhere.js");
        assert.equal(origin.requests.length, 1);
    });

    it("passes the origin's errors back unchanged", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ status: 403, headers: { "content-type": "text/plain" }, body: "forbidden by vendor" }));
        const response = await worker.fetch("/v1/t", { method: "POST", body: "{}" });
        assert.equal(response.status, 403);
        assert.equal(await response.text(), "forbidden by vendor");
    });
});

describe("Worker methods: PostHog", () => {
    const posthog = useProxyWorker(vendorSite("posthog", "us", "e.example.com"));

    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        it(`answers ${method} on /static/* with 405 and an Allow header`, async () => {
            const { origin, worker } = posthog();
            const response = await worker.fetch("/static/array.js", { method, body: method === "DELETE" ? undefined : "x" });
            assert.equal(response.status, 405);
            assert.equal(response.headers.get("allow"), "GET, HEAD, OPTIONS");
            assert.equal(origin.requests.length, 0);
        });
    }

    it("accepts every method on ingestion", async () => {
        const { origin, worker } = posthog();
        for (const method of ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]) {
            const response = await worker.fetch("/e/", { method, body: ["GET", "HEAD", "OPTIONS", "DELETE"].includes(method) ? undefined : "{}" });
            assert.equal(response.status, 200, method);
        }
        assert.deepEqual(
            origin.requests.map((r) => r.method),
            ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        );
    });
});

describe("Worker methods: Amplitude remote config", () => {
    const get = useProxyWorker(vendorSite("amplitude", "us", "sr.example.com"));

    it("answers POST on /config with 405, and takes POST on replay ingestion", async () => {
        const { origin, worker } = get();
        const config = await worker.fetch("/config?api_key=KEY", { method: "POST", body: "{}" });
        assert.equal(config.status, 405);
        assert.equal(config.headers.get("allow"), "GET, HEAD, OPTIONS");
        const track = await worker.fetch("/sessions/v2/track", { method: "POST", body: "{}" });
        assert.equal(track.status, 200);
        assert.deepEqual(
            origin.requests.map((r) => [r.method, r.host, r.url]),
            [["POST", "api-sr.amplitude.com", "/sessions/v2/track"]],
        );
    });
});

describe("Worker protocol: plain HTTP allowed where the route says so", () => {
    const get = useProxyWorker(cookieForwardingSite("shop.example.com"));

    it("serves the ACME challenge over plain HTTP, unredirected", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("/.well-known/acme-challenge/token123", { redirect: "manual" }, "http");
        assert.equal(response.status, 200);
        assert.equal(origin.requests[0].url, "/.well-known/acme-challenge/token123");
    });

    it("still redirects every other path", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("/checkout", { redirect: "manual" }, "http");
        assert.equal(response.status, 301);
        assert.equal(origin.requests.length, 0);
    });
});

describe("Worker protocol: origin unreachable", () => {
    let worker: ProxyWorker;
    before(async () => {
        worker = await startProxyWorker(vendorSite("posthog", "us", "e.example.com"), { outbound: await unusedAddress() });
    });
    after(() => worker?.dispose());

    for (const [path, originId] of [["/e/", "main"], ["/static/array.js", "assets"]]) {
        it(`answers ${path} with 502 naming the ${originId} origin, never cached`, async () => {
            const response = await worker.fetch(path);
            assert.equal(response.status, 502);
            assert.equal(await response.text(), `Bad gateway: ${originId} unreachable\n`);
            assert.equal(response.headers.get("cache-control"), "no-store");
        });
    }
});
