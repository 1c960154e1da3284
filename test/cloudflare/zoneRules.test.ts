import * as assert from "assert";
import { cnameProxyZoneRules, cnameTarget } from "../../components/cloudflare/cnameProxy";
import { pageRuleProxyZoneRules } from "../../components/cloudflare/pageRuleProxy";
import {
    cacheBypassRules,
    httpsRedirectRules,
    pathCondition,
    quote,
    requireZoneRules,
    routeConditions,
    rulesByPhase,
    zoneRulesNotes,
} from "../../components/cloudflare/zoneRules";
import { buildProxySpec } from "../../components/model/proxySpec";
import { Site, VendorId, VendorRegion } from "../../components/model/types";
import { evaluateRule } from "./ruleExpression";

const spec = (vendor: VendorId, host: string, region: VendorRegion = "us") =>
    buildProxySpec({ kind: "cdn", name: `${vendor}-p`, vendor, region, layout: "single", hostnames: { main: host, store: host } });

describe("zone rules (pure)", () => {
    it("quotes strings for the Rules language", () => {
        assert.strictEqual(quote("a.example.com"), '"a.example.com"');
        assert.strictEqual(quote('a"b\\c'), '"a\\"b\\\\c"');
    });

    it("writes CloudFront path patterns as Rules language conditions", () => {
        assert.strictEqual(pathCondition("*"), undefined);
        assert.strictEqual(pathCondition("/.well-known/acme-challenge/*"), 'starts_with(http.request.uri.path, "/.well-known/acme-challenge/")');
        assert.strictEqual(pathCondition("/config*"), 'starts_with(http.request.uri.path, "/config")');
        assert.strictEqual(pathCondition("static/*"), 'starts_with(http.request.uri.path, "/static/")');
        assert.strictEqual(pathCondition("/exact"), 'http.request.uri.path eq "/exact"');
        assert.strictEqual(pathCondition("/images/*.jpg"), 'http.request.uri.path strict wildcard "/images/*.jpg"');
        assert.throws(() => pathCondition("/a?c"), /"\?" cannot be expressed as a Cloudflare rule/);
    });

    it("gives each route the requests CloudFront would send it: first match, the default last", () => {
        const site = spec("posthog", "e.example.com").sites[0];
        const conditions = routeConditions(site);
        const routeFor = (path: string) => conditions.findIndex((c) => evaluateRule(`(${c})`, { host: "e.example.com", path, https: true }));
        assert.strictEqual(routeFor("/static/array.js"), 0);
        assert.strictEqual(routeFor("/array/phc/config.js"), 1);
        assert.strictEqual(routeFor("/static"), 2);
        assert.strictEqual(routeFor("/e/"), 2);
        // Exactly one route per request, and none for another hostname.
        for (const path of ["/static/x", "/array/x", "/", "/staticx"]) {
            assert.strictEqual(conditions.filter((c) => evaluateRule(`(${c})`, { host: "e.example.com", path, https: true })).length, 1);
            assert.ok(conditions.every((c) => !evaluateRule(`(${c})`, { host: "other.example.com", path, https: true })));
        }
    });

    it("a route behind an earlier catch-all gets no rule", () => {
        const site = spec("posthog", "e.example.com").sites[0];
        const shadowed: Site = { ...site, routes: [site.routes[2], site.routes[0]] };
        assert.deepStrictEqual(routeConditions(shadowed)[1], "false");
        assert.strictEqual(cacheBypassRules("p", { ...shadowed, routes: shadowed.routes.map((r) => ({ ...r, cache: { mode: "disabled" } })) }).length, 1);
    });

    describe("VTEX (CnameProxy)", () => {
        const vtex = spec("vtex", "www.example.com");
        const rules = cnameProxyZoneRules(vtex);
        const matching = (phase: string, path: string, https: boolean) =>
            rules.filter((r) => r.phase === phase && evaluateRule(r.expression, { host: "www.example.com", path, https }));

        it("redirects plain HTTP to HTTPS (301, query kept) on every path but the ACME challenge", () => {
            assert.strictEqual(matching("http_request_dynamic_redirect", "/.well-known/acme-challenge/abc", false).length, 0);
            for (const path of ["/", "/checkout", "/.well-known/other", "/.well-known/acme-challengeX"]) {
                const [redirect] = matching("http_request_dynamic_redirect", path, false);
                assert.ok(redirect, `${path} over HTTP redirects`);
                assert.deepStrictEqual(redirect.actionParameters, {
                    fromValue: {
                        statusCode: 301,
                        targetUrl: { expression: 'concat("https://", http.host, http.request.uri.path)' },
                        preserveQueryString: true,
                    },
                });
            }
            assert.strictEqual(matching("http_request_dynamic_redirect", "/", true).length, 0, "HTTPS is not redirected");
            assert.ok(rules.every((r) => !evaluateRule(r.expression, { host: "other.example.com", path: "/", https: false })));
        });

        it("never caches the ACME challenge (nor the store, as on CloudFront)", () => {
            for (const https of [false, true]) {
                const [bypass] = matching("http_request_cache_settings", "/.well-known/acme-challenge/abc", https);
                assert.strictEqual(bypass.action, "set_cache_settings");
                assert.deepStrictEqual(bypass.actionParameters, { cache: false });
            }
            assert.strictEqual(matching("http_request_cache_settings", "/", true).length, 1);
        });

        it("Full (strict) TLS to VTEX for the store hostname", () => {
            const [ssl] = matching("http_config_settings", "/", true);
            assert.deepStrictEqual([ssl.action, ssl.actionParameters], ["set_config", { ssl: "strict" }]);
        });

        it("points the CNAME at <host>.cdn.vtex.com, the one upstream of every route", () => {
            assert.strictEqual(cnameTarget(vtex.sites[0]).domain, "www.example.com.cdn.vtex.com");
            assert.throws(() => cnameTarget(spec("posthog", "e.example.com").sites[0]), /a proxied CNAME reaches one upstream/);
        });
    });

    it("page-rule proxies need only the HTTPS redirects", () => {
        const rules = pageRuleProxyZoneRules(spec("amplitude", "r.example.com"));
        assert.deepStrictEqual([...new Set(rules.map((r) => r.phase))], ["http_request_dynamic_redirect"]);
        assert.strictEqual(rules.length, 2, "one per route");
        assert.ok(rules.some((r) => evaluateRule(r.expression, { host: "r.example.com", path: "/config", https: false })));
        assert.ok(rules.some((r) => evaluateRule(r.expression, { host: "r.example.com", path: "/sessions/v2/track", https: false })));
    });

    it("groups rules by phase in Cloudflare's order and refuses a ref used twice", () => {
        const a = cnameProxyZoneRules(spec("vtex", "www.example.com"));
        const grouped = rulesByPhase([...a, ...httpsRedirectRules("other", spec("posthog", "e.example.com").sites[0])]);
        assert.deepStrictEqual([...grouped.keys()], ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"]);
        assert.strictEqual(grouped.get("http_request_dynamic_redirect")!.length, 1 + 3);
        assert.throws(() => rulesByPhase([...a, ...a]), /zone rule ref vtex-p-store-https-1 is used twice/);
    });

    it("a proxy with zone rules refuses to be built without the zone's rulesets", () => {
        const rules = cnameProxyZoneRules(spec("vtex", "www.example.com"));
        assert.throws(() => requireZoneRules("vtex-p", undefined, rules), /vtex-p: needs zone rules .*pass the zone's ZoneRules/);
    });

    it("notes: ruleset ownership always, Always Use HTTPS only where a path must stay plain HTTP", () => {
        assert.deepStrictEqual(zoneRulesNotes([], true), []);
        assert.strictEqual(zoneRulesNotes(["http_request_dynamic_redirect"], false).length, 1);
        const notes = zoneRulesNotes(["http_request_dynamic_redirect", "http_request_cache_settings"], true);
        assert.match(notes[0], /owns the zone's entry-point rulesets for http_request_dynamic_redirect, http_request_cache_settings/);
        assert.match(notes[0], /are replaced/);
        assert.match(notes[1], /"Always Use HTTPS" setting off/);
    });
});
