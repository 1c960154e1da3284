import * as assert from "assert";
import { Miniflare } from "miniflare";
import { Plan, PlannedResource } from "../../components/plan/mockPlan";
import { patternRegex, runFunction, viewerRequestEvent } from "../helpers/cloudFrontEdge";
import { ofType } from "../helpers/plan";
import { startPlannedWorkers } from "../helpers/plannedWorkers";
import { RecordingOrigin, startRecordingOrigin } from "../helpers/recordingOrigin";
import { accountId, cloudFrontPlan, inputs, pageRuleModePlan, pageRuleOrigin, proxiedTarget, T, workerModePlan } from "../cloudflare/fixtures";
import { planConfig } from "../helpers/plan";

/*
 * The same route tables must route the same way on both CDNs. Each side is computed from what was PLANNED, not from
 * the model: CloudFront's behaviour selection over the distribution's inputs (with a matcher written here, not the
 * model's), the generated Worker run in workerd from the WorkersScript's own content and SETTINGS binding, the page
 * rules by priority, and the proxied CNAME for VTEX.
 */

/** Request paths every hostname is asked for, tricky ones included. */
const paths = [
    "/",
    "/static",
    "/staticx",
    "/static/array.js",
    "/static/recorder.js",
    "/array/x/config.js",
    "/array/phc_KEY/config",
    "/arrayx",
    "/e/",
    "/decide/",
    "/config",
    "/configuration",
    "/config/v1/remote",
    "/conf",
    "/sessions/v2/track",
    "/2/httpapi",
    "/2/httpapix",
    "/2/http",
    "/batch",
    "/batchy/x",
    "/analytics.js/v1/k/analytics.min.js",
    "/analytics.js",
    "/v1/projects/k/settings",
    "/v1/t",
    "/v1/batch",
    "/next-integrations/a.js",
    "/next-integrations/actions/amplitude-plugins/0123abcd.js",
    "/analytics-next/bundles/x.js",
    "/Static/array.js",
    "/.well-known/acme-challenge/abc",
    "/checkout/cart",
    "/libs/mixpanel-2-latest.min.js",
    "/libs",
    "/libsx/a.js",
    "/track/?verbose=1",
    "/engage/",
    "/js/script.js",
    "/api/event",
    "/h/session",
    "/h/sessions/x",
    "/h/sess",
    "/js",
];

/** Some answers spelled out, so that both sides cannot agree on a wrong table. */
const spotChecks: [host: string, path: string, origin: string][] = [
    ["e.example.com", "/static/array.js", "us-assets.i.posthog.com"],
    ["e.example.com", "/array/x/config.js", "us-assets.i.posthog.com"],
    ["e.example.com", "/static", "us.i.posthog.com"],
    ["e.example.com", "/staticx", "us.i.posthog.com"],
    ["e.example.com", "/Static/array.js", "us.i.posthog.com"],
    ["e-eu.example.com", "/array/phc_KEY/config", "eu-assets.i.posthog.com"],
    ["r.example.com", "/config", "sr-client-cfg.amplitude.com"],
    ["r.example.com", "/configuration", "sr-client-cfg.amplitude.com"],
    ["r.example.com", "/sessions/v2/track", "api-sr.amplitude.com"],
    ["r-eu.example.com", "/sessions/v2/track", "api-sr.eu.amplitude.com"],
    ["r.example.com", "/2/httpapi", "api-sr.amplitude.com"],
    ["a.example.com", "/2/httpapi", "api2.amplitude.com"],
    ["a.example.com", "/batch", "api2.amplitude.com"],
    ["a.example.com", "/2/http", "api-sr.amplitude.com"],
    ["a.example.com", "/config", "sr-client-cfg.amplitude.com"],
    ["a.example.com", "/sessions/v2/track", "api-sr.amplitude.com"],
    ["a-eu.example.com", "/2/httpapi", "api.eu.amplitude.com"],
    ["a-eu.example.com", "/batch", "api.eu.amplitude.com"],
    ["a-eu.example.com", "/config/KEY", "sr-client-cfg.eu.amplitude.com"],
    ["s.example.com", "/analytics.js/v1/k/analytics.min.js", "cdn.segment.com"],
    ["s.example.com", "/analytics-next/bundles/x.js", "cdn.segment.com"],
    ["s.example.com", "/next-integrations/a.js", "cdn.segment.com"],
    ["s.example.com", "/v1/t", "api.segment.io"],
    ["s.example.com", "/analytics.js", "api.segment.io"],
    ["s-eu.example.com", "/v1/t", "events.eu1.segmentapis.com"],
    ["s-eu.example.com", "/v1/projects/k/settings", "cdn.segment.com"],
    ["api-eu.example.com", "/analytics.js/v1/k/analytics.min.js", "events.eu1.segmentapis.com"],
    ["www.example.com", "/.well-known/acme-challenge/abc", "www.example.com.cdn.vtex.com"],
    ["www.example.com", "/", "www.example.com.cdn.vtex.com"],
    ["m.example.com", "/libs/mixpanel-2-latest.min.js", "cdn.mxpnl.com"],
    ["m.example.com", "/libsx/a.js", "api-js.mixpanel.com"],
    ["m.example.com", "/decide/", "api-js.mixpanel.com"],
    ["m-eu.example.com", "/track/?verbose=1", "api-eu.mixpanel.com"],
    ["m-eu.example.com", "/libs/mixpanel-2-latest.min.js", "cdn.mxpnl.com"],
    ["p.example.com", "/js/script.js", "plausible.io"],
    ["p.example.com", "/api/event", "plausible.io"],
    ["h.example.com", "/js/heap-123.js", "cdn.heapanalytics.com"],
    ["h.example.com", "/js", "heapanalytics.com"],
    ["h.example.com", "/h/sessions/x", "heapanalytics.com"],
];

/** CloudFront: ordered behaviours first to last, then the default; the behaviour's origin's domain name. */
function cloudFrontOrigin(distribution: PlannedResource, path: string): string {
    const i = inputs(distribution);
    const behaviours = [...i.orderedCacheBehaviors, { ...i.defaultCacheBehavior, pathPattern: "*" }];
    const chosen = behaviours.find((b: any) => patternRegex(b.pathPattern).test(path));
    return i.origins.find((o: any) => o.originId === chosen.targetOriginId).domainName;
}

describe("CloudFront and Cloudflare route every path to the same origin (from the planned resources)", function () {
    this.timeout(60_000);
    let aws: Plan;
    let worker: Plan;
    let pageRule: Plan;
    let origin: RecordingOrigin;
    let mf: Miniflare;

    before(async () => {
        // Every vendor and region (fixtures' everyVendor), the same config on each CDN.
        aws = await cloudFrontPlan();
        worker = await workerModePlan();
        pageRule = await pageRuleModePlan();

        // Every planned Worker in one workerd, on its planned route patterns, every subrequest to the recorder.
        origin = await startRecordingOrigin();
        mf = await startPlannedWorkers(worker, origin.address);
    });

    after(async () => {
        await mf?.dispose();
        await origin?.close();
    });

    /** The upstream host the Worker on `host` fetched for `path` (the Host header the recorder received). */
    async function workerOrigin(host: string, path: string): Promise<string> {
        origin.reset();
        const response = await mf.dispatchFetch(`https://${host}${path}`);
        await response.arrayBuffer();
        assert.strictEqual(response.status, 200, `${host}${path} answered ${response.status}`);
        assert.strictEqual(origin.requests.length, 1, `${host}${path}: one upstream request`);
        assert.strictEqual(origin.requests[0].url, path, "the path reaches the origin unchanged");
        return origin.requests[0].host;
    }

    const distributionFor = (host: string) => ofType(aws, T.distribution).find((d) => inputs(d).aliases.includes(host))!;
    const hostnames = () => ofType(aws, T.distribution).map((d) => inputs(d).aliases[0] as string);

    it("plans the same hostnames on every CDN", () => {
        // On Workers every hostname has a proxied record too: a route only runs where Cloudflare's proxy answers.
        const onWorkers = ofType(worker, T.record).filter((r) => inputs(r).proxied).map((r) => inputs(r).name);
        const onPageRules = ofType(pageRule, T.record).filter((r) => inputs(r).proxied).map((r) => inputs(r).name);
        assert.deepStrictEqual([...onWorkers].sort(), [...hostnames()].sort());
        assert.deepStrictEqual([...onPageRules].sort(), [...hostnames()].sort());
        assert.strictEqual(hostnames().length, 17);
    });

    it("the spot checks hold on CloudFront (the table is not wrong on both sides)", () => {
        for (const [host, path, expected] of spotChecks) assert.strictEqual(cloudFrontOrigin(distributionFor(host), path), expected, `${host}${path}`);
    });

    it("Workers (run in workerd) pick CloudFront's origin for every path of every vendor and region", async () => {
        const workerHosts = new Set(ofType(worker, T.route).map((r) => String(inputs(r).pattern).replace(/\/\*$/, "")));
        const mismatches: string[] = [];
        let checked = 0;
        for (const host of hostnames()) {
            for (const path of paths) {
                const expected = cloudFrontOrigin(distributionFor(host), path);
                const actual = workerHosts.has(host) ? await workerOrigin(host, path) : proxiedTarget(worker, host);
                checked++;
                if (actual !== expected) mismatches.push(`${host}${path}: CloudFront ${expected}, Cloudflare ${actual}`);
            }
        }
        assert.deepStrictEqual(mismatches, []);
        assert.strictEqual(checked, hostnames().length * paths.length);
    });

    it("page rules pick CloudFront's origin for every path of every vendor and region", () => {
        const mismatches: string[] = [];
        for (const host of hostnames()) {
            for (const path of paths) {
                const expected = cloudFrontOrigin(distributionFor(host), path);
                const actual = pageRuleOrigin(pageRule, host, path);
                if (actual !== expected) mismatches.push(`${host}${path}: CloudFront ${expected}, page rules ${actual}`);
            }
        }
        assert.deepStrictEqual(mismatches, []);
    });

    it("the test's matcher is CloudFront's: case-sensitive, anchored, * spans slashes, ? one character", () => {
        assert.ok(patternRegex("/static/*").test("/static/a/b.js"));
        assert.ok(!patternRegex("/static/*").test("/static"));
        assert.ok(!patternRegex("/static/*").test("/Static/a"));
        assert.ok(!patternRegex("/static/*").test("/x/static/a"));
        assert.ok(patternRegex("/config*").test("/configuration"));
        assert.ok(patternRegex("/a?c").test("/abc") && !patternRegex("/a?c").test("/abbc"));
        assert.ok(patternRegex("*").test("/"));
    });
});

describe("Datadog's ddforward: CloudFront's planned function and the planned Worker answer every request alike", function () {
    this.timeout(60_000);
    // The SDK's own URL builder (@datadog/browser-rum 7.16.2 builds its proxy URLs with it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk: { createEndpointBuilder(config: object, track: string): { build(api: string, payload: object): string } } = require("@datadog/js-core/transport");
    const proxies = [
        { vendor: "datadog", site: "datadoghq.eu", domain: "d.example.com", paths: "vendor" },
        { vendor: "datadog", site: "ap1.datadoghq.com", domain: "d-ap1.example.com", pathPrefix: "/k7" },
    ];
    let aws: Plan;
    let origin: RecordingOrigin;
    let mf: Miniflare;

    before(async () => {
        aws = await planConfig({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies });
        const worker = await planConfig({ provider: "cloudflare", dns: { provider: "cloudflare", zone: "example.com" }, cloudflare: { accountId, mode: "worker" }, proxies });
        origin = await startRecordingOrigin();
        mf = await startPlannedWorkers(worker, origin.address);
    });

    after(async () => {
        await mf?.dispose();
        await origin?.close();
    });

    /** CloudFront: behaviour, then its viewer-request function on a POST (query as sent); `<origin><path>?<query>` or the status. */
    function cloudFront(host: string, path: string, search: string, method: string): string {
        const distribution = ofType(aws, T.distribution).find((d) => inputs(d).aliases.includes(host))!;
        const i = inputs(distribution);
        const behaviour = [...i.orderedCacheBehaviors, { ...i.defaultCacheBehavior, pathPattern: "*" }].find((b: any) => patternRegex(b.pathPattern).test(path));
        const domain = i.origins.find((o: any) => o.originId === behaviour.targetOriginId).domainName;
        const association = behaviour.functionAssociations.find((a: any) => a.eventType === "viewer-request");
        const fn = aws.resources.find((r) => r.type === "aws:cloudfront/function:Function" && inputs(r).name === String(association.functionArn).split("/").pop())!;
        const querystring: Record<string, { value: string; multiValue?: { value: string }[] }> = {};
        for (const pair of search ? search.slice(1).split("&") : []) {
            const [name, value = ""] = pair.split("=");
            const seen = querystring[name];
            if (!seen) querystring[name] = { value };
            else seen.multiValue = [...(seen.multiValue ?? [{ value: seen.value }]), { value }];
        }
        const event = viewerRequestEvent(path, "", host);
        const result = runFunction(inputs(fn).code, { ...event, request: { ...event.request, method, querystring } as any });
        if (result.statusCode) return String(result.statusCode);
        const qs = Object.entries(result.querystring as Record<string, { value: string }>).map(([k, v]) => `${k}=${v.value}`).join("&");
        return `${domain}${result.uri}${qs ? `?${qs}` : ""}`;
    }

    async function worker(host: string, path: string, search: string, method: string): Promise<string> {
        origin.reset();
        const response = await mf.dispatchFetch(`https://${host}${path}${search}`, { method, ...(method === "POST" ? { body: "{}" } : {}) });
        await response.arrayBuffer();
        if (origin.requests.length === 0) return String(response.status);
        return `${origin.requests[0].host}${origin.requests[0].url}`;
    }

    it("the SDK's requests for every track reach the same intake URL, and everything else gets the same refusal", async () => {
        const cases: [string, string, string, string][] = [];
        for (const [host, site, proxy] of [
            ["d.example.com", "datadoghq.eu", "https://d.example.com/"],
            ["d-ap1.example.com", "ap1.datadoghq.com", "https://d-ap1.example.com/k7/"],
        ]) {
            for (const track of ["rum", "replay", "logs", "profile"]) {
                const url = new URL(sdk.createEndpointBuilder({ site, proxy, clientToken: "pubTOKEN" }, track).build("beacon", { encoding: "deflate" }));
                cases.push([host, url.pathname, url.search, "POST"]);
            }
            const base = new URL(proxy).pathname;
            for (const value of ["https://evil.example/api/v2/rum", "//evil.example/api/v2/rum", "/api/v2/rum/../x", "/api/v1/validate", "/api/v2/rum?u=https://evil.example/"]) {
                cases.push([host, base, `?ddforward=${encodeURIComponent(value)}`, "POST"]);
            }
            cases.push([host, base, `?ddforward=${encodeURIComponent("/api/v2/rum")}&ddforwardSubdomain=quota`, "POST"], [host, base, `?ddforward=${encodeURIComponent("/api/v2/rum")}`, "GET"], [host, base, "", "POST"]);
        }
        cases.push(["d-ap1.example.com", "/", `?ddforward=${encodeURIComponent("/api/v2/rum")}`, "POST"]);
        const answers: string[] = [];
        for (const [host, path, search, method] of cases) {
            const onCloudFront = cloudFront(host, path, search, method);
            assert.strictEqual(await worker(host, path, search, method), onCloudFront, `${method} ${host}${path}${search}`);
            answers.push(onCloudFront);
        }
        // Both forwarded the SDK's requests to the site's intake, and refused the rest.
        assert.strictEqual(answers.filter((a) => a.startsWith("browser-intake-datadoghq.eu/api/v2/")).length, 4);
        assert.strictEqual(answers.filter((a) => a.startsWith("browser-intake-ap1-datadoghq.com/api/v2/")).length, 4);
        assert.deepStrictEqual(answers.filter((a) => !a.startsWith("browser-intake-")).sort(), [...Array(14).fill("400"), "404", "405", "405"].sort());
    });
});
