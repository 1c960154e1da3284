import * as assert from "assert";
import * as vm from "vm";
import { proxyRequests, parseStackConfig } from "../../components/config/load";
import { cloudFrontFunctionMaxBytes, cloudFrontFunctionRuntime } from "../../components/aws/viewerRequestFunction";
import { selectRouteIndex } from "../../components/model/pathPattern";
import { rewritePath } from "../../components/model/pathRewrite";
import { buildProxySpec } from "../../components/model/proxySpec";
import { literalPrefix } from "../../components/model/publicPaths";
import { Plan, PlannedResource } from "../../components/plan/mockPlan";
import { ofType, planConfig, TestConfig } from "../helpers/plan";

const T = {
    distribution: "aws:cloudfront/distribution:Distribution",
    fn: "aws:cloudfront/function:Function",
};

const proxies: TestConfig[] = [
    { vendor: "segment", region: "us", domain: "s.example.com" },
    { vendor: "segment", region: "eu", name: "segment-split", cdnDomain: "cdn.example.com", apiDomain: "api.example.com" },
    { vendor: "posthog", region: "eu", domain: "e.example.com" },
    { vendor: "posthog", region: "us", domain: "e2.example.com", pathPrefix: "/a/b" },
    { vendor: "amplitude", region: "us", domain: "r.example.com" },
    { vendor: "amplitude", region: "eu", domain: "r2.example.com", paths: "vendor", pathPrefix: "/k7" },
];
const config = { provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies };

/** The event CloudFront passes a viewer-request function ("CloudFront Functions event structure", AWS docs). */
function viewerRequestEvent(uri: string, query: string) {
    const querystring = Object.fromEntries([...new URLSearchParams(query)].map(([k, v]) => [k, { value: v }]));
    return {
        version: "1.0",
        context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==" },
        viewer: { ip: "198.51.100.11" },
        request: { method: "GET", uri, querystring, headers: { host: { value: "e.example.com" }, accept: { value: "*/*" } }, cookies: {} },
    };
}

/** Runs a planned function's code as CloudFront does: a script whose `handler(event)` returns the request or a response. */
function runFunction(code: string, event: ReturnType<typeof viewerRequestEvent>): any {
    const sandbox: { handler?: (e: unknown) => unknown } = {};
    vm.runInNewContext(`${code}\nthis.handler = handler;`, sandbox, { timeout: 1000 });
    return sandbox.handler!(JSON.parse(JSON.stringify(event)));
}

/** CloudFront's answer for a path: the origin host and upstream path+query, or the status a function answered. */
function cloudFront(plan: Plan, distribution: PlannedResource, path: string, query: string): string {
    const i = distribution.inputs as any;
    const behaviours = [...i.orderedCacheBehaviors, { ...i.defaultCacheBehavior, pathPattern: "*" }];
    const behaviour = behaviours[selectRouteIndex(behaviours.map((b: any) => b.pathPattern), path)];
    const origin = i.origins.find((o: any) => o.originId === behaviour.targetOriginId).domainName;
    const association = (behaviour.functionAssociations ?? []).find((a: any) => a.eventType === "viewer-request");
    if (!association) return `${origin}${path}${query}`;
    const fn = ofType(plan, T.fn).find((f) => (f.inputs as any).name === String(association.functionArn).split("/").pop())!;
    const result = runFunction((fn.inputs as any).code, viewerRequestEvent(path, query.slice(1)));
    if (result.statusCode) return String(result.statusCode);
    const qs = Object.entries(result.querystring as Record<string, { value: string }>).map(([k, v]) => `${k}=${v.value}`).join("&");
    return `${origin}${result.uri}${qs ? `?${qs}` : ""}`;
}

describe("CloudFront viewer-request functions (public paths)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planConfig(config, "test");
    });

    it("are few, small, and cloudfront-js-2.0: one per distinct code, shared by the proxies of a layout", () => {
        const fns = ofType(plan, T.fn);
        // Strip one segment (PostHog, Amplitude, Segment's API host), strip two (the /a/b prefix), Segment's loader
        // rename, and the 404 of every prefixed layout.
        assert.strictEqual(fns.length, 4, fns.map((f) => f.name).join(", "));
        for (const f of fns) {
            const i = f.inputs as any;
            assert.strictEqual(i.runtime, cloudFrontFunctionRuntime);
            assert.strictEqual(i.publish, true);
            assert.ok(Buffer.byteLength(i.code) < cloudFrontFunctionMaxBytes / 4, `${f.name}: ${Buffer.byteLength(i.code)} bytes`);
            assert.match(i.code, /\nfunction handler\(event\) \{/);
            assert.doesNotMatch(i.code, /\bexport\b|\bimport\b|require\(/, "a script, not a module");
        }
    });

    it("run on every behaviour of a prefixed proxy, and nowhere with the vendor's paths at the root", async () => {
        for (const d of ofType(plan, T.distribution)) {
            const i = d.inputs as any;
            for (const b of [...i.orderedCacheBehaviors, i.defaultCacheBehavior]) {
                assert.deepStrictEqual((b.functionAssociations ?? []).map((a: any) => a.eventType), ["viewer-request"], `${i.aliases[0]} ${b.pathPattern ?? "default"}`);
            }
        }
        const vendorPaths = await planConfig({ ...config, proxies: [{ vendor: "posthog", domain: "e.example.com", paths: "vendor" }] }, "test");
        assert.deepStrictEqual(ofType(vendorPaths, T.fn), []);
        for (const d of ofType(vendorPaths, T.distribution)) {
            const i = d.inputs as any;
            for (const b of [...i.orderedCacheBehaviors, i.defaultCacheBehavior]) assert.strictEqual(b.functionAssociations, undefined);
        }
    });

    it("send every public path to the origin and vendor path the model says, the query unchanged (the function's code executed)", () => {
        const { config: parsed } = parseStackConfig(config);
        const specs = proxyRequests(parsed, "test").map(buildProxySpec);
        let checked = 0;
        for (const spec of specs) {
            for (const site of spec.sites) {
                const distribution = ofType(plan, T.distribution).find((d) => (d.inputs as any).aliases[0] === site.hostname)!;
                const publicPaths = site.routes.flatMap((r) => {
                    const literal = literalPrefix(r.pathPattern);
                    return [`${literal}x`, `${literal}v1/KEY/analytics.min.js`, `${literal}e/`];
                });
                for (const path of [...publicPaths, "/", "/analytics.js/v1/KEY/analytics.min.js", "/e/", "/k7", `${spec.paths.prefix}`]) {
                    const query = "?ip=1&_=1700000000";
                    const route = site.routes[selectRouteIndex(site.routes.map((r) => r.pathPattern), path)];
                    const origin = site.origins.find((o) => o.id === route.originId)!;
                    const expected = route.answer === "notFound" ? "404" : `${origin.domain}${rewritePath(route.rewrite, path)}${query}`;
                    assert.strictEqual(cloudFront(plan, distribution, path, query), expected, `${site.hostname}${path}`);
                    checked++;
                }
            }
        }
        assert.ok(checked > 100, `${checked} paths`);
    });
});
