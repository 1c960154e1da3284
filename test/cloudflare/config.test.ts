import * as assert from "assert";
import { cloudflareProxyKind, requireCloudflareSetup } from "../../components/cloudflare/builder";
import { labelsBelowZone, edgeCertificateNotes, universalSslCovers } from "../../components/cloudflare/edgeCertificates";
import { maxScriptNameLength, siteResourceName, workerScriptName } from "../../components/cloudflare/names";
import { buildProxySpec } from "../../components/model/proxySpec";
import { ofType, planConfig, planRefused } from "../helpers/plan";
import { accountId, cloudflareStack, inputs, T, zone } from "./fixtures";

const segment = (n: number) => ({ vendor: "segment", region: "us", name: `seg-${n}`, domain: `s${n}.example.com` });

describe("Cloudflare stack config combinations", () => {
    it("refuses provider cloudflare with DNS elsewhere, registering nothing", async () => {
        for (const dns of [{ provider: "route53", zone }, { provider: "manual" }]) {
            const { error, registered } = await planRefused(cloudflareStack({ accountId }, [segment(1)], dns));
            assert.match(error.message, /dns\.provider must be cloudflare/);
            assert.strictEqual(registered, 0);
        }
    });

    it("refuses worker mode without an account, and page-rule mode without enterprise", async () => {
        assert.match((await planRefused(cloudflareStack({ mode: "worker" }, [segment(1)]))).error.message, /cloudflare\.accountId is required in worker mode/);
        assert.match((await planRefused(cloudflareStack({ mode: "pageRule" }, [segment(1)]))).error.message, /Enterprise/);
        assert.match((await planRefused({ provider: "cloudflare", dns: { provider: "cloudflare", zone }, proxies: [segment(1)] })).error.message, /cloudflare settings/);
    });

    it("refuses more page rules than an Enterprise zone holds before registering anything", async () => {
        // 26 single-host Segment proxies × 5 routes = 130 page rules > 125.
        const proxies = Array.from({ length: 26 }, (_, i) => segment(i));
        const { error, registered } = await planRefused(cloudflareStack({ mode: "pageRule", enterprise: true }, proxies));
        assert.match(error.message, /the zone needs 130 page rules, more than the 125 Cloudflare allows/);
        assert.strictEqual(registered, 0);
    });

    it("keeps Segment's managed Custom Domain on Cloudflare: only its DNS records, unproxied", async () => {
        const plan = await planConfig(
            cloudflareStack({ accountId }, [
                { vendor: "segment", name: "seg-cname", managed: "cname", cdnDomain: "cdn.example.com", apiDomain: "api.example.com", cdnTarget: "cdn-abc.segment-custom.example.net", apiTarget: "api-abc.segment-custom.example.net" },
                { vendor: "segment", name: "seg-ns", managed: "delegation", domain: "seg.example.com", nameServers: ["ns-1.segment-dns.example.net", "ns-2.segment-dns.example.net"] },
            ]),
        );
        assert.strictEqual(ofType(plan, T.script).length + ofType(plan, T.pageRule).length + ofType(plan, T.ruleset).length, 0);
        assert.deepStrictEqual(
            ofType(plan, T.record).map((r) => [inputs(r).name, inputs(r).type, inputs(r).content, inputs(r).proxied]),
            [
                ["cdn.example.com", "CNAME", "cdn-abc.segment-custom.example.net", false],
                ["api.example.com", "CNAME", "api-abc.segment-custom.example.net", false],
                ["seg.example.com", "NS", "ns-1.segment-dns.example.net", false],
                ["seg.example.com", "NS", "ns-2.segment-dns.example.net", false],
            ],
        );
        assert.strictEqual((plan.outputs.proxies as any)["seg-cname"].cdn, "dns-only");
    });

    it("creates no ZoneRules when no proxy needs zone rules (Workers only)", async () => {
        const plan = await planConfig(cloudflareStack({ accountId }, [segment(1)]));
        assert.strictEqual(ofType(plan, T.zoneRules).length + ofType(plan, T.ruleset).length, 0);
    });

    it("refuses a non-Cloudflare zone, page rules without Enterprise and worker proxies without an account", () => {
        assert.throws(
            () => requireCloudflareSetup({ provider: "manual" }, { mode: "worker", enterprise: false, accountId }, ["worker"]),
            /needs dns\.provider cloudflare/,
        );
        const cfZone = { provider: "cloudflare" as const, name: zone, zoneId: undefined as any };
        assert.throws(() => requireCloudflareSetup(cfZone, { mode: "worker", enterprise: false }, ["worker"]), /accountId is required/);
        assert.strictEqual(requireCloudflareSetup(cfZone, { mode: "worker", enterprise: false }, ["dns"]), cfZone, "proxied DNS needs no account");
        assert.throws(() => requireCloudflareSetup(cfZone, { mode: "pageRule", enterprise: false }, ["pageRule"]), /only Enterprise zones/);
    });

    it("picks proxied DNS for origins that need the viewer's Host, the mode's component otherwise", () => {
        const spec = (vendor: "vtex" | "posthog") =>
            buildProxySpec({ kind: "cdn", name: vendor, vendor, region: "us", layout: "single", hostnames: { main: "a.example.com", store: "a.example.com" } });
        assert.strictEqual(cloudflareProxyKind(spec("vtex"), "worker"), "dns");
        assert.strictEqual(cloudflareProxyKind(spec("vtex"), "pageRule"), "dns");
        assert.strictEqual(cloudflareProxyKind(spec("posthog"), "worker"), "worker");
        assert.strictEqual(cloudflareProxyKind(spec("posthog"), "pageRule"), "pageRule");
    });
});

describe("Worker script names", () => {
    it("are <stack>-<site>, kept as is when already valid", () => {
        assert.strictEqual(workerScriptName("prod", "posthog-e-example-com"), "prod-posthog-e-example-com");
        assert.strictEqual(siteResourceName("seg", "cdn", 2), "seg-cdn");
        assert.strictEqual(siteResourceName("seg", "main", 1), "seg");
    });

    it("are cleaned to lower-case letters, digits and hyphens, with a hash so cleaned names stay apart", () => {
        const a = workerScriptName("My_Stack.eu", "p");
        const b = workerScriptName("my-stack-eu", "p");
        assert.match(a, /^my-stack-eu-p-[0-9a-f]{8}$/);
        assert.strictEqual(b, "my-stack-eu-p");
        assert.notStrictEqual(workerScriptName("a.b", "p"), workerScriptName("a_b", "p"));
    });

    it("are at most 63 characters, long names kept apart by their hash", () => {
        const long = "x".repeat(40);
        const a = workerScriptName(long, `${"p".repeat(40)}-1`);
        const b = workerScriptName(long, `${"p".repeat(40)}-2`);
        for (const n of [a, b]) {
            assert.ok(n.length <= maxScriptNameLength, n);
            assert.match(n, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
        }
        assert.notStrictEqual(a, b);
        assert.throws(() => workerScriptName("__", ""), /cannot derive a Worker script name/);
    });
});

describe("edge certificates of proxied hostnames", () => {
    it("Universal SSL covers the apex and first-level subdomains only", () => {
        assert.strictEqual(labelsBelowZone("example.com", "example.com"), 0);
        assert.strictEqual(labelsBelowZone("e.example.com", "example.com"), 1);
        assert.strictEqual(labelsBelowZone("a.b.example.com", "example.com."), 2);
        assert.ok(universalSslCovers("example.com", "example.com"));
        assert.ok(universalSslCovers("www.example.com", "example.com"));
        assert.ok(!universalSslCovers("www.shop.example.com", "example.com"));
        assert.ok(universalSslCovers("www.shop.example.com", "shop.example.com"), "a zone for the subdomain covers it");
        assert.throws(() => labelsBelowZone("e.example.org", "example.com"), /not inside the zone/);
    });

    it("notes only the hostnames that need an Advanced Certificate", () => {
        assert.deepStrictEqual(edgeCertificateNotes(["e.example.com", "example.com"], "example.com"), []);
        const [note, ...rest] = edgeCertificateNotes(["e.example.com", "x.e.example.com"], "example.com");
        assert.strictEqual(rest.length, 0);
        assert.match(note, /^x\.e\.example\.com is 2 labels below the zone example\.com: .*Advanced Certificate \(pack\) covering x\.e\.example\.com \(or \*\.e\.example\.com\)/);
        assert.strictEqual(edgeCertificateNotes([], undefined).length, 0);
        assert.match(edgeCertificateNotes(["a.example.com"], undefined)[0], /if a\.example\.com is deeper than one label below the zone/);
    });
});
