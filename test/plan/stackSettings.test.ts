import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { project } from "../../components/config/load";
import { planProgram } from "../../components/plan/mockPlan";
import { loadStackSettings, readStackSettings, secretPlaceholder } from "../../components/plan/stackSettings";
import { buildStack } from "../../components/stack";

const root = path.resolve(__dirname, "../..");

function write(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fpp-settings-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

const workerStack = (cloudflare: string) => `config:
  first-party-proxy:provider: cloudflare
  first-party-proxy:dns: {provider: cloudflare, zone: example.com}
  first-party-proxy:cloudflare:
${cloudflare}
  first-party-proxy:proxies: [{vendor: posthog, domain: e.example.com}]
`;

const plan = (config: Record<string, string>) => planProgram(config, () => buildStack(), { project, stack: "test" });

describe("the offline plan reads config as Pulumi does", () => {
    describe("secrets (secure:)", () => {
        it("a secret cloudflare.accountId plans, with the placeholder where the account id goes", async () => {
            const dir = write({ "Pulumi.s.yaml": workerStack("    accountId: {secure: v1:abc:def}\n    mode: worker") });
            const config = readStackSettings(path.join(dir, "Pulumi.s.yaml"));
            const p = await plan(config);
            const script = p.resources.find((r) => r.type === "cloudflare:index/workersScript:WorkersScript");
            assert.ok(script, "the Worker is planned");
            assert.strictEqual((script!.inputs as any).accountId, secretPlaceholder);
        });

        it("what can be validated still is: a bad mode next to a secret account id is reported, the secret is not", async () => {
            const dir = write({ "Pulumi.s.yaml": workerStack("    accountId: {secure: v1:abc:def}\n    mode: wrkr") });
            await assert.rejects(plan(readStackSettings(path.join(dir, "Pulumi.s.yaml"))), (err: Error) => {
                assert.match(err.message, /first-party-proxy:cloudflare\.mode/);
                assert.doesNotMatch(err.message, /accountId/);
                return true;
            });
        });

        it("a structured key secret as a whole says to make only the field secret", async () => {
            const dir = write({ "Pulumi.s.yaml": workerStack("    secure: v1:abc:def") });
            await assert.rejects(plan(readStackSettings(path.join(dir, "Pulumi.s.yaml"))), /first-party-proxy:cloudflare: is a secret as a whole.*--secret --path 'first-party-proxy:cloudflare\.<field>'/);
        });
    });

    describe("project-level config in Pulumi.yaml", () => {
        const projectFile = `name: first-party-proxy
runtime: nodejs
config:
  aws:region: eu-central-1
  first-party-proxy:provider:
    type: string
    default: aws
  cloudfront:
    value: {priceClass: PriceClass_100}
  first-party-proxy:proxies:
    description: the proxies
`;
        it("applies values and defaults to every stack; the stack's own value wins; short keys are the project's", () => {
            const dir = write({ "Pulumi.yaml": projectFile, "Pulumi.a.yaml": "config:\n  aws:region: us-west-2\n  first-party-proxy:dns: {provider: manual}\n" });
            const config = readStackSettings(path.join(dir, "Pulumi.a.yaml"), path.join(dir, "Pulumi.yaml"));
            assert.deepStrictEqual(config, {
                "aws:region": "us-west-2",
                "first-party-proxy:provider": "aws",
                "first-party-proxy:cloudfront": '{"priceClass":"PriceClass_100"}',
                "first-party-proxy:dns": '{"provider":"manual"}',
            });
        });

        it("this repository's Pulumi.yaml applies to its stack files", () => {
            const dir = write({ "Pulumi.b.yaml": "config:\n  first-party-proxy:dns: {provider: manual}\n" });
            const declared = loadStackSettings(path.join(dir, "Pulumi.b.yaml")).config;
            const own = loadStackSettings(path.join(dir, "Pulumi.b.yaml"), null);
            assert.deepStrictEqual(own.config, { "first-party-proxy:dns": '{"provider":"manual"}' }, "null: no project file");
            assert.strictEqual(declared["first-party-proxy:provider"], "aws", "Pulumi.yaml's default provider");
        });
    });

    it("an ESC environment gets a clear note on stderr, not silence", () => {
        const dir = write({ "Pulumi.e.yaml": "environment:\n  - my-org/analytics\nconfig:\n  first-party-proxy:dns: {provider: manual}\n  first-party-proxy:proxies: [{vendor: posthog, domain: e.example.com}]\n" });
        const { notes } = loadStackSettings(path.join(dir, "Pulumi.e.yaml"));
        assert.strictEqual(notes.length, 1);
        assert.match(notes[0], /ESC environment my-org\/analytics: not read by the offline plan/);
        const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "--config-file", path.join(dir, "Pulumi.e.yaml"), "--json"], {
            cwd: root,
            encoding: "utf8",
            timeout: 60_000,
        });
        assert.strictEqual(result.status, 0, result.stderr);
        assert.match(result.stderr, /^note: Pulumi\.e\.yaml imports the Pulumi ESC environment my-org\/analytics: not read by the offline plan/);
        JSON.parse(result.stdout);
    });
});
