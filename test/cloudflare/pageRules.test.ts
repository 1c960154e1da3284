import * as assert from "assert";
import {
    enterprisePageRuleLimit,
    pageRuleTarget,
    planPageRules,
    PlannedPageRule,
    sitePageRules,
    targetCovers,
    validatePageRules,
} from "../../components/cloudflare/pageRules";
import { buildProxySpec } from "../../components/model/proxySpec";
import { ProxySpec, VendorId, VendorRegion } from "../../components/model/types";

const spec = (vendor: VendorId, region: VendorRegion, host: string, name = `${vendor}-${region}`): ProxySpec =>
    buildProxySpec({ kind: "cdn", name, vendor, region, layout: "single", hostnames: { main: host, store: host } });

/** A valid rule to start from; each failing case changes one field. */
const rule = (over: Partial<PlannedPageRule>): PlannedPageRule => ({
    proxy: "p",
    role: "main",
    hostname: "e.example.com",
    routeIndex: 0,
    pathPattern: "/static/*",
    target: "e.example.com/static/*",
    priority: 2,
    originDomain: "us-assets.i.posthog.com",
    actions: { hostHeaderOverride: "us-assets.i.posthog.com", resolveOverride: "us-assets.i.posthog.com", ssl: "strict" },
    ...over,
});

describe("page rules (pure)", () => {
    it("turns CloudFront path patterns into page rule targets", () => {
        assert.strictEqual(pageRuleTarget("e.example.com", "*"), "e.example.com/*");
        assert.strictEqual(pageRuleTarget("e.example.com", "/static/*"), "e.example.com/static/*");
        assert.strictEqual(pageRuleTarget("r.example.com", "/config*"), "r.example.com/config*");
        assert.strictEqual(pageRuleTarget("r.example.com", "*.js"), "r.example.com/*.js");
        assert.throws(() => pageRuleTarget("r.example.com", "/a?c"), /"\?", which page rules cannot express/);
    });

    it("PostHog: /static/* and /array/* to the assets host outrank the catch-all, Host and resolution overridden", () => {
        const rules = planPageRules([spec("posthog", "eu", "e.example.com")]).get("posthog-eu")!;
        assert.deepStrictEqual(
            rules.map((r) => [r.target, r.priority, r.actions.hostHeaderOverride, r.actions.resolveOverride, r.actions.ssl]),
            [
                ["e.example.com/static/*", 3, "eu-assets.i.posthog.com", "eu-assets.i.posthog.com", "strict"],
                ["e.example.com/array/*", 2, "eu-assets.i.posthog.com", "eu-assets.i.posthog.com", "strict"],
                ["e.example.com/*", 1, "eu.i.posthog.com", "eu.i.posthog.com", "strict"],
            ],
        );
        // Keyed cache: Origin and Authorization plus every query string in the key, never cookies.
        for (const r of rules) {
            assert.deepStrictEqual(r.actions.cacheKeyFields?.header.includes, ["Origin", "Authorization"]);
            assert.deepStrictEqual(r.actions.cacheKeyFields?.queryString.includes, ["*"]);
            assert.deepStrictEqual(r.actions.cacheKeyFields?.cookie, {});
            assert.strictEqual(r.actions.cacheLevel, undefined);
        }
    });

    it("Segment: ssl strict on every rule (the API's CORS fix), cache bypass on the Tracking API only", () => {
        for (const [region, api] of [["us", "api.segment.io"], ["eu", "events.eu1.segmentapis.com"]] as const) {
            const rules = planPageRules([spec("segment", region, "s.example.com")]).get(`segment-${region}`)!;
            assert.deepStrictEqual(
                rules.map((r) => [r.target, r.actions.resolveOverride, r.actions.cacheLevel ?? "standard"]),
                [
                    ["s.example.com/analytics.js/*", "cdn.segment.com", "standard"],
                    ["s.example.com/v1/projects/*", "cdn.segment.com", "standard"],
                    ["s.example.com/next-integrations/*", "cdn.segment.com", "standard"],
                    ["s.example.com/analytics-next/*", "cdn.segment.com", "standard"],
                    ["s.example.com/*", api, "bypass"],
                ],
            );
            assert.ok(rules.every((r) => r.actions.ssl === "strict"));
        }
    });

    it("Amplitude: every route bypasses the cache", () => {
        const rules = planPageRules([spec("amplitude", "eu", "r.example.com")]).get("amplitude-eu")!;
        assert.deepStrictEqual(
            rules.map((r) => [r.target, r.actions.resolveOverride, r.actions.cacheLevel]),
            [
                ["r.example.com/config*", "sr-client-cfg.eu.amplitude.com", "bypass"],
                ["r.example.com/*", "api-sr.eu.amplitude.com", "bypass"],
            ],
        );
    });

    it("refuses an origin that needs the viewer's Host (VTEX is proxied DNS, not page rules)", () => {
        assert.throws(() => planPageRules([spec("vtex", "us", "www.example.com")]), /needs the viewer's Host; serve it as proxied DNS/);
    });

    it("numbers priorities across every proxy of the zone, unique, each site's catch-all below its specific rules", () => {
        const plan = planPageRules([spec("segment", "us", "s.example.com"), spec("posthog", "us", "e.example.com"), spec("amplitude", "us", "r.example.com")]);
        const all = [...plan.values()].flat();
        assert.strictEqual(all.length, 5 + 3 + 2);
        assert.deepStrictEqual(all.map((r) => r.priority).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        for (const host of ["s.example.com", "e.example.com", "r.example.com"]) {
            const own = all.filter((r) => r.hostname === host);
            const catchAll = own.find((r) => r.target === `${host}/*`)!;
            assert.ok(own.every((r) => r === catchAll || r.priority > catchAll.priority), `${host}: catch-all lowest`);
        }
    });

    it(`refuses more than ${enterprisePageRuleLimit} page rules in the zone, naming each proxy's count`, () => {
        // 26 single-host Segment proxies need 5 rules each: 130.
        const proxies = Array.from({ length: 26 }, (_, i) => spec("segment", "us", `s${i}.example.com`, `seg-${i}`));
        assert.throws(() => planPageRules(proxies), (e: Error) => {
            assert.match(e.message, /the zone needs 130 page rules, more than the 125 Cloudflare allows/);
            assert.match(e.message, /seg-0: 5, seg-1: 5/);
            assert.match(e.message, /use mode worker/);
            return true;
        });
        assert.doesNotThrow(() => planPageRules(proxies.slice(0, 25)), "125 fits");
        assert.throws(() => planPageRules(proxies.slice(0, 3), 10), /the zone needs 15 page rules, more than the 10/);
    });

    it("targetCovers: a wildcard target covers the targets all of whose URLs it matches", () => {
        assert.ok(targetCovers("e.example.com/*", "e.example.com/static/*"));
        assert.ok(targetCovers("e.example.com/static/*", "e.example.com/static/js/*"));
        assert.ok(targetCovers("r.example.com/config*", "r.example.com/configuration"));
        assert.ok(!targetCovers("e.example.com/static/*", "e.example.com/*"));
        assert.ok(!targetCovers("e.example.com/static/*", "e.example.com/array/*"));
        assert.ok(!targetCovers("e.example.com/static/x*", "e.example.com/static/*"));
        assert.ok(!targetCovers("a.example.com/*", "b.example.com/*"));
    });

    describe("validatePageRules refuses", () => {
        const ok = [rule({}), rule({ routeIndex: 1, pathPattern: "*", target: "e.example.com/*", priority: 1 })];
        it("accepts the happy path", () => validatePageRules(ok));
        it("a catch-all that outranks a specific rule (its rule never applies)", () => {
            assert.throws(
                () => validatePageRules([rule({ priority: 1 }), rule({ routeIndex: 1, pathPattern: "*", target: "e.example.com/*", priority: 2 })]),
                (e: Error) => {
                    assert.match(e.message, /e.example.com\/static\/\* \(priority 1\) must outrank e.example.com\/\* \(priority 2\)/);
                    assert.match(e.message, /e.example.com\/static\/\* never applies: e.example.com\/\* has a higher priority/);
                    return true;
                },
            );
        });
        it("two rules with one priority", () => {
            assert.throws(() => validatePageRules([ok[0], { ...ok[1], priority: 2 }]), /share priority 2/);
        });
        it("two rules with one target", () => {
            assert.throws(() => validatePageRules([ok[0], rule({ proxy: "q", priority: 5, routeIndex: 3 })]), /target of two page rules \(p and q\)/);
        });
        it("a priority that is not a positive integer", () => {
            assert.throws(() => validatePageRules([rule({ priority: 0 })]), /priority 0 is not a positive integer/);
        });
        it("every problem at once", () => {
            assert.throws(
                () => validatePageRules([rule({ priority: 0 }), rule({ priority: 0, routeIndex: 1 })]),
                (e: Error) => e.message.split("\n  - ").length >= 4,
            );
        });
    });

    it("sitePageRules keeps route order and one rule per route", () => {
        const site = spec("posthog", "us", "e.example.com").sites[0];
        const rules = sitePageRules("p", site);
        assert.deepStrictEqual(rules.map((r) => r.routeIndex), [0, 1, 2]);
        assert.deepStrictEqual(rules.map((r) => r.pathPattern), site.routes.map((r) => r.pathPattern));
    });
});
