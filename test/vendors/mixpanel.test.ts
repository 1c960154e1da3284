import * as assert from "assert";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { sdkSnippet } from "../../components/model/sdk";
import { methodsOf } from "../../components/model/types";
import { mixpanel } from "../../components/vendors";
import { evaluateDecide, evaluateLibrary, evaluateTrack, mixpanelChecks } from "../../components/verify/mixpanel";
import { targetsFromOutputs } from "../../components/verify/targets";
import { CheckEnv, ProbeResponse } from "../../components/verify/types";

/** The spec the program builds for one Mixpanel proxy entry of the stack config. */
function specOf(proxy: Record<string, unknown>) {
    const { config } = parseStackConfig({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies: [proxy] });
    return buildProxySpec(proxyRequests(config, "dev")[0]);
}

describe("Mixpanel preset (its tracking-proxy)", () => {
    it("serves the library from cdn.mxpnl.com and everything else from the ingestion API of the region, with their own Host", () => {
        for (const [region, api] of [
            ["us", "api-js.mixpanel.com"],
            ["eu", "api-eu.mixpanel.com"],
        ] as const) {
            const site = specOf({ vendor: "mixpanel", region, domain: "m.example.com", paths: "vendor" }).sites[0];
            assert.deepStrictEqual(
                site.routes.map((r) => [r.pathPattern, site.origins.find((o) => o.id === r.originId)!.domain]),
                [
                    ["/libs/*", "cdn.mxpnl.com"],
                    ["*", api],
                ],
            );
            for (const origin of site.origins) {
                assert.strictEqual(origin.host, "origin", `${origin.domain} gets its own Host`);
                assert.strictEqual(origin.cookies, "strip", `${origin.domain} gets no cookies`);
                assert.strictEqual(origin.protocol, "https");
            }
            // Mixpanel geolocates the client address (the SDK sends ip=1); the library's CDN does not need it.
            assert.deepStrictEqual(
                site.origins.map((o) => [o.id, o.forwardClientIp]),
                [
                    ["cdn", false],
                    ["api", true],
                ],
            );
        }
    });

    it("never caches the API, passes its query and Origin, and takes only reads on the library", () => {
        const [libs, api] = specOf({ vendor: "mixpanel", domain: "m.example.com", paths: "vendor" }).sites[0].routes;
        assert.deepStrictEqual(libs.cache, { mode: "optimized" });
        assert.deepStrictEqual(methodsOf[libs.methods], ["GET", "HEAD", "OPTIONS"]);
        assert.deepStrictEqual(api.cache, { mode: "disabled" });
        assert.deepStrictEqual(api.forward, { mode: "custom", headers: ["Origin"], queryStrings: "all" });
        assert.deepStrictEqual(api.cors, { mode: "origin" }, "the API answers CORS itself");
        assert.strictEqual(api.methods, "all");
    });

    it("refuses a region Mixpanel's browser SDK has no ingestion host for in the model", () => {
        assert.throws(() => specOf({ vendor: "mixpanel", region: "in", domain: "m.example.com" }), /proxies\[0\]\.region: got "in"; allowed: us \| eu/);
    });

    it("gives the library URL and api_host under the public prefix, and a snippet that uses both", () => {
        const spec = specOf({ vendor: "mixpanel", domain: "m.example.com", pathPrefix: "/k7" });
        assert.deepStrictEqual(spec.sdk, { vendor: "mixpanel", libUrl: "https://m.example.com/k7/libs/mixpanel-2-latest.min.js", api_host: "https://m.example.com/k7" });
        const snippet = sdkSnippet(spec.sdk);
        assert.match(snippet, /var MIXPANEL_CUSTOM_LIB_URL = "https:\/\/m\.example\.com\/k7\/libs\/mixpanel-2-latest\.min\.js";/);
        assert.match(snippet, /mixpanel\.init\("<YOUR_PROJECT_TOKEN>", \{ api_host: "https:\/\/m\.example\.com\/k7" \}\)/);
        // Outside the prefix the edge answers itself.
        const routes = spec.sites[0].routes;
        assert.deepStrictEqual(routes[routes.length - 1].answer, "notFound");
        assert.deepStrictEqual(routes.slice(0, -1).map((r) => [r.pathPattern, r.rewrite]), [
            ["/k7/libs/*", { from: "/k7/libs/", to: "/libs/" }],
            ["/k7/*", { from: "/k7/", to: "/" }],
        ]);
    });

    it("cites its document and renames nothing (uBO's default lists match Mixpanel's hosts, not its paths)", () => {
        assert.strictEqual(mixpanel.source.url, "https://github.com/mixpanel/tracking-proxy");
        assert.strictEqual((mixpanel as { publicRenames?: unknown }).publicRenames, undefined);
    });
});

describe("verify: Mixpanel", () => {
    const target = { name: "mixpanel", vendor: "mixpanel", region: "us", cdn: "cloudfront", host: "m.example.com", base: "/k7" } as const;
    const env: CheckEnv = { target, cdn: "cloudfront", responsesFrom: () => [] };
    const options = { origin: "https://www.example.com", sendTestEvent: true, token: "tok" };
    const answer = (status: number, headers: Record<string, string>, body = ""): ProbeResponse => ({
        request: { method: "GET", url: "https://m.example.com/k7/x" },
        status,
        headers,
        body,
    });

    it("probes the public paths the outputs name: the library, /decide, a /track/ preflight, the test event", () => {
        const { targets } = targetsFromOutputs({
            proxies: { mixpanel: { vendor: "mixpanel", region: "eu", cdn: "cloudfront", sdk: { libUrl: "https://m.example.com/k7/libs/mixpanel-2-latest.min.js", api_host: "https://m.example.com/k7" } } },
        });
        assert.deepStrictEqual(targets, [{ name: "mixpanel", vendor: "mixpanel", region: "eu", cdn: "cloudfront", host: "m.example.com", base: "/k7" }]);
        const requests = mixpanelChecks(target, options).flatMap((c) => c.requests.map((r) => `${r.method} ${r.url}`));
        assert.deepStrictEqual(requests, [
            "GET http://m.example.com/k7/libs/mixpanel-2-latest.min.js",
            "GET https://m.example.com/k7/libs/mixpanel-2-latest.min.js",
            "GET https://m.example.com/k7/decide?verbose=1&version=1&lib=web&token=tok",
            "OPTIONS https://m.example.com/k7/track/",
            "POST https://m.example.com/k7/track/?verbose=1&ip=1",
        ]);
    });

    it("wants JavaScript from the CDN, JSON with CORS from /decide, and an accepted event for a real token", () => {
        assert.ok(evaluateLibrary(answer(200, { "content-type": "application/javascript" }), env).ok);
        const html = evaluateLibrary(answer(200, { "content-type": "text/html" }, "<html>"), env);
        assert.ok(!html.ok && /cdn\.mxpnl\.com/.test(html.fix));
        assert.ok(evaluateDecide(answer(200, { "content-type": "application/json", "access-control-allow-origin": "*" }, '{"config":{}}'), env).ok);
        const noCors = evaluateDecide(answer(200, { "content-type": "application/json" }, '{"config":{}}'), env);
        assert.ok(!noCors.ok && /CORS|Origin/.test(noCors.fix));
        assert.ok(!evaluateDecide(answer(404, { "x-amz-cf-id": "x" }, "nope"), env).ok);
        assert.ok(evaluateTrack(answer(200, { "content-type": "application/json" }, '{"status":1,"error":null}'), env, true).ok);
        assert.ok(!evaluateTrack(answer(200, { "content-type": "application/json" }, '{"status":0,"error":"token"}'), env, true).ok);
        assert.ok(evaluateTrack(answer(200, { "content-type": "application/json" }, '{"status":0,"error":"token"}'), env, false).ok);
    });
});
