import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { project } from "../../components/config/load";
import { planProgram } from "../../components/plan/mockPlan";
import { FirstPartyProxy, FirstPartyProxyArgs } from "../../index";
import { policies } from "../../policy/policies";
import { call, emptyPb, startPack } from "../policy/analyzer";

/*
 * The package as a user gets it: `npm pack` (which runs prepare, so builds dist/), the tarball installed offline into
 * a scratch project of its own, and a TypeScript program there that imports "first-party-proxy" by name, type-checks
 * against the shipped declarations, and builds proxies under Pulumi's mocks. The scratch project's dependencies
 * other than the package are links to this repository's node_modules, so nothing is downloaded.
 */

const root = path.resolve(__dirname, "../..");
const modules = fs.realpathSync(path.join(root, "node_modules"));
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };

/** The consumer's program: two proxies whose edge code esbuild bundles from the installed package. */
const consumerProgram = `
import * as pulumi from "@pulumi/pulumi";
import { FirstPartyProxy, FirstPartyProxyArgs, Vendor } from "first-party-proxy";

const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
// Just enough of what the cloud would answer for the outputs to resolve.
const answers: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
    "aws:acm/certificate:Certificate": (i) => ({
        arn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
        domainValidationOptions: [{ domainName: i.domainName, resourceRecordName: "_v." + i.domainName + ".", resourceRecordType: "CNAME", resourceRecordValue: "_w.acm-validations.aws." }],
    }),
    "aws:cloudfront/distribution:Distribution": () => ({ domainName: "d111111abcdef8.cloudfront.net", hostedZoneId: "Z2FDTNDATAQYW2" }),
    "aws:cloudfront/function:Function": () => ({ arn: "arn:aws:cloudfront::123456789012:function/f" }),
    "random:index/randomId:RandomId": () => ({ hex: "a1b2c3" }),
};
async function main(): Promise<void> {
await pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs });
            return { id: args.name + "-id", state: { ...args.inputs, ...(answers[args.type]?.(args.inputs) ?? {}) } };
        },
        call: (args) => {
            throw new Error("no invoke expected, got " + args.token);
        },
    },
    "consumer",
    "dev",
    false,
);

const cloudflare: FirstPartyProxyArgs = {
    vendor: Vendor.posthog,
    domain: "e.example.com",
    provider: "cloudflare",
    dns: { provider: "cloudflare", zoneId: "023e105f4ecef8ad9ca31a8372d0c353" },
    cloudflare: { accountId: "0123456789abcdef0123456789abcdef" },
};
const aws: FirstPartyProxyArgs = { vendor: "segment", domain: "s.example.com", provider: "aws", dns: { provider: "route53", zoneId: "Z0123456789ABC" } };
const rum: FirstPartyProxyArgs = { vendor: "datadog", site: "datadoghq.eu", domain: "rum.example.com", provider: "aws", dns: { provider: "route53", zoneId: "Z0123456789ABC" } };
const proxies = [new FirstPartyProxy("analytics", cloudflare), new FirstPartyProxy("segment", aws), new FirstPartyProxy("rum", rum)];

pulumi
    .all(proxies.map((p) => pulumi.all([p.urls, p.sdk, p.cdn, p.dnsRecords])))
    .apply((outputs) => {
        // Give outstanding registrations a turn to reach the mocks, then report.
        setTimeout(() => process.stdout.write(JSON.stringify({ outputs, registered })), 200);
    });
}
main().catch((error) => {
    console.error(error);
    process.exit(1);
});
`;

function run(cmd: string, args: string[], cwd: string): string {
    try {
        return execFileSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" }, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`);
    }
}

interface Registered {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
}

describe("the npm package, installed from its tarball into a project of its own", function () {
    // npm pack builds dist/ (tsc and the edge bundles); the consumer type-checks against @pulumi/aws's declarations.
    this.timeout(900_000);
    let scratch: string;
    let consumer: string;
    let result: { outputs: [string[], Record<string, string>, string, unknown[]][]; registered: Registered[] };

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fpp-pack-"));
        consumer = path.join(scratch, "consumer");
        fs.mkdirSync(consumer);
        const tarball = run("npm", ["pack", "--silent", "--pack-destination", scratch], root).trim().split("\n").pop()!;
        // The package's dependencies (and the consumer's own tools) come from this repository's node_modules.
        const link = (dep: string) => {
            const at = path.join(consumer, "node_modules", dep);
            fs.mkdirSync(path.dirname(at), { recursive: true });
            fs.symlinkSync(path.join(modules, dep), at);
        };
        Object.keys(pkg.dependencies).forEach(link);
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
        fs.writeFileSync(
            path.join(consumer, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true, types: ["node"] } }),
        );
        fs.writeFileSync(path.join(consumer, "index.ts"), consumerProgram);
        run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", path.join(scratch, tarball)], consumer);
        // The consumer's own tool, linked after the install (npm removes what the consumer's package.json does not list).
        link("@types/node");
        result = JSON.parse(run(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], consumer));
    });

    after(() => {
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("installs by name with its built JavaScript, declarations and edge bundles, and none of the repository's sources, tests or tools", () => {
        const installed = path.join(consumer, "node_modules", "first-party-proxy");
        assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "a copy from the tarball, not a link to the repository");
        for (const file of [
            "dist/index.js",
            "dist/types/index.d.ts",
            "dist/components/cloudflare/worker/edge/worker.bundle.mjs",
            "dist/components/cloudflare/worker/edge/sharedWorker.bundle.mjs",
            "dist/components/aws/edge/viewerRequest.bundle.js",
            "dist/scripts/plan.js",
            "dist/program/index.js",
            "dist/policy/index.js",
            "dist/policy/PulumiPolicy.yaml",
            "bin/first-party-proxy.js",
            "examples/cloudflare-worker.yaml",
            "Pulumi.yaml",
            "PulumiPlugin.yaml",
        ]) {
            assert.ok(fs.existsSync(path.join(installed, file)), file);
        }
        for (const absent of ["test", "components", "scripts", "index.ts", "program"]) assert.ok(!fs.existsSync(path.join(installed, absent)), `${absent} is not shipped`);
    });

    it("its policy pack runs from node_modules/first-party-proxy/dist/policy as Pulumi starts it, and serves every policy", async () => {
        const packDir = path.join(consumer, "node_modules", "first-party-proxy", "dist", "policy");
        // Pulumi's Node.js language host: run-policy-pack resolved from the pack's directory, run there with the
        // engine's address and the program `.`.
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
        const pack = await startPack(packDir, [runner, "127.0.0.1:0", "."]);
        try {
            const info = await call<any>(pack.client, "getAnalyzerInfo", new emptyPb.Empty());
            assert.strictEqual(info.getName(), "first-party-proxy");
            assert.deepStrictEqual(info.getPoliciesList().map((p: any) => p.getName()), policies.map((p) => p.name));
        } finally {
            pack.stop();
        }
    });

    it("its command runs from the installed package (compiled, no sources): plan --help, and a plan of a shipped example identical to this repository's", () => {
        const bin = path.join(consumer, "node_modules", ".bin", "first-party-proxy");
        assert.match(run(bin, ["--help"], consumer), /plan \[options\.\.\.\]/);
        assert.match(run(bin, ["plan", "--help"], consumer), /--config-file <path>/);
        const example = (dir: string) => path.join(dir, "examples", "cloudflare-worker.yaml");
        const installed = JSON.parse(run(bin, ["plan", "--config-file", example(path.join(consumer, "node_modules", "first-party-proxy")), "--json"], consumer));
        const here = JSON.parse(run(process.execPath, [path.join(root, "bin", "first-party-proxy.js"), "plan", "--config-file", example(root), "--json"], root));
        assert.ok(installed.resources.some((r: { type: string }) => r.type === "cloudflare:index/workersScript:WorkersScript"));
        assert.deepStrictEqual(installed, here);
    });

    it("the consumer's program type-checks against the shipped declarations", () => {
        run(process.execPath, [path.join(modules, "typescript/bin/tsc"), "--noEmit", "-p", "."], consumer);
    });

    it("builds both proxies under Pulumi's mocks, importing the package by name", () => {
        const [[cfUrls, cfSdk, cfCdn], [awsUrls, , awsCdn, awsRecords]] = result.outputs;
        assert.deepStrictEqual([cfUrls, cfCdn], [["https://e.example.com"], "cloudflare-worker"]);
        assert.strictEqual(cfSdk.api_host.startsWith("https://e.example.com"), true);
        assert.deepStrictEqual([awsUrls, awsCdn], [["https://s.example.com"], "cloudfront"]);
        assert.ok(awsRecords.length > 0);
        const types = result.registered.map((r) => r.type);
        for (const t of ["first-party-proxy:index:FirstPartyProxy", "cloudflare:index/workersScript:WorkersScript", "aws:cloudfront/distribution:Distribution"]) {
            assert.ok(types.includes(t), t);
        }
    });

    it("the edge code it uploads is byte for byte what this repository's own program uploads for the same proxies", async () => {
        const cloudflare: FirstPartyProxyArgs = {
            vendor: "posthog",
            domain: "e.example.com",
            provider: "cloudflare",
            dns: { provider: "cloudflare", zoneId: "023e105f4ecef8ad9ca31a8372d0c353" },
            cloudflare: { accountId: "0123456789abcdef0123456789abcdef" },
        };
        const aws: FirstPartyProxyArgs = { vendor: "segment", domain: "s.example.com", provider: "aws", dns: { provider: "route53", zoneId: "Z0123456789ABC" } };
        const rum: FirstPartyProxyArgs = { vendor: "datadog", site: "datadoghq.eu", domain: "rum.example.com", provider: "aws", dns: { provider: "route53", zoneId: "Z0123456789ABC" } };
        const here = await planProgram({ "aws:region": "eu-west-1" }, () => [new FirstPartyProxy("analytics", cloudflare), new FirstPartyProxy("segment", aws), new FirstPartyProxy("rum", rum)], {
            project,
            stack: "dev",
        });
        const code = (resources: readonly { type: string; inputs: Record<string, any> }[]) => ({
            worker: resources.filter((r) => r.type === "cloudflare:index/workersScript:WorkersScript").map((r) => r.inputs.content),
            functions: resources.filter((r) => r.type === "aws:cloudfront/function:Function").map((r) => r.inputs.code),
        });
        const installed = code(result.registered);
        assert.ok(installed.worker.length === 1 && installed.functions.length > 0, "a Worker and a CloudFront Function were bundled");
        assert.ok(installed.functions.some((code: string) => code.includes("ddforward")), "Datadog's ddforward function, bundled from its own edge module");
        assert.deepStrictEqual(installed, code(here.resources));
    });
});
