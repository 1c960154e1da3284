import * as assert from "assert";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { workerSettings } from "../../components/cloudflare/worker/settings";
import { routeOrderProblems } from "../../components/model/customVendor";
import { rewritePath } from "../../components/model/pathRewrite";
import { selectRouteIndex } from "../../components/model/pathPattern";
import { buildProxySpec } from "../../components/model/proxySpec";
import { sdkSnippet } from "../../components/model/sdk";
import { Site } from "../../components/model/types";
import { ProxyOutputs } from "../../components/outputs";
import { customChecks, evaluateReached } from "../../components/verify/custom";
import { targetsFromOutputs } from "../../components/verify/targets";
import { CheckEnv, ProbeResponse } from "../../components/verify/types";
import { policies } from "../../policy/policies";
import { useProxyWorker } from "../cloudflare/worker/proxyWorker";
import { cloudFrontRequest } from "../helpers/cloudFrontEdge";
import { awsStack, cloudflareStack, configProblems, customHeap } from "../helpers/config";
import { flattenConfig, ofType, planConfig } from "../helpers/plan";
import { planForPolicies, runPolicies } from "../policy/harness";

// Named, so its resources are named heap-*.
const heap = { ...customHeap, name: "heap" };

function specOf(proxy: Record<string, unknown>, stack = "dev") {
    const { config } = parseStackConfig(awsStack([proxy]));
    return buildProxySpec(proxyRequests(config, stack)[0]);
}

/** Where `path` goes on `site`: the origin and the path it sees, or 404 from the edge. */
function upstream(site: Site, path: string): string {
    const route = site.routes[selectRouteIndex(site.routes.map((r) => r.pathPattern), path)];
    if (route.answer === "notFound") return "404";
    return `${site.origins.find((o) => o.id === route.originId)!.domain}${rewritePath(route.rewrite, path)}`;
}

/** The one problem of a config with `proxy` changed, at its key. */
const problemsOf = (proxy: Record<string, unknown>) => configProblems(awsStack([proxy]));

describe("custom vendor: config guardrails", () => {
    it("accepts the example, every option named", () => {
        assert.deepStrictEqual(problemsOf(heap), []);
        assert.deepStrictEqual(configProblems(cloudflareStack([heap])), []);
    });

    it("takes HTTPS hostnames only: no URL, port, wildcard or IP literal", () => {
        const origin = (host: string) => problemsOf({ ...heap, origins: { ...heap.origins, api: host } }).join("\n");
        assert.match(origin("https://heapanalytics.com"), /proxies\[0\]\.origins\.api: origin is a URL; give the bare hostname \(heapanalytics\.com\); origins are public hostnames, reached over HTTPS/);
        assert.match(origin("heapanalytics.com:8443"), /origins\.api: origin has a port or colon/);
        assert.match(origin("*.heapanalytics.com"), /origins\.api: origin is a wildcard/);
        assert.match(origin("203.0.113.7"), /origins\.api: origin is an IP address, not a hostname/);
        assert.match(origin("2001:db8::1"), /origins\.api: origin has a port or colon/);
    });

    it("refuses loopback, private and link-local names, and names that spell an address", () => {
        const origin = (host: string) => problemsOf({ ...heap, origins: { ...heap.origins, api: host } }).join("\n");
        assert.match(origin("api.localhost"), /origins\.api: origin is a loopback name \(\.localhost\)/);
        assert.match(origin("printer.local"), /origins\.api: origin is a private or link-local name \(\.local\)/);
        assert.match(origin("metadata.google.internal"), /origins\.api: origin is a private or link-local name \(\.internal\)/);
        assert.match(origin("nas.home.arpa"), /\(\.home\.arpa\)/);
        assert.match(origin("127.0.0.1.nip.io"), /origins\.api: origin uses nip\.io, which resolves to whatever address the name spells/);
        assert.match(origin("ec2-10-0-0-1.compute.example.com"), /origins\.api: origin embeds an IP address/);
        assert.match(origin("h.example.com"), /origins\.api: origin h\.example\.com is the proxy's own hostname/);
    });

    it("checks route order: a route an earlier one shadows is an error, the catch-all * is required and last", () => {
        const routes = (paths: string[]) => paths.map((path) => ({ path, origin: "api" }));
        const withRoutes = (paths: string[]) => problemsOf({ ...heap, origins: { api: "heapanalytics.com" }, routes: routes(paths) }).join("\n");
        assert.match(withRoutes(["/v1*", "/v1/track*", "*"]), /proxies\[0\]\.routes\[1\]\.path: route \/v1\/track\* is never reached: routes\[0\] \(\/v1\*\) comes first and matches every path it does; put the more specific route first/);
        assert.match(withRoutes(["*", "/v1*"]), /routes\[1\]\.path: route \/v1\* is never reached: the catch-all \* of routes\[0\] comes first; the catch-all must be the last route/);
        assert.match(withRoutes(["/v1*"]), /routes\[0\]\.path: the last route must be the catch-all \*/);
        assert.match(withRoutes(["/v1/*", "/v1/*", "*"]), /routes\[1\]\.path: route \/v1\/\* is never reached/);
        assert.deepStrictEqual(withRoutes(["/v1/track*", "/v1*", "*"]), "");
        assert.deepStrictEqual(routeOrderProblems(["/a*", "/b*", "*"]), []);
    });

    it("checks each route's pattern, origin and options, and each origin's use", () => {
        const route = (r: Record<string, unknown>) => problemsOf({ ...heap, routes: [r, { path: "*", origin: "api" }], origins: { api: "heapanalytics.com", cdn: "cdn.heapanalytics.com" } }).join("\n");
        assert.match(route({ path: "/js/", origin: "cdn" }), /routes\[0\]\.path: path must be \* or a path starting with \/ and ending with \*/);
        assert.match(route({ path: "/j?s*", origin: "cdn" }), /routes\[0\]\.path: path must be/);
        assert.match(route({ path: "/js/*", origin: "cdnx" }), /routes\[0\]\.origin: origin "cdnx" is not among origins \(api, cdn\)/);
        assert.match(route({ path: "/js/*", origin: "cdn", cache: "forever" }), /routes\[0\]\.cache: got "forever"; allowed: disabled \| origin/);
        assert.match(route({ path: "/js/*", origin: "cdn", cookies: "some" }), /routes\[0\]\.cookies: got "some"; allowed: strip \| forward/);
        assert.match(route({ path: "/js/*", origin: "cdn", ttl: 60 }), /routes\[0\]\.ttl: unknown key/);
        assert.match(problemsOf({ ...heap, origins: { ...heap.origins, spare: "cdn2.heapanalytics.com" } }).join("\n"), /origins\.spare: origin spare is not used by any route/);
        assert.match(problemsOf({ ...heap, origins: { API: "heapanalytics.com" } }).join("\n"), /origin ids are 1-16 lower-case letters and digits/);
        assert.match(problemsOf({ ...heap, routes: [] }).join("\n"), /routes: routes needs at least the catch-all route/);
    });
});

describe("custom vendor: the model (vendor and public layouts)", () => {
    it("builds the config's routes in order, each to its origin with that origin's Host; cookies and the address per route", () => {
        const site = specOf({ ...heap, paths: "vendor" }).sites[0];
        assert.deepStrictEqual(
            site.routes.map((r) => [r.pathPattern, r.originId, r.methods, r.cache.mode, r.forward.mode, r.cors.mode]),
            [
                ["/js/*", "cdn", "read", "keyed", "custom", "origin"],
                ["/h/session*", "api", "all", "disabled", "allViewerExceptHost", "edgePreflight"],
                ["*", "api-2", "all", "disabled", "custom", "origin"],
            ],
        );
        // The API serves two routes with different cookie handling: two model origins of one hostname.
        assert.deepStrictEqual(
            site.origins.map((o) => [o.id, o.domain, o.host, o.cookies, o.forwardClientIp, o.clientIp]),
            [
                ["cdn", "cdn.heapanalytics.com", "origin", "strip", false, "drop"],
                ["api", "heapanalytics.com", "origin", "forward", true, "forward"],
                ["api-2", "heapanalytics.com", "origin", "strip", true, "forward"],
            ],
        );
        assert.strictEqual(upstream(site, "/js/heap-1.js"), "cdn.heapanalytics.com/js/heap-1.js");
        assert.strictEqual(upstream(site, "/h/sessions"), "heapanalytics.com/h/sessions");
        assert.strictEqual(upstream(site, "/api/track"), "heapanalytics.com/api/track");
    });

    it("serves the routes under the proxy's prefix in the default public layout, 404 outside it, and says where each goes", () => {
        const spec = specOf({ ...heap, pathPrefix: "/k7" });
        const site = spec.sites[0];
        assert.strictEqual(upstream(site, "/k7/js/heap-1.js"), "cdn.heapanalytics.com/js/heap-1.js");
        assert.strictEqual(upstream(site, "/k7/h/session"), "heapanalytics.com/h/session");
        assert.strictEqual(upstream(site, "/k7/api/track?x=1".split("?")[0]), "heapanalytics.com/api/track");
        assert.strictEqual(upstream(site, "/js/heap-1.js"), "404");
        assert.deepStrictEqual(spec.sdk, { vendor: "custom", baseUrl: "https://h.example.com/k7" });
        assert.match(sdkSnippet(spec.sdk), /under https:\/\/h\.example\.com\/k7/);
        assert.deepStrictEqual(spec.notes.filter((n) => n.startsWith("Routes")), [
            "Routes, in order: /k7/js/* → https://cdn.heapanalytics.com/js/…; /k7/h/session* → https://heapanalytics.com/h/session…; /k7/* → https://heapanalytics.com/….",
        ]);
        const derived = specOf(heap, "prod");
        assert.match(derived.paths.prefix!, /^\/[a-z][a-z0-9]{5}$/);
    });
});

describe("custom vendor on CloudFront (plan)", function () {
    this.timeout(30_000);

    it("one behaviour per route in order, cookies only where a route forwards them, the origin's cache where asked", async () => {
        const plan = await planConfig(awsStack([{ ...heap, paths: "vendor" }]));
        const [distribution] = ofType(plan, "aws:cloudfront/distribution:Distribution");
        const i = distribution.inputs as any;
        assert.deepStrictEqual(
            i.origins.map((o: any) => [o.originId, o.domainName, o.customOriginConfig.originProtocolPolicy]),
            [["cdn", "cdn.heapanalytics.com", "https-only"], ["api", "heapanalytics.com", "https-only"], ["api-2", "heapanalytics.com", "https-only"]],
        );
        const behaviours = [...i.orderedCacheBehaviors, { ...i.defaultCacheBehavior, pathPattern: "*" }];
        assert.deepStrictEqual(behaviours.map((b: any) => [b.pathPattern, b.targetOriginId, b.allowedMethods.length]), [["/js/*", "cdn", 3], ["/h/session*", "api", 7], ["*", "api-2", 7]]);
        // Cookies reach only /h/session* (managed AllViewerExceptHostHeader); the catch-all's policy names no cookie.
        assert.strictEqual(behaviours[1].originRequestPolicyId, "b689b0a8-53d0-40ab-baf2-68738e2966ac");
        const policyOf = (id: string) => plan.resources.find((r) => r.id === id)!.inputs as any;
        assert.strictEqual(policyOf(behaviours[2].originRequestPolicyId).cookiesConfig.cookieBehavior, "none");
        assert.strictEqual(behaviours[2].cachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
        assert.strictEqual(policyOf(behaviours[0].cachePolicyId).parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.queryStringBehavior, "all");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/js/heap-1.js", "?v=2"), "cdn.heapanalytics.com/js/heap-1.js?v=2");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/api/track", ""), "heapanalytics.com/api/track");
    });

    it("in the public layout, every behaviour runs the rewrite function and the prefix is stripped on the way", async () => {
        const plan = await planConfig(awsStack([{ ...heap, pathPrefix: "/k7" }]));
        const [distribution] = ofType(plan, "aws:cloudfront/distribution:Distribution");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/k7/js/heap-1.js", ""), "cdn.heapanalytics.com/js/heap-1.js");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/k7/h/session", "?a=1"), "heapanalytics.com/h/session?a=1");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/js/heap-1.js", ""), "404");
    });
});

describe("custom vendor on Cloudflare (plan)", function () {
    this.timeout(30_000);

    it("a Worker whose SETTINGS hold the config's origins and routes, marked as a custom vendor's", async () => {
        const plan = await planConfig(cloudflareStack([{ ...heap, paths: "vendor" }]));
        const [script] = ofType(plan, "cloudflare:index/workersScript:WorkersScript");
        const settings = JSON.parse((script.inputs as any).bindings[0].json);
        assert.strictEqual(settings.customVendor, true);
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(settings.origins).map(([id, o]: [string, any]) => [id, [o.baseUrl, o.stripCookies, o.forwardClientIp]])),
            { cdn: ["https://cdn.heapanalytics.com", true, false], api: ["https://heapanalytics.com", false, true], "api-2": ["https://heapanalytics.com", true, true] },
        );
        assert.deepStrictEqual(settings.routes.map((r: any) => [r.pathPattern, r.originId, r.cache, r.cors]), [["/js/*", "cdn", "origin", "origin"], ["/h/session*", "api", "disabled", "edgePreflight"], ["*", "api-2", "disabled", "origin"]]);
        const outputs = Object.values(plan.outputs.proxies as Record<string, ProxyOutputs>)[0];
        assert.strictEqual(outputs.vendor, "custom");
        assert.strictEqual(outputs.cdn, "cloudflare-worker");
        // Presets' Workers carry no such mark: their origins are checked against the vendors' documented hosts.
        assert.strictEqual(workerSettings(specOf({ vendor: "posthog", domain: "e.example.com" }).sites[0]).customVendor, undefined);
    });
});

describe("custom vendor: the Worker in workerd, against a recording origin", function () {
    this.timeout(30_000);
    const site = specOf({ ...heap, pathPrefix: "/k7" }).sites[0];
    const proxy = useProxyWorker(site);

    it("routes and rewrites each path to its origin with that origin's Host; cookies and the address only where the route says", async () => {
        const { worker, origin } = proxy();
        const send = async (path: string) => {
            const response = await worker.fetch(path, { headers: { cookie: "session=secret", "cf-connecting-ip": "203.0.113.7" } });
            await response.text();
            return response.status;
        };
        assert.strictEqual(await send("/k7/js/heap-1.js?v=2"), 200);
        assert.strictEqual(await send("/k7/h/session"), 200);
        assert.strictEqual(await send("/k7/api/track"), 200);
        assert.strictEqual(await send("/js/heap-1.js"), 404);
        assert.deepStrictEqual(
            origin.requests.map((r) => [r.host, r.url, r.headers.cookie, r.headers["x-forwarded-for"]]),
            [
                ["cdn.heapanalytics.com", "/js/heap-1.js?v=2", undefined, undefined],
                ["heapanalytics.com", "/h/session", "session=secret", "203.0.113.7"],
                ["heapanalytics.com", "/api/track", undefined, "203.0.113.7"],
            ],
        );
    });

    it("refuses methods a read route does not take, and answers edge-CORS preflights itself", async () => {
        const { worker, origin } = proxy();
        const post = await worker.fetch("/k7/js/heap-1.js", { method: "POST", body: "x" });
        assert.strictEqual(post.status, 405);
        await post.text();
        const preflight = await worker.fetch("/k7/h/session", { method: "OPTIONS", headers: { origin: "https://www.example.com", "access-control-request-method": "POST" } });
        assert.strictEqual(preflight.status, 204);
        assert.strictEqual(preflight.headers.get("access-control-allow-origin"), "https://www.example.com");
        assert.strictEqual(origin.requests.length, 0);
    });
});

describe("custom vendor: policy pack", function () {
    this.timeout(60_000);
    const stack = (provider: "aws" | "cloudflare") => flattenConfig(provider === "aws" ? awsStack([heap]) : cloudflareStack([heap]));

    it("passes on CloudFront and on Workers", async () => {
        for (const provider of ["aws", "cloudflare"] as const) {
            assert.deepStrictEqual(await runPolicies(policies, await planForPolicies(stack(provider))), [], provider);
        }
    });

    it("a custom vendor's Worker that could fetch a private or IP origin is reported", async () => {
        const plan = await planForPolicies(stack("cloudflare"));
        const script = plan.resources.find((r) => r.type === "cloudflare:index/workersScript:WorkersScript")!;
        const binding = (script.inputs as any).bindings[0];
        const settings = JSON.parse(binding.json);
        settings.origins.api.baseUrl = "https://metadata.google.internal";
        settings.origins.cdn.baseUrl = "https://10.0.0.1";
        binding.json = JSON.stringify(settings);
        const messages = (await runPolicies(policies, plan)).filter((v) => v.policy === "cloudflare-worker-not-open-proxy").map((v) => v.message);
        assert.strictEqual(messages.length, 2, messages.join("\n"));
        assert.match(messages.join("\n"), /origin api is "https:\/\/metadata\.google\.internal": a private, loopback or link-local name \(\.internal\)/);
        assert.match(messages.join("\n"), /origin cdn is "https:\/\/10\.0\.0\.1": an IP address/);
    });
});

describe("verify: custom vendor", () => {
    const target = { name: "heap", vendor: "custom", region: "us", cdn: "cloudflare", host: "h.example.com", base: "/k7" } as const;
    const env: CheckEnv = { target, cdn: "cloudflare", responsesFrom: () => [] };
    const answer = (status: number, headers: Record<string, string>, body = ""): ProbeResponse => ({ request: { method: "GET", url: "https://h.example.com/k7/" }, status, headers, body });

    it("reads the base from the outputs and asks for the HTTPS redirect and an answer of the origin", () => {
        const { targets } = targetsFromOutputs({ proxies: { heap: { vendor: "custom", cdn: "cloudflare-worker", sdk: { baseUrl: "https://h.example.com/k7" } } } });
        assert.deepStrictEqual(targets, [target]);
        assert.deepStrictEqual(customChecks(target).map((c) => c.requests[0].url), ["http://h.example.com/k7/", "https://h.example.com/k7/"]);
    });

    it("passes the origin's own answers, fails the edge's 404 and refusals", () => {
        assert.ok(evaluateReached(answer(404, { "content-type": "application/json", "x-heap": "1" }, "{}"), env).ok);
        // CloudFront's 404 function outside the prefix, and the Worker's own 404.
        const edge = evaluateReached(answer(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-amz-cf-id": "1" }), { ...env, cdn: "cloudfront" });
        assert.ok(!edge.ok);
        assert.match(edge.fix, /Each route of the config must be a behaviour of the distribution/);
        assert.ok(!evaluateReached(answer(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }, "Not found\n"), env).ok);
        assert.ok(!evaluateReached(answer(403, { "content-type": "text/html", "x-heap": "1" }, "<html>"), env).ok);
    });
});
