import * as assert from "assert";
import * as path from "path";
import { policies } from "../../policy/policies";
import { analyzeOverGrpc, analyzerPb, call, emptyPb, ServedPack, startPack } from "./analyzer";
import { byType, planShipped, runPolicies, Violation, withChangedInputs, withChangedOptions } from "./harness";

/*
 * The pack as the Pulumi engine runs it: policy/index.ts serving the Analyzer gRPC service in its own process, asked
 * over gRPC with the same resources the offline harness uses. Both must report exactly the same violations, which
 * is what lets the offline tests stand for `pulumi up --policy-pack policy`. (The CLI type-checks the pack first,
 * about 30 s; `npm run typecheck` covers the same files: the root tsconfig includes the policy folder.)
 */

const policyDir = path.resolve(__dirname, "../../policy");

describe("policy pack served over the Analyzer protocol agrees with the offline harness", function () {
    let pack: ServedPack;
    let client: any;

    before(async () => {
        // As the analyzer plugin starts it (cwd = the pack), transpile-only.
        pack = await startPack(policyDir, ["-r", "ts-node/register/transpile-only", "-e", "require('./index')"], { TS_NODE_TRANSPILE_ONLY: "true" });
        client = pack.client;
    });

    after(() => pack?.stop());

    it("serves every policy of policy/policies.ts, mandatory", async () => {
        const info = await call<any>(client, "getAnalyzerInfo", new emptyPb.Empty());
        assert.strictEqual(info.getName(), "first-party-proxy");
        const served = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]);
        assert.deepStrictEqual(
            served,
            policies.map((p) => [p.name, analyzerPb.EnforcementLevel.MANDATORY]),
        );
    });

    const description = new Map(policies.map((p) => [p.name, p.description]));
    /** The engine's message is the policy's description, a newline, then what the policy reported. */
    const asEngineReports = (vs: Violation[]) =>
        vs.map((v) => JSON.stringify({ ...v, message: `${description.get(v.policy)}\n${v.message}` })).sort();
    const sorted = (vs: Violation[]) => vs.map((v) => JSON.stringify(v)).sort();

    it("a clean stack: no violation either way", async () => {
        const plan = await planShipped("cloudflare-page-rule");
        assert.deepStrictEqual(await analyzeOverGrpc(client, plan), []);
    });

    it("a stack broken in several places: the same violations, resource and stack policies alike", async () => {
        const dev = await planShipped("dev");
        let broken = withChangedInputs(dev, byType("pulumi:providers:aws"), (i) => (i.region = "eu-west-2"));
        broken = withChangedInputs(broken, byType("aws:cloudfront/originRequestPolicy:OriginRequestPolicy"), (i) => i.headersConfig.headers.items.push("Host"));
        broken = withChangedInputs(broken, byType("aws:acm/certificate:Certificate"), (i) => (i.domainName = "elsewhere.example.com"));
        broken = withChangedOptions(broken, byType("aws:acm/certificate:Certificate"), (o) => ({ ...o, deleteBeforeReplace: true }));
        const offline = await runPolicies(policies, broken);
        assert.ok(offline.length >= 4, `offline: ${offline.length} violations`);
        assert.deepStrictEqual(sorted(await analyzeOverGrpc(client, broken)), asEngineReports(offline));
    });

    it("a broken Cloudflare stack: the same violations", async () => {
        const workers = await planShipped("cloudflare-worker");
        let broken = withChangedInputs(workers, byType("cloudflare:index/workersScript:WorkersScript"), (i) => {
            const binding = i.bindings[0];
            const settings = JSON.parse(binding.json);
            settings.origins.api.baseUrl = "https://example.net";
            binding.json = JSON.stringify(settings);
        });
        broken = withChangedInputs(broken, (r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" && r.inputs.proxied === true, (i) => (i.ttl = 120));
        // A stack policy that reads dependencies: the record of s.example.com no longer waits for its Worker route.
        broken = withChangedOptions(broken, (r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" && r.inputs.name === "s.example.com", (o) => ({
            ...o,
            dependencies: o.dependencies.filter((u) => !u.includes("workersRoute")),
        }));
        const offline = await runPolicies(policies, broken);
        assert.ok(offline.length >= 3, `offline: ${offline.length} violations`);
        assert.ok(offline.some((v) => v.policy === "cloudflare-worker-route-proxied"), "the Worker route policy is among them");
        assert.deepStrictEqual(sorted(await analyzeOverGrpc(client, broken)), asEngineReports(offline));
    });
});
