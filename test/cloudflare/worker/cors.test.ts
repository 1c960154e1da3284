import assert from "node:assert/strict";
import { RequestInit } from "miniflare";
import { edgeResponseHeaderRules, securityHeaders as securityHeaderList } from "../../../components/cloudflare/edgeHeaderRules";
import { Site } from "../../../components/model/types";
import { applyResponseHeaderRules } from "../responseHeaderRules";
import { useProxyWorker } from "./proxyWorker";
import { vendorSite } from "./sites";

/**
 * CORS as Cloudflare serves it: the Worker in workerd answers (or proxies), then the zone's response header rules
 * for the site (edgeHeaderRules.ts) apply to its response, as Cloudflare's http_response_headers_transform phase does.
 */
function useEdge(site: Site) {
    const get = useProxyWorker(site);
    const rules = edgeResponseHeaderRules([{ owner: "test", site, sharedHost: false }]);
    return () => {
        const { origin, worker } = get();
        const fetch = async (path: string, init: RequestInit = {}) => {
            const response = await worker.fetch(path, init);
            const request = {
                host: site.hostname,
                path: new URL(path, "https://any").pathname,
                https: true,
                method: init.method ?? "GET",
                headers: (init.headers ?? {}) as Record<string, string>,
            };
            const headers = applyResponseHeaderRules(rules, request, response.headers as unknown as Headers);
            return { status: response.status, headers, text: () => response.text(), fromWorker: response };
        };
        return { origin, worker: { fetch } };
    };
}

const page = "https://www.shop.example";
const preflight = {
    method: "OPTIONS",
    headers: {
        origin: page,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-amp-sdk",
    },
};
// CloudFront's managed SecurityHeadersPolicy, written out here so that a change to the rules' list shows as a failure.
const securityHeaders = {
    "strict-transport-security": "max-age=31536000",
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-xss-protection": "1; mode=block",
};

describe("edge CORS rules", () => {
    it("list CloudFront's security headers", () => {
        assert.deepEqual(Object.fromEntries(securityHeaderList), securityHeaders);
    });
});

describe("Worker CORS: PostHog", () => {
    const get = useEdge(vendorSite("posthog", "us", "e.example.com"));

    it("answers preflights for /static/* at the edge, with the security headers", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("/static/array.js", preflight);
        assert.equal(response.status, 204);
        assert.equal(response.headers.get("access-control-allow-origin"), page);
        assert.equal(response.headers.get("access-control-allow-methods"), "GET, HEAD, OPTIONS");
        assert.equal(response.headers.get("access-control-allow-headers"), "content-type, x-amp-sdk");
        assert.equal(response.headers.get("access-control-max-age"), "86400");
        assert.equal(response.headers.get("vary"), "Origin");
        for (const [name, value] of Object.entries(securityHeaders)) assert.equal(response.headers.get(name), value, name);
        assert.equal(origin.requests.length, 0);
    });

    it("adds Access-Control-Allow-Origin and security headers to asset responses that lack them", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ headers: { "content-type": "application/javascript", vary: "Accept-Encoding" }, body: "ok" }));
        const response = await worker.fetch("/static/array.js", { headers: { origin: page } });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("access-control-allow-origin"), page);
        assert.equal(response.headers.get("vary"), "Accept-Encoding, Origin");
        for (const [name, value] of Object.entries(securityHeaders)) assert.equal(response.headers.get(name), value, name);
        assert.equal(await response.text(), "ok");
    });

    it("the Worker itself returns the origin's headers as they came: the zone's rules add the rest", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ headers: { "content-type": "application/javascript", vary: "Accept-Encoding" }, body: "ok" }));
        const { fromWorker } = await worker.fetch("/static/array.js", { headers: { origin: page } });
        assert.equal(fromWorker.headers.get("access-control-allow-origin"), null);
        assert.equal(fromWorker.headers.get("vary"), "Accept-Encoding");
        for (const name of Object.keys(securityHeaders)) assert.equal(fromWorker.headers.get(name), null, name);
        assert.equal(await fromWorker.text(), "ok");
    });

    it("adds only the security headers when the request has no Origin", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ headers: { "content-type": "application/javascript", vary: "Accept-Encoding" }, body: "ok" }));
        const response = await worker.fetch("/static/array.js");
        assert.equal(response.headers.get("access-control-allow-origin"), null);
        assert.equal(response.headers.get("vary"), "Accept-Encoding");
        for (const [name, value] of Object.entries(securityHeaders)) assert.equal(response.headers.get(name), value, name);
        assert.equal(await response.text(), "ok");
    });

    it("never overrides the CORS or security headers the origin sent", async () => {
        const { origin, worker } = get();
        const own = {
            "access-control-allow-origin": "*",
            "x-frame-options": "DENY",
            "strict-transport-security": "max-age=63072000; includeSubDomains",
            vary: "Accept-Encoding",
        };
        origin.reply(() => ({ headers: own, body: "ok" }));
        const response = await worker.fetch("/array/phc_KEY/config.js", { headers: { origin: page } });
        for (const [name, value] of Object.entries(own)) assert.equal(response.headers.get(name), value, name);
        assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    });

    it("sends an OPTIONS without Access-Control-Request-Method to the origin", async () => {
        const { origin, worker } = get();
        await worker.fetch("/static/array.js", { method: "OPTIONS", headers: { origin: page } });
        assert.equal(origin.requests.length, 1);
        assert.equal(origin.requests[0].method, "OPTIONS");
    });

    it("sends ingestion preflights to the origin and leaves its response alone", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ status: 200, headers: { "access-control-allow-origin": page, "access-control-allow-methods": "POST" } }));
        const response = await worker.fetch("/e/", preflight);
        assert.equal(origin.requests.length, 1);
        const [seen] = origin.requests;
        assert.equal(seen.method, "OPTIONS");
        assert.equal(seen.headers.origin, page);
        assert.equal(seen.headers["access-control-request-method"], "POST");
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("access-control-allow-methods"), "POST");
        assert.equal(response.headers.get("x-frame-options"), null);
    });
});

describe("Worker CORS: Amplitude Session Replay", () => {
    const get = useEdge(vendorSite("amplitude", "eu", "sr.example.com"));

    it("answers replay preflights at the edge with every method", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("/sessions/v2/track", preflight);
        assert.equal(response.status, 204);
        assert.equal(response.headers.get("access-control-allow-origin"), page);
        assert.equal(response.headers.get("access-control-allow-methods"), "GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE");
        assert.equal(response.headers.get("access-control-allow-headers"), "content-type, x-amp-sdk");
        assert.equal(origin.requests.length, 0);
    });

    it("answers remote-config preflights at the edge with the read methods", async () => {
        const { origin, worker } = get();
        const response = await worker.fetch("/config?api_key=KEY", { ...preflight, headers: { ...preflight.headers, "access-control-request-method": "GET" } });
        assert.equal(response.status, 204);
        assert.equal(response.headers.get("access-control-allow-methods"), "GET, HEAD, OPTIONS");
        assert.equal(origin.requests.length, 0);
    });
});

describe("Worker CORS: Segment", () => {
    const get = useEdge(vendorSite("segment", "us", "seg.example.com"));

    for (const path of ["/v1/t", "/analytics.js/v1/KEY/analytics.min.js"]) {
        it(`sends preflights for ${path} to the origin and returns its answer unchanged`, async () => {
            const { origin, worker } = get();
            origin.reply(() => ({
                status: 200,
                headers: { "access-control-allow-origin": "*", "access-control-allow-headers": "Content-Type" },
            }));
            const response = await worker.fetch(path, preflight);
            assert.equal(origin.requests.length, 1);
            assert.equal(origin.requests[0].method, "OPTIONS");
            assert.equal(origin.requests[0].headers["access-control-request-headers"], "content-type, x-amp-sdk");
            assert.equal(response.status, 200);
            assert.equal(response.headers.get("access-control-allow-origin"), "*");
            assert.equal(response.headers.get("access-control-allow-headers"), "Content-Type");
            assert.equal(response.headers.get("strict-transport-security"), null);
        });
    }

    it("adds no CORS headers to responses", async () => {
        const { worker } = get();
        const response = await worker.fetch("/v1/t", { method: "POST", body: "{}", headers: { origin: page } });
        assert.equal(response.headers.get("access-control-allow-origin"), null);
    });
});
