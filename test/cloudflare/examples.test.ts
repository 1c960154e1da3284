import * as assert from "assert";
import { Plan } from "../../components/plan/mockPlan";
import { ofType } from "../helpers/plan";
import { examplePlan, inputs, T } from "./fixtures";

const count = (plan: Plan, type: string) => ofType(plan, type).length;

describe("examples/*.yaml plan offline", () => {
    it("cloudflare-worker: a Worker per non-VTEX hostname, VTEX as proxied DNS, one ruleset per phase", async () => {
        const plan = await examplePlan("cloudflare-worker");
        assert.strictEqual(count(plan, T.script), 7);
        assert.strictEqual(count(plan, T.route), 7);
        assert.strictEqual(count(plan, "cloudflare:index/workersCustomDomain:WorkersCustomDomain"), 0);
        assert.strictEqual(count(plan, T.cnameProxy), 1);
        // VTEX's redirect, TLS and cache phases, and the response header rules of PostHog's and Amplitude's edge CORS.
        assert.strictEqual(count(plan, T.ruleset), 4);
        const vendors = new Set(Object.values(plan.outputs.proxies as Record<string, any>).map((o) => (o.region ? `${o.vendor}/${o.region}` : o.vendor)));
        for (const v of ["segment/us", "segment/eu", "posthog/us", "posthog/eu", "amplitude/us", "amplitude/eu", "vtex"]) assert.ok(vendors.has(v), v);
    });

    it("cloudflare-page-rule: page rules for three vendors, VTEX as proxied DNS", async () => {
        const plan = await examplePlan("cloudflare-page-rule");
        assert.strictEqual(count(plan, T.pageRule), 5 + 3 + 2);
        assert.strictEqual(count(plan, T.script), 0);
        assert.ok(ofType(plan, T.record).filter((r) => inputs(r).type === "CNAME").every((r) => inputs(r).proxied && inputs(r).ttl === 1));
    });

    it("cloudfront-cloudflare-dns: distributions with unproxied records in Cloudflare", async () => {
        const plan = await examplePlan("cloudfront-cloudflare-dns");
        assert.strictEqual(count(plan, T.distribution), 5);
        assert.strictEqual(count(plan, "aws:route53/record:Record"), 0);
        assert.ok(ofType(plan, T.record).every((r) => inputs(r).proxied === false));
    });

    it("cloudfront-manual-dns: no record created, every record listed in the outputs", async () => {
        const plan = await examplePlan("cloudfront-manual-dns");
        assert.strictEqual(count(plan, T.record) + count(plan, "aws:route53/record:Record"), 0);
        const vtex = (plan.outputs.proxies as any)["vtex-www-example-com"];
        assert.ok(vtex.dnsRecords.some((r: any) => r.type === "TXT" && r.name === "_www.example.com"));
    });

    it("segment-managed: only DNS records, by delegation and by CNAME", async () => {
        const plan = await examplePlan("segment-managed");
        assert.strictEqual(count(plan, T.distribution), 0);
        assert.deepStrictEqual(
            ofType(plan, "aws:route53/record:Record").map((r) => inputs(r).type).sort(),
            ["CNAME", "CNAME", "NS"],
        );
    });
});
