import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import os from "node:os";
import {
    bundleWorkerModule,
    workerCompatibilityDate,
    workerMainModule,
    workerModuleSource,
} from "../../../components/cloudflare/worker/source";
import { vendorPresets } from "../../../components/vendors";

describe("workerModuleSource", () => {
    const source = workerModuleSource();

    it("is edge/worker.ts bundled with the model's own path matcher and rewrite", () => {
        for (const file of ["components/model/pathPattern.ts", "components/model/pathRewrite.ts", "components/cloudflare/worker/edge/worker.ts"]) {
            assert.ok(source.includes(`// ${file}\n`), `bundles ${file}`);
        }
        assert.match(source, /^function selectRouteIndex\(/m);
        assert.match(source, /^function rewritePath\(/m);
        // One module: nothing left to import at the edge, and no Node.js code bundled in.
        assert.doesNotMatch(source, /^import /m);
        assert.doesNotMatch(source, /\brequire\(|node:/);
    });

    it("is the same bytes however often and wherever it is bundled", () => {
        const cwd = process.cwd();
        try {
            process.chdir(os.tmpdir());
            assert.equal(bundleWorkerModule(), source);
        } finally {
            process.chdir(cwd);
        }
    });

    it("is one generic ES module: no vendor hostnames, settings from the SETTINGS binding", () => {
        assert.match(source, /^export \{\n\s+\w+ as default\n\};/m);
        assert.match(source, /env\.SETTINGS/);
        for (const preset of Object.values(vendorPresets)) {
            for (const endpoints of Object.values(preset.endpoints)) {
                for (const host of Object.values(endpoints ?? {})) assert.ok(!source.includes(host.replace("{host}", "")), host);
            }
        }
    });

    it("uses no Cache API, which standalone workerd lacks", () => {
        assert.doesNotMatch(source, /caches\./);
    });

    it("names an .mjs main module and a compatibility date the installed workerd supports", () => {
        assert.match(workerMainModule, /\.mjs$/);
        const { version } = JSON.parse(readFileSync(require.resolve("workerd/package.json"), "utf8")) as { version: string };
        const [, yyyymmdd] = /^\d+\.(\d{8})/.exec(version)!;
        const workerdDate = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`;
        assert.ok(workerCompatibilityDate >= "2024-11-11", "fetch's cache option needs 2024-11-11");
        assert.ok(workerCompatibilityDate <= workerdDate, `workerd ${version} supports dates up to ${workerdDate}`);
    });
});
