import * as assert from "assert";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { derivedPathPrefix } from "../../components/model/publicPaths";
import { awsStack as aws, cloudflareStack as cloudflare, configProblems as problems } from "../helpers/config";
import { ofType, planConfig, planRefused } from "../helpers/plan";



describe("config: paths, pathPrefix and sharedHost", () => {
    it("defaults to public paths under a prefix derived from the stack and proxy name; paths: vendor keeps the root", () => {
        const { config } = parseStackConfig(aws([
            { vendor: "posthog", domain: "e.example.com" },
            { vendor: "amplitude", domain: "r.example.com", paths: "vendor" },
            { vendor: "segment", domain: "s.example.com", pathPrefix: "/k7" },
            { vendor: "vtex", domain: "www.example.com" },
        ]));
        const requests = proxyRequests(config, "prod");
        assert.deepStrictEqual(
            requests.map((r) => (r.kind === "cdn" ? r.paths : undefined)),
            [{ layout: "public", prefix: derivedPathPrefix("prod", "posthog-e-example-com") }, { layout: "vendor" }, { layout: "public", prefix: "/k7" }, undefined],
        );
    });

    it("refuses a malformed pathPrefix, naming the field and what is allowed", () => {
        for (const bad of ["k7", "/k7/", "/k 7", "/a/b/c/d/e", "/%2e%2e", "/"]) {
            const found = problems(aws([{ vendor: "posthog", domain: "e.example.com", pathPrefix: bad }]));
            assert.ok(found.some((p) => p.startsWith("first-party-proxy:proxies[0].pathPrefix: pathPrefix must be 1-4 path segments")), `${bad}: ${found.join("; ")}`);
        }
        assert.ok(problems(aws([{ vendor: "posthog", domain: "e.example.com", paths: "hidden" }])).some((p) => p.includes("proxies[0].paths") && p.includes("public | vendor")));
    });

    it("refuses paths keys on VTEX (the whole store) and on Segment's managed domains", () => {
        const vtex = problems(aws([{ vendor: "vtex", domain: "www.example.com", pathPrefix: "/k7" }]));
        assert.ok(vtex.some((p) => p.includes("proxies[0].pathPrefix") && p.includes("serves the whole store")), vtex.join("; "));
        const managed = problems(aws([{ vendor: "segment", managed: "cname", cdnDomain: "c.example.com", apiDomain: "a.example.com", cdnTarget: "x.segment.com", apiTarget: "y.segment.com", paths: "public" }]));
        assert.ok(managed.some((p) => p.includes("proxies[0].paths") && p.includes("managed")), managed.join("; "));
    });

    it("refuses sharedHost on CloudFront, in page-rule mode, and without a pathPrefix, saying what to do instead", () => {
        const onAws = problems(aws([{ vendor: "posthog", domain: "www.example.com", pathPrefix: "/k7", sharedHost: true }]));
        assert.ok(onAws.some((p) => p.includes("proxies[0].sharedHost") && p.includes("give the proxy its own hostname")), onAws.join("; "));
        const pageRule = problems(cloudflare([{ vendor: "posthog", domain: "www.example.com", pathPrefix: "/k7", sharedHost: true }], "pageRule"));
        assert.ok(pageRule.some((p) => p.includes("sharedHost needs cloudflare.mode worker")), pageRule.join("; "));
        const noPrefix = problems(cloudflare([{ vendor: "posthog", domain: "www.example.com", sharedHost: true }]));
        assert.ok(noPrefix.some((p) => p.includes("proxies[0].pathPrefix: pathPrefix is required with sharedHost")), noPrefix.join("; "));
        const outside = problems(cloudflare([{ vendor: "posthog", domain: "www.other.org", pathPrefix: "/k7", sharedHost: true }]));
        assert.ok(outside.some((p) => p.includes("is not inside the DNS zone example.com")), outside.join("; "));
    });

    it("refuses sharedHost on CloudFront before registering anything", async () => {
        const { registered } = await planRefused(aws([{ vendor: "posthog", domain: "www.example.com", pathPrefix: "/k7", sharedHost: true }]));
        assert.strictEqual(registered, 0);
    });

    it("on a shared host builds only the Workers route on the prefix: no DNS record, nothing on the rest of the site", async () => {
        const plan = await planConfig(cloudflare([{ vendor: "posthog", domain: "www.example.com", pathPrefix: "/k7", sharedHost: true }]));
        const routes = ofType(plan, "cloudflare:index/workersRoute:WorkersRoute");
        assert.deepStrictEqual(routes.map((r) => (r.inputs as any).pattern), ["www.example.com/k7/*"]);
        assert.deepStrictEqual(ofType(plan, "cloudflare:index/dnsRecord:DnsRecord"), []);
        assert.deepStrictEqual(ofType(plan, "cloudflare:index/pageRule:PageRule"), []);
        // The zone's edge CORS rules name only the prefix's paths on that host.
        for (const ruleset of ofType(plan, "cloudflare:index/ruleset:Ruleset")) {
            for (const rule of (ruleset.inputs as any).rules) {
                if (!rule.expression.includes("www.example.com")) continue;
                const paths = [...rule.expression.matchAll(/starts_with\(http\.request\.uri\.path, "([^"]*)"\)/g)].map((m) => m[1]);
                assert.ok(paths.length > 0 && paths.every((p) => p.startsWith("/k7/")), rule.expression);
            }
        }
        const outputs = (plan.outputs as any).proxies["posthog-www-example-com"];
        assert.strictEqual(outputs.sdk.api_host, "https://www.example.com/k7");
    });
});
