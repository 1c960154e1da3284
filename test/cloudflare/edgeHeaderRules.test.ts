import * as assert from "assert";
import { edgeResponseHeaderRules, maxExpressionLength, OwnedSite } from "../../components/cloudflare/edgeHeaderRules";
import { holdsRule } from "../../components/cloudflare/zoneRules";
import { raisedQuotas } from "../../bench/planScale";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { VendorId, VendorRegion } from "../../components/model/types";
import { Plan } from "../../components/plan/mockPlan";
import { ofType } from "../helpers/plan";
import { inputs, pageRuleModePlan, T, workerModePlan } from "./fixtures";
import { applyResponseHeaderRules } from "./responseHeaderRules";
import { evaluateRule } from "./ruleExpression";

const owned = (vendor: VendorId, host: string, region: VendorRegion = "us"): OwnedSite[] => {
    const spec = buildProxySpec({ kind: "cdn", name: `${vendor}-${host}`, vendor, region, layout: "single", hostnames: { main: host, store: host } });
    return spec.sites.map((site) => ({ owner: spec.name, site, sharedHost: false }));
};

const page = "https://www.shop.example";

/** The headers the zone's rules leave on a response of `given` headers to a request for host + path. */
function decorate(rules: ReturnType<typeof edgeResponseHeaderRules>, host: string, path: string, given: Record<string, string> = {}, origin: string | null = page) {
    const out = applyResponseHeaderRules(rules, { host, path, https: true, headers: origin ? { Origin: origin } : {} }, new Headers(given));
    const result: Record<string, string> = {};
    out.forEach((value, name) => (result[name] = value));
    return result;
}

describe("edge response header rules (CloudFront's CORS and security headers policies on Cloudflare)", () => {
    const sites = [...owned("posthog", "e.example.com"), ...owned("posthog", "e-eu.example.com", "eu"), ...owned("amplitude", "r.example.com"), ...owned("segment", "s.example.com")];
    const rules = edgeResponseHeaderRules(sites);

    it("one zone-wide rule per header, whatever the number of proxies: fits a Free zone's 10 response header rules", () => {
        assert.deepStrictEqual(
            rules.map((r) => r.ref),
            [
                "edge-cors-allow-origin",
                "edge-security-strict-transport-security",
                "edge-security-x-content-type-options",
                "edge-security-x-frame-options",
                "edge-security-referrer-policy",
                "edge-security-x-xss-protection",
            ],
        );
        assert.ok(rules.every((r) => r.phase === "http_response_headers_transform" && r.action === "rewrite"));
        // PostHog's two hostnames share one `in` set: same paths.
        assert.match(rules[0].expression, /http\.host in \{"e\.example\.com" "e-eu\.example\.com"\}/);
        assert.doesNotMatch(rules[0].expression, /s\.example\.com/, "Segment leaves CORS to its origin");
    });

    it("PostHog: CORS and security headers on /static/* and /array/* only, echoing the request's Origin", () => {
        for (const host of ["e.example.com", "e-eu.example.com"]) {
            for (const path of ["/static/array.js", "/array/phc_KEY/config.js"]) {
                assert.deepStrictEqual(decorate(rules, host, path, { "content-type": "text/javascript", vary: "Accept-Encoding" }), {
                    "access-control-allow-origin": page,
                    "content-type": "text/javascript",
                    "referrer-policy": "strict-origin-when-cross-origin",
                    "strict-transport-security": "max-age=31536000",
                    vary: "Accept-Encoding, Origin",
                    "x-content-type-options": "nosniff",
                    "x-frame-options": "SAMEORIGIN",
                    "x-xss-protection": "1; mode=block",
                });
            }
            for (const path of ["/e/", "/decide/", "/static", "/i/v0/e/"]) assert.deepStrictEqual(decorate(rules, host, path, { vary: "Origin" }), { vary: "Origin" }, path);
        }
    });

    it("Amplitude: every path; Segment and other hostnames: nothing", () => {
        for (const path of ["/sessions/v2/track", "/config", "/config/v1"]) {
            const headers = decorate(rules, "r.example.com", path);
            assert.strictEqual(headers["access-control-allow-origin"], page, path);
            assert.strictEqual(headers["x-frame-options"], "SAMEORIGIN", path);
        }
        assert.deepStrictEqual(decorate(rules, "s.example.com", "/v1/t"), {});
        assert.deepStrictEqual(decorate(rules, "other.example.com", "/static/x.js"), {});
    });

    it("never overrides what the origin sent, and adds no Access-Control-Allow-Origin without an Origin", () => {
        const own = { "access-control-allow-origin": "*", "X-Frame-Options": "DENY", vary: "Accept-Encoding" };
        const headers = decorate(rules, "r.example.com", "/sessions/v2/track", own);
        assert.strictEqual(headers["access-control-allow-origin"], "*");
        assert.strictEqual(headers["x-frame-options"], "DENY");
        assert.strictEqual(headers.vary, "Accept-Encoding");
        assert.strictEqual(headers["x-content-type-options"], "nosniff");
        const anonymous = decorate(rules, "r.example.com", "/sessions/v2/track", {}, null);
        assert.strictEqual(anonymous["access-control-allow-origin"], undefined);
        assert.strictEqual(anonymous.vary, undefined);
    });

    it("a proxy finds its hostnames in the zone-wide rules, and misses them in a zone built without it", () => {
        const own = edgeResponseHeaderRules(owned("posthog", "e.example.com"));
        assert.ok(own.every((r) => holdsRule(rules.find((z) => z.ref === r.ref)?.expression, r)));
        const without = edgeResponseHeaderRules(owned("amplitude", "r.example.com"));
        assert.ok(own.every((r) => !holdsRule(without.find((z) => z.ref === r.ref)?.expression, r)));
        assert.ok(!holdsRule(undefined, own[0]));
    });

    it("none for a zone without edge CORS routes", () => {
        assert.deepStrictEqual(edgeResponseHeaderRules([...owned("segment", "s.example.com"), ...owned("vtex", "www.example.com")]), []);
    });

    it("splits the zone's sites into parts whose expressions fit Cloudflare's length limit, each proxy finding its hostnames", () => {
        const many = Array.from({ length: 400 }, (_, i) => owned("amplitude", `replay-${i}.example.com`)).flat();
        const split = edgeResponseHeaderRules(many);
        assert.ok(split.every((r) => r.expression.length <= maxExpressionLength));
        const parts = split.filter((r) => r.ref.startsWith("edge-cors-allow-origin"));
        assert.ok(parts.length >= 2, `${parts.length} parts`);
        assert.deepStrictEqual(parts.map((r) => r.ref).slice(0, 2), ["edge-cors-allow-origin", "edge-cors-allow-origin-part-2"]);
        // Every hostname is in exactly one part; six rules (CORS and five security headers) per part.
        for (const { site } of many) assert.strictEqual(parts.filter((r) => r.expression.includes(`"${site.hostname}"`)).length, 1, site.hostname);
        assert.strictEqual(split.length, parts.length * 6);
        assert.strictEqual(edgeResponseHeaderRules(many.slice(0, 100)).length, 6, "100 hostnames fit one part");
    });

    it("refuses one site whose own expression is over Cloudflare's length limit, naming the rule", () => {
        const long = owned("amplitude", `${"a".repeat(60)}.${"b".repeat(60)}.example.com`)[0];
        const paths = { ...long, site: { ...long.site, routes: Array.from({ length: 120 }, (_, i) => ({ ...long.site.routes[0], pathPattern: `/p${i}/*`, ...(i % 2 ? { cors: { mode: "origin" as const } } : {}) })).concat(long.site.routes) } };
        assert.throws(() => edgeResponseHeaderRules([paths]), new RegExp(`edge-cors-allow-origin for .* needs a \\d+-character expression; Cloudflare allows ${maxExpressionLength}`));
    });
});

describe("edge response header rules for proxies with their own path prefix (the public layout)", () => {
    /** The sites of a Cloudflare stack config's proxies, as the program builds them (derived prefixes included). */
    const sitesOf = (proxies: unknown[]): OwnedSite[] => {
        const { config } = parseStackConfig({
            provider: "cloudflare",
            dns: { provider: "cloudflare", zone: "example.com" },
            cloudflare: { accountId: "0123456789abcdef0123456789abcdef" },
            proxies,
            // The accounts of these stacks raised every quota: the rules are what is counted here.
            quotas: raisedQuotas,
        });
        return proxyRequests(config, "test")
            .map(buildProxySpec)
            .flatMap((spec) => spec.sites.map((site) => ({ owner: spec.name, site, sharedHost: spec.sharedHost })));
    };
    const prefixOf = (site: OwnedSite) => site.site.routes[0].pathPattern.split("/")[1];
    const posthogs = sitesOf(Array.from({ length: 42 }, (_, i) => ({ vendor: "posthog", domain: `e${i}.example.com` })));
    const rules = edgeResponseHeaderRules(posthogs);

    it("42 PostHog proxies share one path condition and one hostname set: six rules, within a Free zone's ten", () => {
        assert.strictEqual(new Set(posthogs.map(prefixOf)).size, 42, "every proxy has its own prefix");
        assert.strictEqual(rules.length, 6);
        assert.match(rules[0].expression, /^\(http\.host in \{"e0\.example\.com" "e1\.example\.com" .*"e41\.example\.com"\} and \(\(http\.request\.uri\.path strict wildcard "\/\*\/static\/\*"\) or \(http\.request\.uri\.path strict wildcard "\/\*\/array\/\*"\)\)\) and /);
        for (const site of posthogs) assert.ok(!rules[0].expression.includes(prefixOf(site)), `${prefixOf(site)} is not named`);
    });

    it("each hostname's own static and array paths get CORS and the security headers; its API paths, and the vendor's paths without its prefix, do not", () => {
        for (const site of [posthogs[0], posthogs[41]]) {
            const host = site.site.hostname;
            const prefix = `/${prefixOf(site)}`;
            for (const path of [`${prefix}/static/array.js`, `${prefix}/array/phc_KEY/config.js`]) {
                const headers = decorate(rules, host, path);
                assert.strictEqual(headers["access-control-allow-origin"], page, `${host}${path}`);
                assert.strictEqual(headers["x-frame-options"], "SAMEORIGIN", `${host}${path}`);
            }
            for (const path of [`${prefix}/e/`, `${prefix}/decide/`, `${prefix}/i/v0/e/`, "/static/array.js", "/array/phc_KEY/config.js"]) {
                assert.deepStrictEqual(decorate(rules, host, path), {}, `${host}${path}`);
            }
        }
        assert.deepStrictEqual(decorate(rules, "other.example.com", `/${prefixOf(posthogs[0])}/static/array.js`), {});
    });

    it("a mixed stack of 1,000 proxies takes four parts of six rules (before: one set of six for every few dozen proxies)", () => {
        const mixed = sitesOf(
            Array.from({ length: 1000 }, (_, i) =>
                [
                    { vendor: "posthog", region: i % 2 === 0 ? "us" : "eu", domain: `e${i}.example.com` },
                    { vendor: "segment", domain: `s${i}.example.com` },
                    { vendor: "amplitude", domain: `r${i}.example.com` },
                    { vendor: "segment", cdnDomain: `c${i}.example.com`, apiDomain: `a${i}.example.com` },
                    { vendor: "vtex", domain: `www${i}.example.com` },
                ][i % 5],
            ),
        );
        const split = edgeResponseHeaderRules(mixed);
        assert.strictEqual(split.length, 24);
        assert.ok(split.every((r) => r.expression.length <= maxExpressionLength));
    });

    it("a shared host (the user's own site) keeps its exact prefix: the rest of that site never gets the headers", () => {
        const shared = sitesOf([{ vendor: "posthog", domain: "www.example.com", pathPrefix: "/k7", sharedHost: true }]);
        const [cors] = edgeResponseHeaderRules(shared);
        assert.match(cors.expression, /starts_with\(http\.request\.uri\.path, "\/k7\/static\/"\)/);
        assert.deepStrictEqual(decorate([cors], "www.example.com", "/blog/static/site.css"), {});
        assert.strictEqual(decorate([cors], "www.example.com", "/k7/static/array.js")["access-control-allow-origin"], page);
    });
});

describe("edge response header rules in planned stacks", () => {
    for (const [mode, plan] of [
        ["worker", workerModePlan],
        ["pageRule", pageRuleModePlan],
    ] as const) {
        describe(`mode ${mode}`, () => {
            let p: Plan;
            before(async () => {
                p = await plan();
            });
            const responseRules = () => {
                const ruleset = ofType(p, T.ruleset).find((r) => inputs(r).phase === "http_response_headers_transform");
                assert.ok(ruleset, "the zone's response header ruleset");
                return inputs(ruleset).rules as { ref: string; expression: string; action: string }[];
            };

            it("one ruleset in the response header phase holds the edge CORS rules of every PostHog and Amplitude hostname", () => {
                const rules = responseRules();
                assert.strictEqual(rules.length, 6);
                for (const host of ["e.example.com", "e-eu.example.com", "r.example.com", "r-eu.example.com"]) {
                    const path = host.startsWith("e") ? "/static/array.js" : "/sessions/v2/track";
                    const request = { host, path, https: true, headers: { origin: page }, responseHeaderNames: [] };
                    assert.ok(rules.every((r) => evaluateRule(r.expression, request)), host);
                }
                for (const host of ["s.example.com", "api.example.com", "www.example.com"]) {
                    assert.ok(rules.every((r) => !evaluateRule(r.expression, { host, path: "/static/x", https: true, headers: { origin: page }, responseHeaderNames: [] })), host);
                }
            });

            it("the proxies that rely on them say so in their outputs", () => {
                const proxies = p.outputs.proxies as Record<string, { notes: string[]; vendor: string }>;
                for (const [name, out] of Object.entries(proxies)) {
                    const says = out.notes.some((n) => /Response Header Transform Rules/.test(n));
                    assert.strictEqual(says, out.vendor === "posthog" || out.vendor === "amplitude", name);
                }
            });
        });
    }
});
