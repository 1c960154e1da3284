import assert from "node:assert/strict";
import { workerSettings } from "../../../components/cloudflare/worker/settings";
import { Route, Site } from "../../../components/model/types";
import { useProxyWorker } from "./proxyWorker";
import { rawRequestLine } from "./rawHttp";
import { vendorSite } from "./sites";

/**
 * PostHog's site under a public prefix, as the public-path layout builds it: `/k7/ph/static/*` to the assets origin
 * as `/static/*`, `/k7/ph/*` to the API at its root, a deeper `to` for the flags endpoint, and 404 everywhere else.
 */
function publicPathSite(hostname: string): Site {
    const site = vendorSite("posthog", "us", hostname);
    const [assets, , main] = site.routes;
    const routes: Route[] = [
        { ...assets, pathPattern: "/k7/ph/static/*", rewrite: { from: "/k7/ph/static/", to: "/static/" } },
        { ...main, pathPattern: "/k7/ph/f/*", rewrite: { from: "/k7/ph/f/", to: "/flags/v2/" } },
        { ...main, pathPattern: "/k7/ph/*", rewrite: { from: "/k7/ph/", to: "/" } },
        { ...main, pathPattern: "*", answer: "notFound" },
    ];
    return { ...site, routes };
}

const site = publicPathSite("e.example.com");
const toPrefixes = site.routes.flatMap((r) => (r.rewrite ? [r.rewrite.to] : []));

describe("workerSettings: public paths", () => {
    it("carries each route's rewrite and 404 answer into the binding", () => {
        const { routes } = workerSettings(site);
        assert.deepEqual(
            routes.map((r) => [r.pathPattern, r.originId, r.rewrite, r.answer]),
            [
                ["/k7/ph/static/*", "assets", { from: "/k7/ph/static/", to: "/static/" }, undefined],
                ["/k7/ph/f/*", "main", { from: "/k7/ph/f/", to: "/flags/v2/" }, undefined],
                ["/k7/ph/*", "main", { from: "/k7/ph/", to: "/" }, undefined],
                ["*", "main", undefined, "notFound"],
            ],
        );
    });

    it("leaves both out of a site without public paths", () => {
        for (const route of workerSettings(vendorSite("posthog", "us", "e.example.com")).routes) {
            assert.ok(!("rewrite" in route) && !("answer" in route), route.pathPattern);
        }
    });
});

describe("Worker public paths: rewrites", () => {
    const get = useProxyWorker(site);

    // Whatever a test sends, every upstream request is on a configured host and under one of the `to` prefixes.
    afterEach(() => {
        for (const seen of get().origin.requests) {
            assert.ok(["us.i.posthog.com", "us-assets.i.posthog.com"].includes(seen.host), seen.host);
            assert.ok(toPrefixes.some((to) => seen.url.startsWith(to)), `${seen.url} is under a rewrite's to`);
        }
    });

    const cases: readonly (readonly [sent: string, host: string, upstream: string])[] = [
        ["/k7/ph/static/array.js", "us-assets.i.posthog.com", "/static/array.js"],
        ["/k7/ph/static/recorder.js?v=1.200.0", "us-assets.i.posthog.com", "/static/recorder.js?v=1.200.0"],
        ["/k7/ph/e/?ip=1&_=1700000000000&ver=1.200.0", "us.i.posthog.com", "/e/?ip=1&_=1700000000000&ver=1.200.0"],
        ["/k7/ph/i/v0/e/", "us.i.posthog.com", "/i/v0/e/"],
        ["/k7/ph/f/?v=2&config=true", "us.i.posthog.com", "/flags/v2/?v=2&config=true"],
        // The query passes as it came, even when it names public paths, and a lone "?" is no query.
        ["/k7/ph/e/?next=/k7/ph/x&u=%2Fk7%2Fph%2F", "us.i.posthog.com", "/e/?next=/k7/ph/x&u=%2Fk7%2Fph%2F"],
        ["/k7/ph/decide/?", "us.i.posthog.com", "/decide/"],
        // Only the leading prefix is rewritten.
        ["/k7/ph/k7/ph/s/", "us.i.posthog.com", "/k7/ph/s/"],
        ["/k7/ph/static/a%20b.js", "us-assets.i.posthog.com", "/static/a%20b.js"],
    ];

    for (const [sent, host, upstream] of cases) {
        it(`${sent} reaches ${host} as ${upstream}`, async () => {
            const { origin, worker } = get();
            const response = await worker.fetch(sent, { headers: { "cf-connecting-ip": "203.0.113.7" } });
            assert.equal(response.status, 200);
            assert.equal(await response.text(), `${host} ${upstream}`);
            assert.deepEqual(origin.requests.map((r) => [r.host, r.url]), [[host, upstream]]);
        });
    }

    it("keeps method and body on a rewritten POST", async () => {
        const { origin, worker } = get();
        const body = JSON.stringify({ batch: [{ event: "$pageview" }] });
        const response = await worker.fetch("/k7/ph/batch/?compression=none", { method: "POST", body });
        assert.equal(response.status, 200);
        const [seen] = origin.requests;
        assert.equal(seen.method, "POST");
        assert.equal(seen.url, "/batch/?compression=none");
        assert.equal(seen.bodyBytes, Buffer.byteLength(body));
    });

    for (const path of ["/", "/e/", "/static/array.js", "/k7/ph", "/k7/other/e/", "/K7/PH/e/"]) {
        it(`answers 404 for ${path}, outside the public paths, without fetching`, async () => {
            const { origin, worker } = get();
            for (const method of ["GET", "POST", "OPTIONS"]) {
                const response = await worker.fetch(path, { method, body: method === "POST" ? "{}" : undefined });
                assert.equal(response.status, 404, method);
                assert.equal(await response.text(), "Not found\n");
            }
            assert.equal(origin.requests.length, 0);
        });
    }

    it("redirects plain HTTP to HTTPS with the public path and query", async () => {
        const { origin, worker } = get();
        for (const path of ["/k7/ph/e/?ip=1&v=2", "/k7/ph/static/array.js", "/elsewhere"]) {
            const response = await worker.fetch(path, { redirect: "manual" }, "http");
            assert.equal(response.status, 301, path);
            assert.equal(response.headers.get("location"), `https://e.example.com${path}`);
        }
        assert.equal(origin.requests.length, 0);
    });
});

describe("Worker public paths: open-proxy tricks on the rewritten path", () => {
    const get = useProxyWorker(site, { asSiteOverHttps: true });

    afterEach(() => {
        for (const seen of get().origin.requests) {
            assert.ok(["us.i.posthog.com", "us-assets.i.posthog.com"].includes(seen.host), seen.host);
            assert.ok(toPrefixes.some((to) => seen.url.startsWith(to)), `${seen.url} is under a rewrite's to`);
        }
    });

    // [request target, status]: 400 when refused, 404 when it normalises to a path outside the public ones.
    const targets: readonly (readonly [string, number])[] = [
        // With to "/", these would be sent as //evil.com/x: an authority to some parsers.
        ["/k7/ph//evil.com/x", 400],
        ["/k7/ph/%2Fevil.com/x", 400],
        ["/k7/ph/%2fevil.com", 400],
        ["/k7/ph/\\evil.com", 400],
        ["/k7/ph/%5Cevil.com", 400],
        ["/k7/ph/@evil.com", 400],
        ["/k7/ph/%40evil.com", 400],
        // Climbing out of the `to` prefix once decoded.
        ["/k7/ph/f/..%2F..%2Fevil", 400],
        ["/k7/ph/f/%2e%2e%2fdecide", 400],
        ["/k7/ph/static/..%5C..%5Cevil.com", 400],
        // Dot segments the URL parser resolves before the Worker sees the path: they leave the public prefix.
        ["/k7/ph/static/../../evil.com", 404],
        ["/k7/ph/%2e%2e/%2e%2e/evil.com", 404],
    ];

    for (const [target, expected] of targets) {
        it(`${target} is answered ${expected} without fetching`, async () => {
            const fixture = get();
            const status = await rawRequestLine(fixture.worker.entry, `GET ${target} HTTP/1.1\r\nHost: ${fixture.worker.entry.host}`);
            assert.equal(status, expected);
            assert.equal(fixture.origin.requests.length, 0);
        });
    }

    it("a dot segment that stays inside the public prefix is resolved before the rewrite", async () => {
        const fixture = get();
        const status = await rawRequestLine(fixture.worker.entry, `GET /k7/ph/static/../e/ HTTP/1.1\r\nHost: ${fixture.worker.entry.host}`);
        assert.equal(status, 200);
        assert.deepEqual(fixture.origin.requests.map((r) => r.url), ["/e/"]);
    });
});
