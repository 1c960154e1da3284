import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { workerCompatibilityDate, workerMainModule, workerModuleSource } from "../../../components/cloudflare/worker/source";
import { matchesPathPattern, selectRouteIndex } from "../../../components/model/pathPattern";
import { vendorPresets } from "../../../components/vendors";

describe("workerModuleSource", () => {
    const source = workerModuleSource();

    it("embeds the model's path matcher verbatim", () => {
        assert.ok(source.includes(String(matchesPathPattern)));
        assert.ok(source.includes(String(selectRouteIndex)));
    });

    it("is one generic ES module: no vendor hostnames, settings from the SETTINGS binding", () => {
        assert.match(source, /^export default \{/m);
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
