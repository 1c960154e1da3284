import * as assert from "assert";
import { buildProxySpec } from "../../components/model/proxySpec";
import { vendorIds, vendorRegions } from "../../components/model/types";
import { presetRoutedVendors, vendorPresets } from "../../components/vendors";

describe("buildProxySpec", () => {
    it("gives every preset's layouts a default route last and only origins they use", () => {
        // Google tag gateway and custom vendors: test/vendors/google.test.ts, custom.test.ts.
        for (const vendor of presetRoutedVendors) {
            const preset = vendorPresets[vendor];
            for (const [layout, sites] of Object.entries(preset.layouts)) {
                for (const region of vendorRegions.filter((r) => preset.endpoints[r])) {
                    const hostnames = Object.fromEntries(sites.map((s) => [s.role, `${s.role}.example.com`]));
                    const spec = buildProxySpec({ kind: "cdn", name: "p", vendor, region, layout, hostnames });
                    for (const site of spec.sites) {
                        const patterns = site.routes.map((r) => r.pathPattern);
                        assert.strictEqual(patterns[patterns.length - 1], "*", `${vendor}/${layout}: default route last`);
                        assert.strictEqual(patterns.indexOf("*"), patterns.length - 1, `${vendor}/${layout}: one default`);
                        const ids = new Set(site.origins.map((o) => o.id));
                        assert.strictEqual(ids.size, site.origins.length, "origin ids unique");
                        for (const route of site.routes) assert.ok(ids.has(route.originId), `${route.originId} declared`);
                        for (const origin of site.origins) {
                            assert.ok(site.routes.some((r) => r.originId === origin.id), `${origin.id} used`);
                            assert.doesNotMatch(origin.domain, /[{}]/, "templates filled in");
                        }
                    }
                }
            }
        }
    });

    it("keeps the viewer Host and cookies only for VTEX", () => {
        for (const vendor of vendorIds) {
            for (const origin of Object.values(vendorPresets[vendor].origins)) {
                assert.strictEqual(origin.host === "viewer", vendor === "vtex");
                assert.strictEqual(origin.cookies === "forward", vendor === "vtex");
            }
        }
    });

    it("never caches Amplitude and never forwards the viewer Host elsewhere", () => {
        for (const site of vendorPresets.amplitude.layouts.single) {
            for (const route of site.routes) assert.strictEqual(route.cache.mode, "disabled");
        }
        for (const vendor of vendorIds.filter((v) => v !== "vtex")) {
            for (const sites of Object.values(vendorPresets[vendor].layouts)) {
                for (const route of sites.flatMap((s) => s.routes)) {
                    assert.notStrictEqual(route.forward.mode, "allViewer", `${vendor} ${route.pathPattern}`);
                    if (route.forward.mode === "custom") assert.ok(!route.forward.headers.map((h) => h.toLowerCase()).includes("host"));
                }
            }
        }
    });

    it("fills VTEX's origin from the store hostname and adds the TXT record", () => {
        const spec = buildProxySpec({ kind: "cdn", name: "v", vendor: "vtex", region: "us", layout: "single", hostnames: { store: "www.mystore.com" } });
        assert.deepStrictEqual(
            spec.sites[0].origins.map((o) => [o.id, o.domain, o.protocol]),
            [
                ["store", "www.mystore.com.cdn.vtex.com", "https"],
                ["acme", "www.mystore.com.cdn.vtex.com", "http"],
            ],
        );
        assert.deepStrictEqual(spec.extraDnsRecords.map((r) => [r.name, r.type, r.values]), [
            ["_www.mystore.com", "TXT", ["www.mystore.com.cdn.vtex.com"]],
        ]);
    });

    it("refuses a region or layout the vendor lacks, and a missing hostname", () => {
        assert.throws(
            () => buildProxySpec({ kind: "cdn", name: "v", vendor: "vtex", region: "eu", layout: "single", hostnames: { store: "a.b.com" } }),
            /VTEX has no eu region/,
        );
        assert.throws(
            () => buildProxySpec({ kind: "cdn", name: "p", vendor: "posthog", region: "us", layout: "split", hostnames: {} }),
            /PostHog has no "split" layout/,
        );
        assert.throws(
            () => buildProxySpec({ kind: "cdn", name: "s", vendor: "segment", region: "us", layout: "split", hostnames: { cdn: "c.example.com" } }),
            /needs a hostname for "api"/,
        );
    });

    it("describes Segment's managed Custom Domain as DNS records only", () => {
        const spec = buildProxySpec({ kind: "segmentDelegation", name: "s", domain: "cdp.example.com", nameServers: ["a.ns.com", "b.ns.com"] });
        assert.deepStrictEqual(spec.sites, []);
        assert.deepStrictEqual(spec.extraDnsRecords.map((r) => [r.name, r.type, r.values]), [["cdp.example.com", "NS", ["a.ns.com", "b.ns.com"]]]);
    });
});
