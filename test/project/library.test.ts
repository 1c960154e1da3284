import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const root = path.resolve(__dirname, "../..");

describe("the package's main is a library, the stack program is separate", () => {
    it("importing index.ts in a fresh process, with no stack config and no engine, registers nothing and throws nothing", function () {
        this.timeout(60_000);
        // Before the split, index.ts ran the stack at import: it threw "Invalid first-party-proxy stack config".
        const script = `
            const settings = require("@pulumi/pulumi/runtime/settings");
            const lib = require("./index.ts");
            process.stdout.write(JSON.stringify({ exports: Object.keys(lib).sort(), monitor: settings.hasMonitor() }));`;
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
            cwd: root,
            env: { ...process.env, PULUMI_CONFIG: "", PULUMI_MONITOR: "", PULUMI_ENGINE: "" },
            encoding: "utf8",
        });
        const { exports, monitor } = JSON.parse(out) as { exports: string[]; monitor: boolean };
        assert.strictEqual(monitor, false, "no resource monitor was needed");
        assert.ok(exports.includes("buildStack"), `exports: ${exports.join(", ")}`);
    });

    it("Pulumi.yaml runs program/, whose index.ts builds the stack", () => {
        const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
        assert.strictEqual(project.main, "program/");
        assert.match(fs.readFileSync(path.join(root, "program/index.ts"), "utf8"), /export = buildStack\(\);/);
    });

    it("package.json: public, built to dist/ with types, built on prepare", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.strictEqual(pkg.private, undefined);
        assert.deepStrictEqual([pkg.main, pkg.types], ["dist/index.js", "dist/types/index.d.ts"]);
        assert.deepStrictEqual(pkg.exports["."], { types: "./dist/types/index.d.ts", default: "./dist/index.js" });
        assert.strictEqual(pkg.scripts.prepare, "node scripts/prepare.js");
        assert.ok(pkg.files.includes("dist/"));
    });
});
