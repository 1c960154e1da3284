import assert from "node:assert/strict";
import { workerSettings } from "../../../components/cloudflare/worker/settings";
import { ProxyFixture, useProxyWorker } from "./proxyWorker";
import { rawRequestLine } from "./rawHttp";
import { vendorSite } from "./sites";

const site = vendorSite("posthog", "us", "e.example.com");
const configuredHosts = Object.values(workerSettings(site).origins).map((o) => new URL(o.baseUrl).host);

function assertOnlyConfiguredHosts({ origin }: ProxyFixture) {
    for (const seen of origin.requests) assert.ok(configuredHosts.includes(seen.host), `the origin was asked for ${seen.host}`);
}

// Request targets as they arrive on the wire; [target, expected status or "kept" when it may be served
// from a configured origin after normalisation].
const targets: readonly (readonly [string, number | "kept"])[] = [
    ["//evil.com/x", 400],
    ["/\\evil.com", 400],
    ["/\\\\evil.com/x", 400],
    ["/%2F%2Fevil.com", 400],
    ["/%2f%2fevil.com/x", 400],
    ["/%5Cevil.com", 400],
    ["/%5c%5cevil.com", 400],
    ["/static/..%5C..%5Cevil.com", 400],
    ["/..%2F..%2Fevil", 400],
    ["/static/..%2f..%2fevil.com", 400],
    ["/@evil.com", 400],
    ["/%40evil.com", 400],
    ["/e/@evil.com/", 400],
    ["/static/../../evil.com", "kept"],
    ["/%2e%2e/%2e%2e/evil.com", "kept"],
    ["/e/?next=//evil.com/&url=http://evil.com", "kept"],
];

describe("Worker open-proxy tricks: request targets", () => {
    const get = useProxyWorker(site, { asSiteOverHttps: true });
    afterEach(() => assertOnlyConfiguredHosts(get()));

    for (const [target, expected] of targets) {
        it(`${target} ${expected === "kept" ? "stays on a configured origin" : `is refused with ${expected}`}`, async () => {
            const fixture = get();
            const status = await rawRequestLine(fixture.worker.entry, `GET ${target} HTTP/1.1\r\nHost: ${fixture.worker.entry.host}`);
            if (expected === "kept") assert.equal(status, 200);
            else {
                assert.equal(status, expected);
                assert.equal(fixture.origin.requests.length, 0);
            }
        });
    }

    for (const target of ["http://evil.com/x", "https://evil.com/e/", "evil.com:443"]) {
        it(`absolute or authority-form target ${target} never reaches another host`, async () => {
            const fixture = get();
            const status = await rawRequestLine(fixture.worker.entry, `GET ${target} HTTP/1.1\r\nHost: evil.com`);
            // workerd itself refuses these before the Worker runs.
            assert.ok(status >= 400, `status ${status}`);
            assert.equal(fixture.origin.requests.length, 0);
        });
    }

    it("a CONNECT to another host never reaches it", async () => {
        const fixture = get();
        const status = await rawRequestLine(fixture.worker.entry, "CONNECT evil.com:443 HTTP/1.1\r\nHost: evil.com:443");
        assert.ok(status >= 400, `status ${status}`);
        assert.equal(fixture.origin.requests.length, 0);
    });

    it("headers the client's Connection header names as hop-by-hop do not reach the origin", async () => {
        const fixture = get();
        const status = await rawRequestLine(
            fixture.worker.entry,
            "GET /e/ HTTP/1.1\r\nHost: e.example.com\r\nConnection: keep-alive, X-Hop-Secret, , bad token\r\nX-Hop-Secret: 1\r\nX-Kept: 1",
        );
        assert.equal(status, 200);
        const [seen] = fixture.origin.requests;
        assert.equal(seen.headers["x-hop-secret"], undefined);
        assert.equal(seen.headers["x-kept"], "1");
    });

    it("a Host: evil.com header leaves the upstream on the configured origin", async () => {
        const fixture = get();
        const status = await rawRequestLine(fixture.worker.entry, "GET /e/ HTTP/1.1\r\nHost: evil.com");
        assert.equal(status, 200);
        assert.deepEqual(fixture.origin.requests.map((r) => [r.host, r.url]), [["us.i.posthog.com", "/e/"]]);
    });
});

describe("Worker open-proxy tricks: headers and request host", () => {
    const get = useProxyWorker(site);
    afterEach(() => assertOnlyConfiguredHosts(get()));

    const overrides = {
        "x-forwarded-host": "evil.com",
        "x-forwarded-proto": "http",
        "x-original-url": "http://evil.com/x",
        "x-rewrite-url": "//evil.com/x",
        forwarded: "host=evil.com;proto=http",
    };

    for (const path of ["/e/", "/static/array.js"]) {
        it(`${path}: override headers neither move the upstream nor reach the origin`, async () => {
            const { origin, worker } = get();
            const response = await worker.fetch(path, { headers: overrides });
            assert.equal(response.status, 200);
            const [seen] = origin.requests;
            assert.equal(seen.url, path);
            for (const name of Object.keys(overrides)) assert.equal(seen.headers[name], undefined, name);
        });
    }

    it("a request addressed to another host (as Cloudflare would pass Host: evil.com) goes to the configured origin", async () => {
        const { origin, worker } = get();
        const response = await worker.mf.dispatchFetch("https://evil.com/static/array.js");
        assert.equal(response.status, 200);
        assert.deepEqual(origin.requests.map((r) => [r.host, r.url]), [["us-assets.i.posthog.com", "/static/array.js"]]);
    });

    it("//evil.com/x sent through dispatchFetch is refused", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("//evil.com/x");
        assert.equal(response.status, 400);
        assert.equal(origin.requests.length, 0);
    });
});
