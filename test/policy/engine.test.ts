import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { policies } from "../../policy/policies";
import { byType, planShipped, PolicyPlan, resourceArgs, runPolicies, stackArgs, Violation, withChangedInputs, withChangedOptions } from "./harness";

/*
 * The pack as the Pulumi engine runs it: policy/index.ts serving the Analyzer gRPC service in its own process, asked
 * over gRPC with the same resources the offline harness uses. Both must report exactly the same violations, which
 * is what lets the offline tests stand for `pulumi up --policy-pack policy`. (The CLI type-checks the pack first,
 * about 30 s; `npm run typecheck` covers the same files: the root tsconfig includes the policy folder.)
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const policyDir = path.resolve(__dirname, "../../policy");

/** Starts the pack the way the analyzer plugin does (cwd = the pack), transpile-only; resolves with the port it prints. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", "require('./index')"], {
            cwd: policyDir,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        child.stdout!.once("data", (d) => {
            const port = Number(String(d).trim());
            if (Number.isInteger(port) && port > 0) resolve({ child, port });
            else reject(new Error(`the pack printed ${JSON.stringify(String(d))}; stderr: ${stderr}`));
        });
        child.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
}

const struct = (value: unknown) => structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));
const call = <T>(client: any, method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));

function optionsProto(opts: { protect: boolean; ignoreChanges: string[]; deleteBeforeReplace?: boolean; parent?: string }) {
    const o = new analyzerPb.AnalyzerResourceOptions();
    o.setProtect(opts.protect);
    o.setIgnorechangesList(opts.ignoreChanges);
    if (opts.deleteBeforeReplace !== undefined) {
        o.setDeletebeforereplacedefined(true);
        o.setDeletebeforereplace(opts.deleteBeforeReplace);
    }
    if (opts.parent) o.setParent(opts.parent);
    return o;
}

function providerProto(p: { type: string; props: unknown; urn: string; name: string } | undefined) {
    if (!p) return undefined;
    const proto = new analyzerPb.AnalyzerProviderResource();
    proto.setType(p.type);
    proto.setProperties(struct(p.props));
    proto.setUrn(p.urn);
    proto.setName(p.name);
    return proto;
}

/** Every violation the served pack reports for the plan: one Analyze call per resource, one AnalyzeStack call. */
async function analyzeOverGrpc(client: any, plan: PolicyPlan): Promise<Violation[]> {
    // The engine files a resource policy's diagnostics under the resource it asked about; the server leaves the URN out.
    const diagnostics: { d: any; urn?: string }[] = [];
    for (const r of plan.resources) {
        const args = resourceArgs(r, plan);
        const req = new analyzerPb.AnalyzeRequest();
        req.setType(args.type);
        req.setProperties(struct(args.props));
        req.setUrn(args.urn);
        req.setName(args.name);
        req.setOptions(optionsProto(args.opts));
        const provider = providerProto(args.provider);
        if (provider) req.setProvider(provider);
        diagnostics.push(...(await call<any>(client, "analyze", req)).getDiagnosticsList().map((d: any) => ({ d, urn: r.urn })));
    }
    const stackReq = new analyzerPb.AnalyzeStackRequest();
    stackReq.setResourcesList(
        stackArgs(plan).resources.map((r) => {
            const proto = new analyzerPb.AnalyzerResource();
            proto.setType(r.type);
            proto.setProperties(struct(r.props));
            proto.setUrn(r.urn);
            proto.setName(r.name);
            proto.setOptions(optionsProto(r.opts));
            const provider = providerProto(r.provider);
            if (provider) proto.setProvider(provider);
            if (r.parent) proto.setParent(r.parent.urn);
            proto.setDependenciesList(r.dependencies.map((d) => d.urn));
            for (const [key, deps] of Object.entries(r.propertyDependencies)) {
                const list = new analyzerPb.AnalyzerPropertyDependencies();
                list.setUrnsList(deps.map((d) => d.urn));
                proto.getPropertydependenciesMap().set(key, list);
            }
            return proto;
        }),
    );
    diagnostics.push(...(await call<any>(client, "analyzeStack", stackReq)).getDiagnosticsList().map((d: any) => ({ d })));
    return diagnostics.map(({ d, urn }) => {
        const reported = d.getUrn() || urn;
        return { policy: d.getPolicyname(), message: d.getMessage(), ...(reported ? { urn: reported } : {}) };
    });
}

describe("policy pack served over the Analyzer protocol agrees with the offline harness", function () {
    let pack: { child: ChildProcess; port: number };
    let client: any;

    before(async () => {
        pack = await startPack();
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.child.kill();
    });

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
