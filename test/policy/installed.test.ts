import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../../policy/policies";
import { analyzeOverGrpc, call, emptyPb, ServedPack, startPack } from "./analyzer";
import { planProgramForPolicies, runPolicies, Violation, withChangedInputs } from "./harness";
import { cloudFrontSiteRoutes } from "../../index";
import * as aws from "@pulumi/aws";

/*
 * The policy pack as a user runs it from their own project: `pulumi up --policy-pack
 * node_modules/first-party-proxy/dist/policy`. The pack is built as the package ships it (scripts/buildPolicyPack.js:
 * JavaScript, since Pulumi's ts-node compiles nothing inside node_modules), placed in a scratch project's
 * node_modules next to the package's dependencies, and started exactly as Pulumi's Node.js language host starts a
 * policy pack: `@pulumi/pulumi/cmd/run-policy-pack` resolved from the pack's directory, run with Node.js in that
 * directory with the engine's address and `.`. It must serve the whole pack and report over gRPC what the offline
 * harness reports for a user's program.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildPolicyPack } = require("../../scripts/buildPolicyPack") as { buildPolicyPack(outDir: string): string };
const modules = fs.realpathSync(path.resolve(__dirname, "../../node_modules"));

/** A user's site with PostHog under /k7 and an origin of its own. */
function userProgram(): void {
    const analytics = cloudFrontSiteRoutes("analytics", { vendor: "posthog", region: "eu", domain: "www.example.com", pathPrefix: "/k7" });
    new aws.cloudfront.Distribution("site", {
        enabled: true,
        aliases: ["www.example.com"],
        origins: [{ originId: "app", domainName: "app.example.net", customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1.2"] } }, ...analytics.origins],
        orderedCacheBehaviors: analytics.orderedCacheBehaviors,
        defaultCacheBehavior: { targetOriginId: "app", viewerProtocolPolicy: "allow-all", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b6c4ef2-6a1d-4c0e-9f33-0123456789ab", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
        restrictions: { geoRestriction: { restrictionType: "none" } },
    });
}

describe("policy pack installed with the package, started as Pulumi starts it from a user's project", function () {
    // tsc compiles the pack; the runner loads TypeScript and ts-node before the pack, as Pulumi's does.
    this.timeout(300_000);
    let scratch: string;
    let packDir: string;
    let pack: ServedPack;

    before(async () => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fpp-policy-"));
        const project = path.join(scratch, "site");
        packDir = buildPolicyPack(path.join(project, "node_modules", "first-party-proxy", "dist", "policy"));
        // The package's dependencies, where npm puts them for the user's project: links to this repository's.
        for (const dep of ["@pulumi/pulumi", "@pulumi/policy", "@pulumi/aws", "@pulumi/cloudflare"]) {
            const at = path.join(project, "node_modules", dep);
            fs.mkdirSync(path.dirname(at), { recursive: true });
            fs.symlinkSync(path.join(modules, dep), at);
        }
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
        pack = await startPack(packDir, [runner, "127.0.0.1:0", "."]);
    });

    after(() => {
        pack?.stop();
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("is JavaScript with Pulumi's pack files, and serves every policy, mandatory", async () => {
        const files = fs.readdirSync(packDir).sort();
        assert.ok(files.includes("index.js") && files.includes("PulumiPolicy.yaml") && files.includes("package.json"), files.join(", "));
        assert.deepStrictEqual(files.filter((f) => f.endsWith(".ts")), []);
        const info = await call<any>(pack.client, "getAnalyzerInfo", new emptyPb.Empty());
        assert.strictEqual(info.getName(), "first-party-proxy");
        assert.deepStrictEqual(
            info.getPoliciesList().map((p: any) => p.getName()),
            policies.map((p) => p.name),
        );
    });

    it("reports over gRPC what the offline harness reports for a user's program: nothing for the site's own parts, the vendor part's faults", async () => {
        const plan = await planProgramForPolicies({ "aws:region": "eu-west-1" }, userProgram, { project: "site", stack: "prod" });
        assert.deepStrictEqual(await analyzeOverGrpc(pack.client, plan), []);

        const broken = withChangedInputs(plan, (r) => r.name === "site", (i) => (i.orderedCacheBehaviors[0].viewerProtocolPolicy = "allow-all"));
        const offline = await runPolicies(policies, broken);
        assert.deepStrictEqual(offline.map((v) => v.policy), ["cloudfront-viewer-https"]);
        const description = new Map(policies.map((p) => [p.name, p.description]));
        // The engine's message is the policy's description, a newline, then what the policy reported.
        const asEngine = (vs: Violation[]) => vs.map((v) => ({ ...v, message: `${description.get(v.policy)}\n${v.message}` }));
        assert.deepStrictEqual(await analyzeOverGrpc(pack.client, broken), asEngine(offline));
    });
});
