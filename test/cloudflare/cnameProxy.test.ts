import * as assert from "assert";
import { Plan } from "../../components/plan/mockPlan";
import { childrenOf, ofType, planConfig } from "../helpers/plan";
import { accountId, cloudflareStack, inputs, pageRuleModePlan, T, workerModePlan, zoneId } from "./fixtures";
import { evaluateRule } from "./ruleExpression";

const modes = {
    worker: { accountId, mode: "worker" },
    pageRule: { mode: "pageRule", enterprise: true },
} as const;
const plans = { worker: workerModePlan, pageRule: pageRuleModePlan };

const acme = "/.well-known/acme-challenge/abc";

describe("CnameProxy (VTEX on Cloudflare, both modes)", () => {
    for (const mode of ["worker", "pageRule"] as const) {
        describe(`mode ${mode}`, () => {
            let plan: Plan;
            before(async () => {
                plan = await plans[mode]();
            });
            const vtexOf = (p: Plan) => ofType(p, T.cnameProxy).find((c) => c.name === "vtex-www-example-com")!;

            it("a proxied CNAME (ttl 1) <host> → <host>.cdn.vtex.com and the unproxied TXT _<host>, children of the CnameProxy", () => {
                const vtex = vtexOf(plan);
                assert.ok(vtex, "VTEX is a CnameProxy");
                const records = childrenOf(plan, vtex).filter((r) => r.type === T.record);
                assert.deepStrictEqual(
                    records.map((r) => [r.name, ...["name", "type", "content", "proxied", "ttl", "zoneId"].map((k) => inputs(r)[k])]).sort(),
                    [
                        ["vtex-www-example-com-hostname", "www.example.com", "CNAME", "www.example.com.cdn.vtex.com", true, 1, zoneId],
                        ["vtex-www-example-com-txt-0", "_www.example.com", "TXT", '"www.example.com.cdn.vtex.com"', false, 300, zoneId],
                    ],
                );
                for (const r of childrenOf(plan, vtex)) assert.match(r.urn, /first-party-proxy:cloudflare:CnameProxy\$cloudflare:/);
                // No Worker route or page rule for the store: Host stays the store's.
                assert.ok(!ofType(plan, T.route).some((d) => String(inputs(d).pattern).startsWith("www.example.com")));
                assert.ok(!ofType(plan, T.pageRule).some((r) => String(inputs(r).target).startsWith("www.example.com")));
            });

            it("one ruleset per phase for the whole zone, owned by ZoneRules", () => {
                const rulesets = ofType(plan, T.ruleset);
                const phases = rulesets.map((r) => inputs(r).phase).sort();
                assert.deepStrictEqual(phases, [...new Set(phases)], "never two rulesets of one phase");
                // The response header phase holds the edge CORS rules of the stack's PostHog and Amplitude proxies.
                assert.deepStrictEqual(phases, [
                    "http_config_settings",
                    "http_request_cache_settings",
                    "http_request_dynamic_redirect",
                    "http_response_headers_transform",
                ]);
                for (const r of rulesets) {
                    assert.strictEqual(inputs(r).kind, "zone");
                    assert.strictEqual(inputs(r).zoneId, zoneId);
                    assert.match(r.urn, /first-party-proxy:cloudflare:ZoneRules\$cloudflare:index\/ruleset:Ruleset::/);
                }
                assert.strictEqual(ofType(plan, T.zoneRules).length, 1);
            });

            it("the ACME challenge reaches VTEX over plain HTTP, uncached; every other plain-HTTP request is redirected", () => {
                const rules = (phase: string) => inputs(ofType(plan, T.ruleset).find((r) => inputs(r).phase === phase)!).rules as any[];
                const hits = (phase: string, path: string, https: boolean) =>
                    rules(phase).filter((r) => evaluateRule(r.expression, { host: "www.example.com", path, https }));
                assert.deepStrictEqual(hits("http_request_dynamic_redirect", acme, false), [], "ACME over HTTP: no redirect");
                const [redirect] = hits("http_request_dynamic_redirect", "/", false);
                assert.strictEqual(redirect.action, "redirect");
                assert.strictEqual(redirect.actionParameters.fromValue.statusCode, 301);
                assert.strictEqual(redirect.enabled, true);
                const [bypass] = hits("http_request_cache_settings", acme, false);
                assert.deepStrictEqual([bypass.action, bypass.actionParameters], ["set_cache_settings", { cache: false }]);
                assert.deepStrictEqual(hits("http_config_settings", acme, false).map((r) => r.actionParameters), [{ ssl: "strict" }]);
                for (const r of [...rules("http_request_cache_settings"), ...rules("http_config_settings")]) {
                    assert.ok(typeof r.ref === "string" && r.ref.length > 0, "every rule has a stable ref");
                }
            });

            it("outputs: the records, the ACME and ruleset caveats, no certificate note for a first-level hostname", () => {
                const out = (plan.outputs.proxies as any)["vtex-www-example-com"];
                assert.strictEqual(out.cdn, "cloudflare-dns");
                assert.deepStrictEqual(out.cdnTargets, ["www.example.com.cdn.vtex.com"]);
                assert.deepStrictEqual(out.dnsRecords.map((r: any) => [r.name, r.type, r.value]), [
                    ["www.example.com", "CNAME", "www.example.com.cdn.vtex.com"],
                    ["_www.example.com", "TXT", "www.example.com.cdn.vtex.com"],
                ]);
                const notes = out.notes.join("\n");
                assert.match(notes, /"Always Use HTTPS" setting off/);
                assert.match(notes, /owns the zone's entry-point rulesets/);
                assert.match(notes, /\/\.well-known\/acme-challenge\/\*/);
                assert.match(notes, /CAA records/);
                assert.doesNotMatch(notes, /Advanced Certificate/);
            });
        });
    }

    it("a store deeper than one label below the zone gets the Advanced Certificate note", async () => {
        const plan = await planConfig(cloudflareStack(modes.worker, [{ vendor: "vtex", domain: "www.shop.example.com" }]));
        const notes: string[] = (plan.outputs.proxies as any)["vtex-www-shop-example-com"].notes;
        assert.ok(
            notes.some((n) => /www\.shop\.example\.com is 2 labels below the zone example\.com: .*Advanced Certificate \(pack\) covering www\.shop\.example\.com \(or \*\.shop\.example\.com\)/.test(n)),
            notes.join("\n"),
        );
        assert.strictEqual(ofType(plan, T.script).length, 0, "VTEX alone needs no Worker");
    });

    it("with the zone given by id only, the certificate note states the rule for the user to check", async () => {
        const plan = await planConfig(cloudflareStack(modes.pageRule, [{ vendor: "vtex", domain: "www.example.com" }], { provider: "cloudflare", zoneId: "abcdef0123456789abcdef0123456789" }));
        const notes: string[] = (plan.outputs.proxies as any)["vtex-www-example-com"].notes;
        assert.ok(notes.some((n) => /if www\.example\.com is deeper than one label below the zone, order an Advanced Certificate/.test(n)));
        assert.ok(ofType(plan, T.record).every((r) => inputs(r).zoneId === "abcdef0123456789abcdef0123456789"));
    });
});
