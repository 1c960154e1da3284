import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const bin = path.join(root, pkg.bin?.["first-party-proxy"] ?? "missing");

/** The package's command as `npx first-party-proxy …` runs it, from a directory that is not the project. */
function run(...args: string[]) {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "fpp-bin-"));
    const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 170_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the first-party-proxy command (package bin)", function () {
    // Each test starts Node and ts-node afresh: slow on a loaded machine.
    this.timeout(180_000);
    it("is declared in package.json, executable, and needs only runtime dependencies", () => {
        assert.ok(fs.existsSync(bin), `package.json bin first-party-proxy → ${bin}`);
        assert.match(fs.readFileSync(bin, "utf8"), /^#!\/usr\/bin\/env node\n/);
        assert.ok(fs.statSync(bin).mode & 0o111, "bin is executable");
        for (const dep of ["commander", "ts-node", "typescript"]) assert.ok(pkg.dependencies[dep], `${dep} is a dependency, not a devDependency`);
    });

    it("plan --stack dev --json: stdout is exactly one JSON document", () => {
        const { status, stdout, stderr } = run("plan", "--stack", "dev", "--json");
        assert.strictEqual(status, 0, stderr);
        const doc = JSON.parse(stdout);
        assert.ok(Array.isArray(doc.resources) && doc.resources.length > 0);
        assert.ok(doc.outputs.proxies);
    });

    it("verify --json: stdout is exactly one JSON document, and the exit status says a check failed", () => {
        const { status, stdout, stderr } = run("verify", "--url", "https://127.0.0.1:9", "--vendor", "posthog", "--timeout", "3000", "--json");
        assert.strictEqual(status, 1, stderr);
        const doc = JSON.parse(stdout);
        assert.strictEqual(doc.ok, false);
        assert.ok(doc.rows.length > 0);
    });

    it("passes each command's own help through", () => {
        const { status, stdout } = run("plan", "--help");
        assert.strictEqual(status, 0);
        assert.match(stdout, /--config-file <path>/);
    });

    it("passes each command's own options through", () => {
        const bad = run("plan", "--stack", "does-not-exist");
        assert.notStrictEqual(bad.status, 0);
        assert.strictEqual(bad.stdout, "");
        assert.match(bad.stderr, /No stack settings file .*Pulumi\.does-not-exist\.yaml/);
    });
});
