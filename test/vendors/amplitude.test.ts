import * as assert from "assert";
import { ConfigError, parseStackConfig, proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { sdkSnippet } from "../../components/model/sdk";
import { amplitude } from "../../components/vendors";
import { amplitudeChecks, evaluateHttpApi } from "../../components/verify/amplitude";
import { targetsFromOutputs } from "../../components/verify/targets";
import { CheckEnv, ProbeResponse } from "../../components/verify/types";
import { cloudFrontRequest } from "../helpers/cloudFrontEdge";
import { ofType, planConfig } from "../helpers/plan";
import { T } from "../cloudflare/fixtures";
import { useProxyWorker } from "../cloudflare/worker/proxyWorker";

const stack = (proxy: Record<string, unknown>) => ({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies: [proxy] });

/** The spec the program builds for one Amplitude proxy entry of the stack config. */
function specOf(proxy: Record<string, unknown>) {
    const { config } = parseStackConfig(stack(proxy));
    return buildProxySpec(proxyRequests(config, "dev")[0]);
}

/** `[path pattern, origin host]` of the proxy's one site, in order. */
function table(proxy: Record<string, unknown>): [string, string][] {
    const site = specOf(proxy).sites[0];
    return site.routes.map((r) => [r.pathPattern, site.origins.find((o) => o.id === r.originId)!.domain]);
}

function problems(proxy: Record<string, unknown>): string[] {
    try {
        parseStackConfig(stack(proxy));
    } catch (error) {
        if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`);
        throw error;
    }
    return [];
}

describe("Amplitude preset: Analytics and Session Replay", () => {
    const replayOnly = (config: string, track: string): [string, string][] => [
        ["/config*", config],
        ["*", track],
    ];

    it("without products serves Session Replay alone, route for route as before Analytics, and warns how to add Analytics", () => {
        assert.deepStrictEqual(table({ vendor: "amplitude", domain: "r.example.com", paths: "vendor" }), replayOnly("sr-client-cfg.amplitude.com", "api-sr.amplitude.com"));
        assert.deepStrictEqual(
            table({ vendor: "amplitude", domain: "r.example.com", paths: "vendor", products: ["sessionReplay"] }),
            replayOnly("sr-client-cfg.amplitude.com", "api-sr.amplitude.com"),
        );
        const { warnings } = parseStackConfig(stack({ vendor: "amplitude", domain: "r.example.com" }));
        assert.deepStrictEqual(warnings.length, 1);
        assert.match(warnings[0], /proxies\[0\]\.products: not set, so this proxy serves Amplitude Session Replay only .* set products: \[analytics, sessionReplay\]/);
        // A stack from before Analytics gets one warning for all its Amplitude proxies.
        const many = Array.from({ length: 7 }, (_, i) => ({ vendor: "amplitude", domain: `r${i}.example.com` }));
        const all = parseStackConfig({ ...stack(many[0]), proxies: many }).warnings;
        assert.deepStrictEqual(all.length, 1);
        assert.match(all[0], /^first-party-proxy:proxies\[0\]\.products, .*proxies\[4\]\.products and 2 more: not set, so these proxies serve/);
        assert.deepStrictEqual(parseStackConfig(stack({ vendor: "amplitude", domain: "r.example.com", products: ["sessionReplay"] })).warnings, []);
    });

    it("serves the HTTP V2 and Batch APIs of the region, the remote config and Session Replay on one hostname", () => {
        for (const [region, api, config, track] of [
            ["us", "api2.amplitude.com", "sr-client-cfg.amplitude.com", "api-sr.amplitude.com"],
            ["eu", "api.eu.amplitude.com", "sr-client-cfg.eu.amplitude.com", "api-sr.eu.amplitude.com"],
        ] as const) {
            assert.deepStrictEqual(table({ vendor: "amplitude", region, domain: "a.example.com", paths: "vendor", products: ["analytics", "sessionReplay"] }), [
                ["/2/httpapi*", api],
                ["/batch*", api],
                ["/config*", config],
                ["*", track],
            ]);
            // Order in the list does not matter; Analytics alone needs no replay host.
            assert.deepStrictEqual(
                table({ vendor: "amplitude", region, domain: "a.example.com", paths: "vendor", products: ["sessionReplay", "analytics"] }),
                table({ vendor: "amplitude", region, domain: "a.example.com", paths: "vendor", products: ["analytics", "sessionReplay"] }),
            );
            assert.deepStrictEqual(table({ vendor: "amplitude", region, domain: "a.example.com", paths: "vendor", products: ["analytics"] }), [
                ["/config*", config],
                ["*", api],
            ]);
        }
    });

    it("forwards every viewer header but Host, strips cookies, sends the client's address, never caches (Amplitude's proxy documents)", () => {
        const site = specOf({ vendor: "amplitude", domain: "a.example.com", products: ["analytics", "sessionReplay"] }).sites[0];
        for (const origin of site.origins) {
            assert.deepStrictEqual([origin.host, origin.cookies, origin.protocol, origin.forwardClientIp, origin.clientIp], ["origin", "strip", "https", true, "forward"], origin.id);
        }
        for (const route of site.routes.filter((r) => r.answer === undefined)) {
            assert.deepStrictEqual(route.cache, { mode: "disabled" }, route.pathPattern);
            assert.deepStrictEqual(route.forward, { mode: "allViewerExceptHostNoCookies" }, route.pathPattern);
            assert.strictEqual(route.methods, route.originId === "config" ? "read" : "all", route.pathPattern);
        }
    });

    it("refuses an empty, repeated or unknown product, naming what is allowed", () => {
        assert.deepStrictEqual(problems({ vendor: "amplitude", domain: "a.example.com", products: [] }), [
            "first-party-proxy:proxies[0].products: products needs at least one of analytics, sessionReplay (got 0 entries)",
        ]);
        assert.deepStrictEqual(problems({ vendor: "amplitude", domain: "a.example.com", products: ["analytics", "analytics"] }), [
            "first-party-proxy:proxies[0].products: products lists a product twice",
        ]);
        assert.deepStrictEqual(problems({ vendor: "amplitude", domain: "a.example.com", products: ["experiment"] }), [
            'first-party-proxy:proxies[0].products[0]: got "experiment"; allowed: analytics | sessionReplay',
        ]);
        assert.match(problems({ vendor: "mixpanel", domain: "m.example.com", products: ["analytics"] }).join("\n"), /products applies to amplitude proxies only/);
    });

    it("gives the Browser SDK's serverUrl, batch URL, remoteConfig.serverUrl and EU serverZone under the public prefix, and a snippet with all of them", () => {
        const spec = specOf({ vendor: "amplitude", region: "eu", domain: "a.example.com", pathPrefix: "/k7", products: ["analytics", "sessionReplay"] });
        assert.deepStrictEqual(spec.sdk, {
            vendor: "amplitude",
            serverUrl: "https://a.example.com/k7/2/httpapi",
            batchServerUrl: "https://a.example.com/k7/batch",
            remoteConfigServerUrl: "https://a.example.com/k7/config",
            serverZone: "EU",
            trackServerUrl: "https://a.example.com/k7/sessions/v2/track",
            configServerUrl: "https://a.example.com/k7/config",
            cspConnectSrc: "https://a.example.com",
        });
        const snippet = sdkSnippet(spec.sdk);
        assert.match(snippet, /amplitude\.init\("<API_KEY>", \{\n {2}serverUrl: "https:\/\/a\.example\.com\/k7\/2\/httpapi", \/\/ with useBatch: true, "https:\/\/a\.example\.com\/k7\/batch"\n/);
        assert.match(snippet, /remoteConfig: \{ serverUrl: "https:\/\/a\.example\.com\/k7\/config" \},\n {2}serverZone: "EU",/);
        assert.match(snippet, /enableDiagnostics: false/);
        assert.match(snippet, /sessionReplayPlugin\(\{\n {2}trackServerUrl: "https:\/\/a\.example\.com\/k7\/sessions\/v2\/track",\n {2}configServerUrl: "https:\/\/a\.example\.com\/k7\/config",/);
        assert.deepStrictEqual(
            spec.sites[0].routes.map((r) => [r.pathPattern, r.rewrite?.to ?? r.answer]),
            [
                ["/k7/2/httpapi*", "/2/httpapi"],
                ["/k7/batch*", "/batch"],
                ["/k7/config*", "/config"],
                ["/k7/*", "/"],
                ["*", "notFound"],
            ],
        );

        const analytics = specOf({ vendor: "amplitude", domain: "a.example.com", pathPrefix: "/k7", products: ["analytics"] }).sdk;
        assert.deepStrictEqual(Object.keys(analytics).sort(), ["batchServerUrl", "cspConnectSrc", "remoteConfigServerUrl", "serverUrl", "vendor"], "US: no serverZone, no replay URLs");
        assert.doesNotMatch(sdkSnippet(analytics), /sessionReplayPlugin|serverZone/);

        const replay = specOf({ vendor: "amplitude", domain: "r.example.com", pathPrefix: "/k7" }).sdk;
        assert.deepStrictEqual(Object.keys(replay).sort(), ["configServerUrl", "cspConnectSrc", "trackServerUrl", "vendor"]);
        assert.match(sdkSnippet(replay), /serves Session Replay only: amplitude\.init\(\) still sends events and remote config to Amplitude directly/);
    });

    it("cites the Session Replay, Analytics and remote config proxy documents", () => {
        assert.deepStrictEqual(
            [amplitude.source].flat().map((d) => d.url),
            [
                "https://amplitude.com/docs/session-replay/session-replay-self-hosting",
                "https://amplitude.com/docs/sdks/analytics/proxy-requests",
                "https://amplitude.com/docs/sdks/analytics/browser/browser-sdk-2#proxy-remote-config-requests",
            ],
        );
    });
});

describe("Amplitude Analytics on CloudFront (planned distribution, viewer-request function run in vm)", function () {
    this.timeout(60_000);

    it("sends each public path to the API, remote config and replay host with the vendor's path, and 404s the rest", async () => {
        const plan = await planConfig({
            provider: "aws",
            dns: { provider: "route53", zone: "example.com" },
            proxies: [{ vendor: "amplitude", region: "eu", domain: "a.example.com", pathPrefix: "/k7", products: ["analytics", "sessionReplay"] }],
        });
        const [distribution] = ofType(plan, T.distribution);
        const at = (path: string, query = "") => cloudFrontRequest(plan, distribution, path, query);
        assert.strictEqual(at("/k7/2/httpapi"), "api.eu.amplitude.com/2/httpapi");
        assert.strictEqual(at("/k7/batch"), "api.eu.amplitude.com/batch");
        assert.strictEqual(at("/k7/config/KEY", "?config_group=browser"), "sr-client-cfg.eu.amplitude.com/config/KEY?config_group=browser");
        assert.strictEqual(at("/k7/sessions/v2/track", "?device_id=1"), "api-sr.eu.amplitude.com/sessions/v2/track?device_id=1");
        assert.strictEqual(at("/2/httpapi"), "404");
        const behaviours = (distribution.inputs as any).orderedCacheBehaviors as { pathPattern: string; allowedMethods: string[]; originRequestPolicyId: string }[];
        const api = behaviours.find((b) => b.pathPattern === "/k7/2/httpapi*")!;
        assert.ok(api.allowedMethods.includes("POST"));
        // Every viewer header but Host, as Amplitude's proxy documents ask, and never the site's cookies: the stack's
        // shared custom policy, not the managed AllViewerExceptHostHeader (which forwards cookies).
        const [policy] = ofType(plan, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy");
        assert.strictEqual(api.originRequestPolicyId, policy.id);
        assert.deepStrictEqual((policy.inputs as any).headersConfig, { headerBehavior: "allExcept", headers: { items: ["Host"] } });
        assert.deepStrictEqual((policy.inputs as any).cookiesConfig, { cookieBehavior: "none" });
    });
});

describe("Amplitude Analytics through the Worker in workerd", () => {
    const site = specOf({ vendor: "amplitude", domain: "a.example.com", pathPrefix: "/k7", products: ["analytics", "sessionReplay"] }).sites[0];
    const get = useProxyWorker(site);

    it("posts events to api2.amplitude.com/2/httpapi with its Host, the body unchanged, the client's address, no cookies", async () => {
        const { origin, worker } = get();
        const body = JSON.stringify({ api_key: "KEY", events: [{ event_type: "x", device_id: "device-1" }] });
        const response = await worker.fetch("/k7/2/httpapi", {
            method: "POST",
            body,
            headers: { "content-type": "application/json", origin: "https://www.example.com", cookie: "session=secret", "cf-connecting-ip": "203.0.113.77" },
        });
        assert.strictEqual(response.status, 200);
        await response.arrayBuffer();
        const [seen] = origin.requests;
        assert.deepStrictEqual([seen.method, seen.host, seen.url], ["POST", "api2.amplitude.com", "/2/httpapi"]);
        assert.strictEqual(seen.bodyBytes, Buffer.byteLength(body));
        assert.strictEqual(seen.headers["content-type"], "application/json");
        assert.strictEqual(seen.headers.origin, "https://www.example.com");
        assert.strictEqual(seen.headers["x-forwarded-for"], "203.0.113.77");
        assert.strictEqual(seen.headers.cookie, undefined);
    });

    it("sends batches, remote config and replay uploads to their hosts, and answers 404 outside the prefix itself", async () => {
        const { origin, worker } = get();
        for (const [path, method, host, upstream] of [
            ["/k7/batch", "POST", "api2.amplitude.com", "/batch"],
            ["/k7/config/KEY?config_group=browser", "GET", "sr-client-cfg.amplitude.com", "/config/KEY?config_group=browser"],
            ["/k7/sessions/v2/track?device_id=1", "POST", "api-sr.amplitude.com", "/sessions/v2/track?device_id=1"],
        ] as const) {
            origin.reset();
            const response = await worker.fetch(path, { method, ...(method === "POST" ? { body: "{}" } : {}) });
            await response.arrayBuffer();
            assert.strictEqual(response.status, 200, path);
            assert.deepStrictEqual([origin.requests[0].host, origin.requests[0].url], [host, upstream], path);
        }
        origin.reset();
        const outside = await worker.fetch("/2/httpapi", { method: "POST", body: "{}" });
        await outside.arrayBuffer();
        assert.strictEqual(outside.status, 404);
        assert.strictEqual(origin.requests.length, 0);
    });
});

describe("verify: Amplitude Analytics", () => {
    const answer = (status: number, headers: Record<string, string>, body = ""): ProbeResponse => ({
        request: { method: "POST", url: "https://a.example.com/k7/2/httpapi" },
        status,
        headers,
        body,
    });

    it("probes the paths the outputs name, under their prefix, for the products the proxy serves", () => {
        const spec = specOf({ vendor: "amplitude", domain: "a.example.com", pathPrefix: "/k7", products: ["analytics", "sessionReplay"] });
        const { targets } = targetsFromOutputs({ proxies: { amp: { vendor: "amplitude", region: "us", cdn: "cloudfront", sdk: spec.sdk } } });
        assert.deepStrictEqual(targets, [{ name: "amp", vendor: "amplitude", region: "us", cdn: "cloudfront", host: "a.example.com", base: "/k7", analytics: true, sessionReplay: true }]);
        const requests = amplitudeChecks(targets[0] as Extract<(typeof targets)[0], { vendor: "amplitude" }>, { origin: "https://www.example.com", sendTestEvent: true, apiKey: "KEY" }).flatMap((c) =>
            c.requests.map((r) => `${r.method} ${r.url}`),
        );
        assert.deepStrictEqual(requests, [
            "GET http://a.example.com/k7/config",
            "GET https://a.example.com/k7/config?api_key=KEY",
            "OPTIONS https://a.example.com/k7/sessions/v2/track",
            "GET https://a.example.com/k7/config/KEY?config_group=browser",
            "OPTIONS https://a.example.com/k7/2/httpapi",
            "POST https://a.example.com/k7/sessions/v2/track",
            "POST https://a.example.com/k7/2/httpapi",
        ]);

        // Outputs of a Session Replay proxy (also those from before Analytics): no Analytics probes.
        const replay = targetsFromOutputs({ proxies: { r: { vendor: "amplitude", sdk: { trackServerUrl: "https://r.example.com/sessions/v2/track", configServerUrl: "https://r.example.com/config" } } } });
        assert.deepStrictEqual(replay.targets[0], { name: "r", vendor: "amplitude", region: "us", cdn: "unknown", host: "r.example.com", base: "", analytics: false, sessionReplay: true });
    });

    it("wants Amplitude's JSON answer from /2/httpapi: accepted for a real key, an answer at all for a placeholder", () => {
        const env: CheckEnv = { target: { name: "a", vendor: "amplitude", region: "us", cdn: "cloudfront", host: "a.example.com", base: "/k7", analytics: true, sessionReplay: false }, cdn: "cloudfront", responsesFrom: () => [] };
        const json = { "content-type": "application/json" };
        assert.ok(evaluateHttpApi(answer(200, json, '{"code":200,"events_ingested":1}'), env, true).ok);
        assert.ok(!evaluateHttpApi(answer(400, json, '{"code":400,"error":"Invalid API key"}'), env, true).ok);
        assert.ok(evaluateHttpApi(answer(400, json, '{"code":400,"error":"Invalid API key"}'), env, false).ok);
        const notFound = evaluateHttpApi(answer(404, { "content-type": "text/html" }, "<html>"), env, false);
        assert.ok(!notFound.ok && /api2\.amplitude\.com/.test(notFound.fix) && /products: \[analytics\]/.test(notFound.fix));
    });
});
