import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { managedCachePolicy, managedOriginRequestPolicy } from "../../components/aws/managedPolicies";
import { vendorRegions } from "../../components/model/types";
import { vendorPresets } from "../../components/vendors";
import { datadogIntakeHosts } from "../../components/vendors/datadog";
import { managed, vendorHosts, vendorOfHost } from "../../policy/facts";
import { policies } from "../../policy/policies";

const policyDir = path.resolve(__dirname, "../../policy");

describe("policy pack", () => {
    it("is a nodejs policy pack the CLI can load from policy/ (PulumiPolicy.yaml, versioned package.json, index.ts)", () => {
        const manifest = parse(fs.readFileSync(path.join(policyDir, "PulumiPolicy.yaml"), "utf8"));
        assert.strictEqual(manifest.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/, "PolicyPack refuses a package.json without a version");
        const root = JSON.parse(fs.readFileSync(path.join(policyDir, "../package.json"), "utf8"));
        for (const [dep, range] of Object.entries(pkg.dependencies as Record<string, string>)) {
            const rootRange = root.dependencies[dep] ?? root.devDependencies[dep];
            assert.strictEqual(range, rootRange, `${dep}: the pack resolves it from the root node_modules, so its range must be the root's`);
        }
        assert.match(fs.readFileSync(path.join(policyDir, "index.ts"), "utf8"), /new PolicyPack\(/);
    });

    it("every policy: a unique kebab-case name, a description, mandatory, one validation entry point", () => {
        const names = policies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length, "names are unique");
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, p.name);
            assert.ok(p.description.length > 30, `${p.name} has a description`);
            assert.strictEqual(p.enforcementLevel, "mandatory", p.name);
            const hasResource = "validateResource" in p && p.validateResource !== undefined;
            const hasStack = "validateStack" in p && typeof p.validateStack === "function";
            assert.ok(hasResource !== hasStack, `${p.name} validates either resources or the stack`);
        }
    });

    it("knows every upstream host the vendor presets use, and the program's managed policy IDs", () => {
        for (const preset of Object.values(vendorPresets)) {
            for (const region of vendorRegions) {
                for (const host of Object.values(preset.endpoints[region] ?? {})) {
                    const concrete = host.replace("{host}", "www.example.com").replace("{tagId}", "g-abc123xyz9");
                    assert.strictEqual(vendorOfHost(concrete), preset.id, `${preset.id} ${region}: ${concrete}`);
                }
            }
        }
        const known = Object.values(vendorHosts).flat().length;
        const used = new Set([
            ...Object.values(vendorPresets).flatMap((p) => vendorRegions.flatMap((r) => Object.values(p.endpoints[r] ?? {})).filter((h) => !h.includes("{"))),
            // Datadog's intake host is chosen by `site`, not region.
            ...Object.values(datadogIntakeHosts),
        ]);
        for (const host of Object.values(datadogIntakeHosts)) assert.strictEqual(vendorOfHost(host), "datadog", host);
        assert.strictEqual(known, used.size, "the pack lists no host the program never uses");
        assert.deepStrictEqual(managed.cache, managedCachePolicy);
        assert.deepStrictEqual(managed.originRequest, managedOriginRequestPolicy);
    });

    it("tells documented vendor hosts from look-alikes", () => {
        assert.strictEqual(vendorOfHost("api.segment.io."), "segment");
        assert.strictEqual(vendorOfHost("store.example.com.cdn.vtex.com"), "vtex");
        assert.strictEqual(vendorOfHost(".cdn.vtex.com"), undefined);
        assert.strictEqual(vendorOfHost("api.segment.io.evil.example"), undefined);
        assert.strictEqual(vendorOfHost("evil-us.i.posthog.com"), undefined);
        assert.strictEqual(vendorOfHost(undefined), undefined);
        assert.strictEqual(vendorOfHost("gtm-p2f3n47q.fps.goog"), "google");
        assert.strictEqual(vendorOfHost("evil.example.fps.goog"), undefined);
        assert.strictEqual(vendorOfHost("g-abc123.fps.goog.evil.example"), undefined);
    });
});
