import * as assert from "assert";
import { ConfigError, parseStackConfig, proxyRequests } from "../../components/config/load";
import { ddforwardTarget } from "../../components/model/pathRewrite";
import { buildProxySpec } from "../../components/model/proxySpec";
import { sdkSnippet } from "../../components/model/sdk";
import { ProxySpec } from "../../components/model/types";
import { Plan } from "../../components/plan/mockPlan";
import { datadog, datadogIntakeHosts, datadogSites, ddforward } from "../../components/vendors/datadog";
import { datadogChecks, evaluateRefused } from "../../components/verify/datadog";
import { targetsFromOutputs } from "../../components/verify/targets";
import { CheckEnv, ProbeResponse } from "../../components/verify/types";
import { patternRegex, runFunction, viewerRequestEvent } from "../helpers/cloudFrontEdge";
import { ofType, planConfig } from "../helpers/plan";
import { T } from "../cloudflare/fixtures";
import { useProxyWorker } from "../cloudflare/worker/proxyWorker";

// The SDK's own URL builder (@datadog/browser-rum 7.16.2 builds its intake URLs with it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkTransport: { createEndpointBuilder(config: object, track: string): { build(api: string, payload: object): string } } = require("@datadog/js-core/transport");

const aws = (proxies: unknown[]) => ({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies });

function specOf(proxy: Record<string, unknown>): ProxySpec {
    const { config } = parseStackConfig(aws([proxy]));
    return buildProxySpec(proxyRequests(config, "dev")[0]);
}

function problems(config: Record<string, unknown>): string[] {
    try {
        parseStackConfig(config);
    } catch (error) {
        if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`);
        throw error;
    }
    return [];
}

/**
 * The URL the real SDK builds for `track` through `proxy`, and the intake URL it would use without the proxy with
 * the same request id and time (each build draws its own): what the proxy must send upstream.
 */
function sdkUrls(site: string, proxy: string, track: string, payload: object = {}): { proxied: string; direct: string } {
    const config = { site, clientToken: "pub0123456789abcdef0123456789abcdef" };
    const proxied = sdkTransport.createEndpointBuilder({ ...config, proxy }, track).build("fetch", payload);
    const built = new URL(sdkTransport.createEndpointBuilder(config, track).build("fetch", payload));
    const named = new URLSearchParams(new URL(`https://x${new URL(proxied).searchParams.get("ddforward")}`).search);
    for (const random of ["dd-request-id", "batch_time"]) if (built.searchParams.has(random)) built.searchParams.set(random, named.get(random)!);
    return { proxied, direct: built.href };
}

/** Requests the edge must refuse, whatever the CDN: [what, query as sent, method, status]. */
const refused: [string, string, string, number][] = [
    ["no ddforward", "", "POST", 400],
    ["another host, with scheme", `ddforward=${encodeURIComponent("https://evil.example/api/v2/rum?x=1")}`, "POST", 400],
    ["another host, scheme-relative", `ddforward=${encodeURIComponent("//evil.example/api/v2/rum")}`, "POST", 400],
    ["a host in the path", `ddforward=${encodeURIComponent("/api/v2/rum@evil.example/x")}`, "POST", 400],
    ["backslash", `ddforward=${encodeURIComponent("/api/v2/rum\\..\\x")}`, "POST", 400],
    ["dot segments", `ddforward=${encodeURIComponent("/api/v2/rum/../../v1/validate")}`, "POST", 400],
    ["double slash", `ddforward=${encodeURIComponent("/api/v2//rum")}`, "POST", 400],
    ["a path the intake does not have", `ddforward=${encodeURIComponent("/api/v1/validate")}`, "POST", 400],
    ["a query with a URL in it", `ddforward=${encodeURIComponent("/api/v2/rum?next=https://evil.example/")}`, "POST", 400],
    ["double-encoded", `ddforward=${encodeURIComponent(encodeURIComponent("/api/v2/rum"))}`, "POST", 400],
    ["ddforwardSubdomain", `ddforward=${encodeURIComponent("/api/v2/profiling/quota?session_id=1")}&ddforwardSubdomain=quota`, "POST", 400],
    ["a second parameter", `ddforward=${encodeURIComponent("/api/v2/rum")}&x=1`, "POST", 400],
    ["ddforward twice", `ddforward=${encodeURIComponent("/api/v2/rum")}&ddforward=${encodeURIComponent("/api/v2/logs")}`, "POST", 400],
    ["bad percent-encoding", "ddforward=%E0%A4%A", "POST", 400],
    ["GET", `ddforward=${encodeURIComponent("/api/v2/rum?ddsource=browser")}`, "GET", 405],
];

describe("Datadog RUM preset (Proxy Your Browser RUM Data)", () => {
    it("forwards to the intake host of the configured site, never another, with the client's address and no cookies", () => {
        for (const site of datadogSites) {
            const spec = specOf({ vendor: "datadog", site, domain: "d.example.com", paths: "vendor" });
            const [main] = spec.sites;
            assert.deepStrictEqual(main.origins.map((o) => [o.domain, o.host, o.cookies, o.forwardClientIp, o.clientIp]), [[datadogIntakeHosts[site], "origin", "strip", true, "forward"]]);
            assert.deepStrictEqual(main.routes.map((r) => [r.pathPattern, r.queryTarget?.kind, r.cache.mode]), [["*", "ddforward", "disabled"]]);
            assert.deepStrictEqual(spec.sdk, { vendor: "datadog", proxy: "https://d.example.com/", site });
        }
        assert.deepStrictEqual(
            Object.values(datadogIntakeHosts),
            ["browser-intake-datadoghq.com", "browser-intake-us3-datadoghq.com", "browser-intake-us5-datadoghq.com", "browser-intake-datadoghq.eu", "browser-intake-ap1-datadoghq.com", "browser-intake-ap2-datadoghq.com", "browser-intake-ddog-gov.com"],
        );
        assert.strictEqual(specOf({ vendor: "datadog", domain: "d.example.com" }).sdk.vendor === "datadog" && (specOf({ vendor: "datadog", domain: "d.example.com" }).sdk as { site: string }).site, "datadoghq.com");
    });

    it("agrees with the SDK on every site's intake host (its own URL builder, without proxy)", () => {
        for (const site of datadogSites) assert.strictEqual(new URL(sdkUrls(site, "https://d.example.com/", "rum").direct).hostname, datadogIntakeHosts[site], site);
    });

    it("refuses a site Datadog does not have, region, and page-rule mode, saying why", () => {
        assert.deepStrictEqual(problems(aws([{ vendor: "datadog", site: "datadoghq.evil", domain: "d.example.com" }])), [
            'first-party-proxy:proxies[0].site: got "datadoghq.evil"; allowed: datadoghq.com | us3.datadoghq.com | us5.datadoghq.com | datadoghq.eu | ap1.datadoghq.com | ap2.datadoghq.com | ddog-gov.com',
        ]);
        assert.match(problems(aws([{ vendor: "datadog", region: "eu", domain: "d.example.com" }])).join("\n"), /region: unknown key.*Datadog has sites, not regions: give site/);
        const pageRule = { provider: "cloudflare", dns: { provider: "cloudflare", zone: "example.com" }, cloudflare: { mode: "pageRule", enterprise: true }, proxies: [{ vendor: "datadog", domain: "d.example.com" }] };
        assert.deepStrictEqual(problems(pageRule), [
            `first-party-proxy:proxies[0].vendor: datadog is not available with cloudflare.mode pageRule: ${datadog.edgeCodeRequired}; use cloudflare.mode worker (or provider aws)`,
        ]);
    });

    it("gives the SDK's proxy and site under the public prefix, and a snippet with both", () => {
        const spec = specOf({ vendor: "datadog", site: "datadoghq.eu", domain: "d.example.com", pathPrefix: "/k7" });
        assert.deepStrictEqual(spec.sdk, { vendor: "datadog", proxy: "https://d.example.com/k7/", site: "datadoghq.eu" });
        const snippet = sdkSnippet(spec.sdk);
        assert.match(snippet, /datadogRum\.init\(\{\n {2}applicationId: "<DATADOG_APPLICATION_ID>",\n {2}clientToken: "<DATADOG_CLIENT_TOKEN>",\n {2}site: "datadoghq\.eu",\n {2}proxy: "https:\/\/d\.example\.com\/k7\/",\n\}\)/);
        assert.deepStrictEqual(spec.sites[0].routes.map((r) => [r.pathPattern, r.queryTarget?.kind, r.answer]), [
            ["/k7/*", "ddforward", undefined],
            ["*", "ddforward", "notFound"],
        ]);
    });
});

describe("ddforwardTarget (the check both CDNs run)", () => {
    const names = (query: string) => [...new URLSearchParams(query).keys()];
    const raw = (query: string) => /(?:^|&)ddforward=([^&]*)/.exec(query)?.[1];

    it("takes the SDK's own ddforward for every track and transport, as the SDK builds it", () => {
        for (const track of ["rum", "replay", "logs", "profile", "exposures", "flagevaluation", "debugger"]) {
            for (const payload of [{}, { encoding: "deflate", retry: { count: 2, lastFailureStatus: 429 } }]) {
                const { proxied, direct } = sdkUrls("datadoghq.eu", "https://d.example.com/k7/", track, payload);
                const query = new URL(proxied).search.slice(1);
                const result = ddforwardTarget(ddforward, "POST", names(query), raw(query));
                assert.ok(result.ok, `${track}: ${JSON.stringify(result)}`);
                const upstream = new URL(direct);
                assert.strictEqual(result.path + (result.query ? `?${result.query}` : ""), upstream.pathname + upstream.search, track);
            }
        }
    });

    it("refuses everything else, naming why", () => {
        for (const [what, query, method, status] of refused) {
            const result = ddforwardTarget(ddforward, method, names(query), raw(query));
            assert.ok(!result.ok && result.status === status, `${what}: ${JSON.stringify(result)}`);
        }
        const long = ddforwardTarget(ddforward, "POST", ["ddforward"], encodeURIComponent(`/api/v2/rum?x=${"a".repeat(3000)}`));
        assert.ok(!long.ok && /too long/.test(long.reason));
    });
});

describe("Datadog RUM through the Worker in workerd", () => {
    const site = specOf({ vendor: "datadog", site: "datadoghq.eu", domain: "d.example.com", pathPrefix: "/k7" }).sites[0];
    const get = useProxyWorker(site);

    it("sends what the SDK POSTs to the EU intake at the path and query ddforward names, body unchanged, client IP, no cookies", async () => {
        const { origin, worker } = get();
        for (const track of ["rum", "replay"]) {
            origin.reset();
            const { proxied, direct } = sdkUrls("datadoghq.eu", "https://d.example.com/k7/", track);
            const body = JSON.stringify({ type: "view", track }).repeat(50);
            const response = await worker.fetch(new URL(proxied).pathname + new URL(proxied).search, {
                method: "POST",
                body,
                headers: { "content-type": "text/plain;charset=UTF-8", origin: "https://www.example.com", cookie: "session=secret", "cf-connecting-ip": "203.0.113.77", "user-agent": "Mozilla/5.0 test" },
            });
            await response.arrayBuffer();
            assert.strictEqual(response.status, 200, track);
            const [seen] = origin.requests;
            const upstream = new URL(direct);
            assert.deepStrictEqual([seen.method, seen.host, seen.url], ["POST", "browser-intake-datadoghq.eu", upstream.pathname + upstream.search], track);
            assert.strictEqual(seen.bodyBytes, Buffer.byteLength(body));
            assert.strictEqual(seen.headers["x-forwarded-for"], "203.0.113.77");
            assert.strictEqual(seen.headers.cookie, undefined);
            assert.strictEqual(seen.headers["user-agent"], "Mozilla/5.0 test");
            assert.strictEqual(seen.headers["content-type"], "text/plain;charset=UTF-8");
        }
    });

    it("answers every other request itself and sends nothing anywhere (no open proxy)", async () => {
        const { origin, worker } = get();
        origin.reset();
        for (const [what, query, method, status] of refused) {
            const response = await worker.fetch(`/k7/${query ? `?${query}` : ""}`, { method, ...(method === "POST" ? { body: "{}" } : {}) });
            await response.arrayBuffer();
            assert.strictEqual(response.status, status, what);
        }
        const outside = await worker.fetch(`/?ddforward=${encodeURIComponent("/api/v2/rum")}`, { method: "POST", body: "{}" });
        await outside.arrayBuffer();
        assert.strictEqual(outside.status, 404, "outside the prefix");
        assert.strictEqual(origin.requests.length, 0);
    });
});

describe("Datadog RUM on CloudFront (planned distribution, its viewer-request function run in vm)", function () {
    this.timeout(60_000);
    let plan: Plan;
    before(async () => {
        plan = await planConfig(aws([{ vendor: "datadog", site: "us5.datadoghq.com", domain: "d.example.com", pathPrefix: "/k7" }]));
    });

    /** CloudFront's behaviour for `path`, and what its viewer-request function makes of a `method` request with `query`. */
    function atEdge(path: string, query: string, method: string): { origin: string; status?: number; upstream?: string } {
        const distribution = ofType(plan, T.distribution)[0];
        const i = distribution.inputs as any;
        const behaviours = [...i.orderedCacheBehaviors, { ...i.defaultCacheBehavior, pathPattern: "*" }];
        const behaviour = behaviours.find((b: any) => patternRegex(b.pathPattern).test(path));
        const origin = i.origins.find((o: any) => o.originId === behaviour.targetOriginId).domainName;
        const association = behaviour.functionAssociations.find((a: any) => a.eventType === "viewer-request");
        const fn = plan.resources.find((r) => r.type === "aws:cloudfront/function:Function" && (r.inputs as any).name === String(association.functionArn).split("/").pop())!;
        const event = viewerRequestEvent(path, "", "d.example.com");
        // As CloudFront hands it over: names and values as sent (URL-encoded), `multiValue` for a repeated name.
        const querystring: Record<string, { value: string; multiValue?: { value: string }[] }> = {};
        for (const pair of query ? query.split("&") : []) {
            const [name, value = ""] = pair.split("=");
            const seen = querystring[name];
            if (!seen) querystring[name] = { value };
            else seen.multiValue = [...(seen.multiValue ?? [{ value: seen.value }]), { value }];
        }
        const result = runFunction((fn.inputs as any).code, { ...event, request: { ...event.request, method, querystring } as any });
        if (result.statusCode) return { origin, status: result.statusCode };
        const qs = Object.entries(result.querystring as Record<string, { value: string }>).map(([k, v]) => `${k}=${v.value}`).join("&");
        return { origin, upstream: `${result.uri}${qs ? `?${qs}` : ""}` };
    }

    it("sends what the SDK POSTs to the site's intake at the path and query ddforward names", () => {
        for (const track of ["rum", "replay", "logs"]) {
            const { proxied, direct } = sdkUrls("us5.datadoghq.com", "https://d.example.com/k7/", track, { encoding: "deflate" });
            const url = new URL(proxied);
            const got = atEdge(url.pathname, url.search.slice(1), "POST");
            const upstream = new URL(direct);
            assert.deepStrictEqual(got, { origin: "browser-intake-us5-datadoghq.com", upstream: upstream.pathname + upstream.search }, track);
        }
    });

    it("refuses what the Worker refuses, with the same status", () => {
        for (const [what, query, method, status] of refused) assert.strictEqual(atEdge("/k7/", query, method).status, status, what);
        assert.strictEqual(atEdge("/", `ddforward=${encodeURIComponent("/api/v2/rum")}`, "POST").status, 404, "outside the prefix");
    });

    it("never caches, forwards every query string, Content-Type, Origin and User-Agent but no cookies, takes POST", () => {
        const distribution = ofType(plan, T.distribution)[0];
        const behaviour = (distribution.inputs as any).orderedCacheBehaviors.find((b: any) => b.pathPattern === "/k7/*");
        assert.strictEqual(behaviour.cachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "CachingDisabled");
        assert.ok(behaviour.allowedMethods.includes("POST"));
        const policy = plan.resources.find((r) => r.type === "aws:cloudfront/originRequestPolicy:OriginRequestPolicy" && r.id === behaviour.originRequestPolicyId)!;
        assert.ok(policy, "the behaviour's origin request policy is the stack's own");
        const config = policy.inputs as any;
        assert.deepStrictEqual([...config.headersConfig.headers.items].sort(), ["Content-Type", "Origin", "User-Agent"]);
        assert.strictEqual(config.queryStringsConfig.queryStringBehavior, "all");
        assert.strictEqual(config.cookiesConfig.cookieBehavior, "none");
    });
});

describe("verify: Datadog RUM", () => {
    it("probes the proxy URL of the outputs: the intake, and two kinds of requests it must refuse", () => {
        const spec = specOf({ vendor: "datadog", site: "datadoghq.eu", domain: "d.example.com", pathPrefix: "/k7" });
        const { targets } = targetsFromOutputs({ proxies: { dd: { vendor: "datadog", cdn: "cloudfront", sdk: spec.sdk } } });
        assert.deepStrictEqual(targets, [{ name: "dd", vendor: "datadog", region: "us", cdn: "cloudfront", host: "d.example.com", base: "/k7", site: "datadoghq.eu" }]);
        const checks = datadogChecks(targets[0] as Extract<(typeof targets)[0], { vendor: "datadog" }>, { origin: "https://www.example.com", sendTestEvent: false, token: "pubTOKEN" });
        const requests = checks.flatMap((c) => c.requests.map((r) => `${r.method} ${decodeURIComponent(r.url)}`));
        assert.strictEqual(requests[0], "GET http://d.example.com/k7/");
        assert.match(requests[1], /^POST https:\/\/d\.example\.com\/k7\/\?ddforward=\/api\/v2\/rum\?ddsource=browser&dd-api-key=pubTOKEN&/);
        assert.deepStrictEqual(requests.slice(2), [
            "POST https://d.example.com/k7/?ddforward=https://fpp-verify.invalid/api/v2/rum?ddsource=browser",
            "POST https://d.example.com/k7/?ddforward=//fpp-verify.invalid/api/v2/rum",
            "POST https://d.example.com/k7/?ddforward=/api/v1/validate",
            "POST https://d.example.com/k7/?ddforward=/api/v2/rum/../../v1/validate",
        ]);
    });

    it("fails an edge that forwards what it should refuse", () => {
        const env: CheckEnv = { target: { name: "dd", vendor: "datadog", region: "us", cdn: "cloudflare", host: "d.example.com", base: "", site: "datadoghq.com" }, cdn: "cloudflare", responsesFrom: () => [] };
        const answer = (status: number): ProbeResponse => ({ request: { method: "POST", url: "https://d.example.com/" }, status, headers: { "content-type": "text/plain" }, body: "" });
        assert.ok(evaluateRefused([answer(400), answer(400)], env).ok);
        const open = evaluateRefused([answer(400), answer(202)], env);
        assert.ok(!open.ok && /forwarded instead of refused/.test(open.detail) && /Worker/.test(open.fix));
    });
});
