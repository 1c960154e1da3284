import * as assert from "assert";
import { Plan, PlannedResource } from "../../components/plan/mockPlan";
import { childrenOf, ofType, planConfig } from "../helpers/plan";
import { cloudflareStack, inputs, pageRuleModePlan, routeTables, T, zoneId } from "./fixtures";
import { evaluateRule } from "./ruleExpression";

/** The page rules for `host`, highest priority first, as `[path, origin, cacheLevel, ssl, priority]`. */
function rulesOf(plan: Plan, host: string): PlannedResource[] {
    return ofType(plan, T.pageRule)
        .filter((r) => String(inputs(r).target).startsWith(`${host}/`))
        .sort((a, b) => inputs(b).priority - inputs(a).priority);
}

describe("PageRuleProxy (cloudflare.mode pageRule, Enterprise)", () => {
    let plan: Plan;
    before(async () => {
        plan = await pageRuleModePlan();
    });

    for (const [host, table] of Object.entries(routeTables)) {
        it(`${host}: one page rule per route, highest priority first, Host and resolution overridden to the route's origin`, () => {
            const rules = rulesOf(plan, host);
            assert.deepStrictEqual(
                rules.map((r) => [inputs(r).target, inputs(r).actions.hostHeaderOverride, inputs(r).actions.resolveOverride]),
                table.map(([pattern, origin]) => [`${host}${pattern === "*" ? "/*" : pattern}`, origin, origin]),
            );
            for (const r of rules) {
                assert.strictEqual(inputs(r).zoneId, zoneId);
                assert.strictEqual(inputs(r).status, "active");
                assert.strictEqual(inputs(r).actions.ssl, "strict", "HTTPS origins: Full (strict)");
                assert.match(r.urn, /first-party-proxy:cloudflare:PageRuleProxy\$cloudflare:index\/pageRule:PageRule::/);
            }
            // The proxied record points at the default route's origin.
            const record = ofType(plan, T.record).find((r) => inputs(r).name === host)!;
            assert.deepStrictEqual(
                [inputs(record).type, inputs(record).content, inputs(record).proxied, inputs(record).ttl],
                ["CNAME", table[table.length - 1][1], true, 1],
            );
            assert.match(record.urn, /first-party-proxy:cloudflare:PageRuleProxy\$cloudflare:index\/dnsRecord:DnsRecord::/);
        });
    }

    it("PostHog: /static/* and /array/* outrank the catch-all, keyed on Origin and Authorization", () => {
        const rules = rulesOf(plan, "e-eu.example.com").map(inputs);
        assert.deepStrictEqual(rules.map((r) => r.target), ["e-eu.example.com/static/*", "e-eu.example.com/array/*", "e-eu.example.com/*"]);
        assert.ok(rules[0].priority > rules[1].priority && rules[1].priority > rules[2].priority);
        for (const r of rules) {
            assert.deepStrictEqual(r.actions.cacheKeyFields.header.includes, ["Origin", "Authorization"]);
            assert.deepStrictEqual(r.actions.cacheKeyFields.queryString.includes, ["*"]);
            assert.strictEqual(r.actions.cacheLevel, undefined);
        }
    });

    it("ssl strict on every Segment Tracking API host, US and EU, and the API never cached", () => {
        for (const [host, api] of [
            ["s.example.com", "api.segment.io"],
            ["s-eu.example.com", "events.eu1.segmentapis.com"],
            ["api.example.com", "api.segment.io"],
            ["api-eu.example.com", "events.eu1.segmentapis.com"],
        ]) {
            const apiRules = rulesOf(plan, host).map(inputs).filter((r) => r.actions.resolveOverride === api);
            assert.strictEqual(apiRules.length, 1, host);
            assert.strictEqual(apiRules[0].actions.ssl, "strict");
            assert.strictEqual(apiRules[0].actions.cacheLevel, "bypass");
        }
        // The CDN's paths stay cacheable.
        assert.ok(rulesOf(plan, "cdn.example.com").map(inputs).every((r) => r.actions.cacheLevel === undefined));
    });

    it("Amplitude: cache bypass on every rule, US and EU", () => {
        for (const host of ["r.example.com", "r-eu.example.com"]) {
            const rules = rulesOf(plan, host).map(inputs);
            assert.strictEqual(rules.length, 2);
            assert.ok(rules.every((r) => r.actions.cacheLevel === "bypass"));
        }
    });

    it("priorities are unique across the zone's proxies, 1..N", () => {
        const priorities = ofType(plan, T.pageRule).map((r) => inputs(r).priority as number).sort((a, b) => a - b);
        assert.deepStrictEqual(priorities, priorities.map((_, i) => i + 1));
    });

    it("HTTP→HTTPS for every page-rule hostname comes from the zone's one redirect ruleset (with VTEX's rules)", () => {
        const redirects = ofType(plan, T.ruleset).filter((r) => inputs(r).phase === "http_request_dynamic_redirect");
        assert.strictEqual(redirects.length, 1);
        const rules: any[] = inputs(redirects[0]).rules;
        for (const host of [...Object.keys(routeTables), "www.example.com"]) {
            assert.ok(rules.some((r) => evaluateRule(r.expression, { host, path: "/x", https: false })), `${host} over HTTP is redirected`);
            assert.ok(!rules.some((r) => evaluateRule(r.expression, { host, path: "/x", https: true })), `${host} over HTTPS is not`);
        }
        // Only VTEX has cache and TLS zone rules: page rules carry those for the other vendors.
        for (const phase of ["http_request_cache_settings", "http_config_settings"]) {
            const [ruleset] = ofType(plan, T.ruleset).filter((r) => inputs(r).phase === phase);
            assert.ok((inputs(ruleset).rules as any[]).every((r) => r.expression.includes('"www.example.com"')), phase);
        }
    });

    it("outputs: cdn cloudflare-page-rule, the proxied record, the page rules and the Enterprise note", () => {
        const out = (plan.outputs.proxies as any)["posthog-e-example-com"];
        assert.strictEqual(out.cdn, "cloudflare-page-rule");
        assert.deepStrictEqual(out.dnsRecords.map((r: any) => [r.name, r.type, r.value]), [["e.example.com", "CNAME", "us.i.posthog.com"]]);
        assert.deepStrictEqual(out.cdnTargets, ["us.i.posthog.com"]);
        const notes = out.notes.join("\n");
        assert.match(notes, /e\.example\.com\/static\/\* \(priority \d+\)/);
        assert.match(notes, /Enterprise plan/);
        assert.match(notes, /owns the zone's entry-point rulesets for http_request_dynamic_redirect/);
        assert.doesNotMatch(notes, /Always Use HTTPS/, "no plain-HTTP path on PostHog");
    });

    it("children are named from the component (<proxy>[-<role>]-rule-<route>, -hostname)", () => {
        const split = ofType(plan, T.pageRuleProxy).find((c) => c.name === "segment-split")!;
        assert.deepStrictEqual(
            childrenOf(plan, split).map((r) => r.name).sort(),
            ["segment-split-api-hostname", "segment-split-api-rule-0", "segment-split-cdn-hostname", "segment-split-cdn-rule-0"],
        );
    });

    it("creates no Worker in page-rule mode", () => {
        assert.strictEqual(ofType(plan, T.script).length + ofType(plan, T.route).length, 0);
    });

    it("a hostname two labels below the zone gets the Advanced Certificate note", async () => {
        const deep = await planConfig(cloudflareStack({ mode: "pageRule", enterprise: true }, [{ vendor: "posthog", region: "us", domain: "e.eu.example.com" }]));
        const notes: string[] = (deep.outputs.proxies as any)["posthog-e-eu-example-com"].notes;
        assert.ok(notes.some((n) => /e\.eu\.example\.com is 2 labels below the zone example\.com.*Advanced Certificate/.test(n)));
    });
});
