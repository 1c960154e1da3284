import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "../..");

function plan(...args: string[]) {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", ...args], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("first-party-proxy plan", () => {
    it("--stack dev --json prints exactly one JSON document of resources and outputs", () => {
        const { status, stdout, stderr } = plan("--stack", "dev", "--json");
        assert.strictEqual(status, 0, stderr);
        const doc = JSON.parse(stdout);
        assert.deepStrictEqual(Object.keys(doc), ["resources", "outputs", "mock"]);
        assert.strictEqual(doc.mock.knownAfterUp, "<known after pulumi up>");
        assert.doesNotMatch(stdout, /cloudfront\.net|acm-validations/, "no invented domain names");
        for (const r of doc.resources) if (r.id) assert.ok(doc.mock.ids.includes(r.id), `the document says ${r.name}'s id is mock`);
        for (const r of doc.resources) {
            assert.deepStrictEqual(Object.keys(r), ["type", "name", "urn", "id", "parent", "provider", "inputs"]);
        }
        const types = new Set(doc.resources.map((r: any) => r.type));
        for (const t of ["pulumi:providers:aws", "aws:cloudfront/distribution:Distribution", "aws:acm/certificate:Certificate", "aws:route53/record:Record"]) {
            assert.ok(types.has(t), `plan has ${t}`);
        }
        // References can be followed: every parent and provider reference names a planned resource.
        const urns = new Set(doc.resources.map((r: any) => r.urn));
        const refs = new Set(doc.resources.map((r: any) => `${r.urn}::${r.id}`));
        for (const r of doc.resources) {
            if (r.parent) assert.ok(urns.has(r.parent), `parent of ${r.name}`);
            if (r.provider) assert.ok(refs.has(r.provider), `provider of ${r.name}`);
        }
        assert.deepStrictEqual(Object.keys(doc.outputs.proxies).sort(), [
            "amplitude-r-example-com",
            "posthog-e-example-com",
            "segment-s-example-com",
            "segment-split",
            "vtex-www-example-com",
        ]);
    });

    it("prints a readable tree of components and resources by default", () => {
        const { status, stdout } = plan("--stack", "dev");
        assert.strictEqual(status, 0);
        assert.match(stdout, /├─ first-party-proxy:index:FirstPartyProxy {2}posthog-e-example-com\n│ {2}└─ first-party-proxy:aws:CloudFrontProxy {2}posthog-e-example-com/);
        assert.match(stdout, /\/static\/\* → eu-assets\.i\.posthog\.com/);
        assert.match(stdout, /\[provider us-east-1\]/);
        assert.match(stdout, /e\.example\.com A alias <known after pulumi up>/);
        assert.doesNotMatch(stdout, /cloudfront\.net|acm-validations/, "no invented domain names");
    });

    it("exits non-zero naming the key and what is allowed, registering nothing, for invalid config", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fpp-plan-"));
        const file = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(
            file,
            "config:\n  first-party-proxy:provider: gcp\n  first-party-proxy:dns: {provider: route53, zone: example.com}\n  first-party-proxy:proxies: [{vendor: heap, domain: h.example.com}]\n",
        );
        const { status, stdout, stderr } = plan("--config-file", file, "--json");
        assert.notStrictEqual(status, 0);
        assert.strictEqual(stdout, "", "nothing on stdout");
        assert.match(stderr, /first-party-proxy:provider: got "gcp"; allowed: aws \| cloudflare/);
        assert.match(stderr, /first-party-proxy:proxies\[0\]\.vendor: got "heap"; allowed: segment \| posthog \| amplitude \| vtex/);
    });

    it("refuses a missing stack settings file clearly", () => {
        const { status, stderr } = plan("--stack", "does-not-exist");
        assert.notStrictEqual(status, 0);
        assert.match(stderr, /No stack settings file .*Pulumi\.does-not-exist\.yaml/);
    });
});
