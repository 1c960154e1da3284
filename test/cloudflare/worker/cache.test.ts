import assert from "node:assert/strict";
import { useProxyWorker } from "./proxyWorker";
import { vendorSite } from "./sites";

// workerd implements fetch's `cache: "no-store"` by bypassing the cache and marking the subrequest no-cache;
// the marker is what the origin can see of it. Cloudflare's cache never stores a response to anything but GET, so
// other methods go out as the viewer sent them.
describe("Worker caching: Amplitude replay is never cached", () => {
    const get = useProxyWorker(vendorSite("amplitude", "eu", "sr.example.com"));

    for (const path of ["/config?api_key=KEY", "/sessions/v2/track"]) {
        it(`GET ${path} is fetched with cache: no-store`, async () => {
            const { origin, worker } = get();
            await worker.fetch(path);
            const [seen] = origin.requests;
            assert.equal(seen.headers["cache-control"], "no-cache");
            assert.equal(seen.headers.pragma, "no-cache");
        });
    }

    it("POST /sessions/v2/track, which no cache stores, goes out as sent", async () => {
        const { origin, worker } = get();
        await worker.fetch("/sessions/v2/track", { method: "POST", body: "{}", headers: { "cache-control": "max-age=0" } });
        const [seen] = origin.requests;
        assert.equal(seen.method, "POST");
        assert.equal(seen.headers["cache-control"], "max-age=0");
        assert.equal(seen.headers.pragma, undefined);
    });
});

describe("Worker caching: Segment's CDN paths follow the origin's Cache-Control", () => {
    const get = useProxyWorker(vendorSite("segment", "us", "seg.example.com"));

    it("fetches /analytics.js/* as a plain cacheable GET", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ headers: { "cache-control": "public, max-age=60" }, body: "analytics" }));
        const response = await worker.fetch("/analytics.js/v1/KEY/analytics.min.js");
        const [seen] = origin.requests;
        assert.equal(seen.headers["cache-control"], undefined);
        assert.equal(seen.headers.pragma, undefined);
        assert.equal(response.headers.get("cache-control"), "public, max-age=60");
    });

    it("fetches the Tracking API uncached", async () => {
        const { origin, worker } = get();
        await worker.fetch("/v1/t?probe=1");
        assert.equal(origin.requests[0].headers["cache-control"], "no-cache");
    });
});
