import * as assert from "assert";
import { proxyRequests, parseStackConfig } from "../../components/config/load";
import { cloudFrontFunctionMaxBytes, cloudFrontFunctionRuntime } from "../../components/aws/viewerRequestFunction";
import { selectRouteIndex } from "../../components/model/pathPattern";
import { rewritePath } from "../../components/model/pathRewrite";
import { buildProxySpec } from "../../components/model/proxySpec";
import { literalPrefix } from "../../components/model/publicPaths";
import { Plan } from "../../components/plan/mockPlan";
import { cloudFrontRequest } from "../helpers/cloudFrontEdge";
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
                    assert.strictEqual(cloudFrontRequest(plan, distribution, path, query), expected, `${site.hostname}${path}`);
                    checked++;
                }
            }
        }
        assert.ok(checked > 100, `${checked} paths`);
    });
});
