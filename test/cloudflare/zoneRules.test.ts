import * as assert from "assert";
import { raisedQuotas } from "../../bench/planScale";
import { cloudflareProxyKind, plannedZoneRules } from "../../components/cloudflare/builder";
import { cnameProxyZoneRules, cnameTarget } from "../../components/cloudflare/cnameProxy";
import { maxExpressionLength } from "../../components/cloudflare/edgeHeaderRules";
import { pageRuleProxyZoneRules } from "../../components/cloudflare/pageRuleProxy";
import {
    cacheBypassRules,
    httpsRedirectRules,
    mergeZoneRules,
    pathCondition,
    quote,
    requireZoneRules,
    routeConditions,
    rulesByPhase,
    ZonePhase,
    ZoneRules,
    ZoneRuleSpec,
    zoneRulesNotes,
} from "../../components/cloudflare/zoneRules";
import { urlRewriteRules } from "../../components/cloudflare/urlRewriteRules";
import { parseStackConfig, project, proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { ProxySpec, Route, Site, VendorId, VendorRegion } from "../../components/model/types";
import { Plan, planProgram } from "../../components/plan/mockPlan";
import { plannedQuotaUse } from "../../components/quotas/usage";
import { ofType, planConfig } from "../helpers/plan";
import { inputs, T } from "./fixtures";
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
        assert.strictEqual(rules.length, 1, "one for the site: every route redirects");
        assert.strictEqual(rules[0].expression, '(http.host in {"r.example.com"} and not ssl)');
        assert.ok(rules.some((r) => evaluateRule(r.expression, { host: "r.example.com", path: "/config", https: false })));
        assert.ok(rules.some((r) => evaluateRule(r.expression, { host: "r.example.com", path: "/sessions/v2/track", https: false })));
    });

    it("groups rules by phase in Cloudflare's order and refuses a ref used twice", () => {
        const a = cnameProxyZoneRules(spec("vtex", "www.example.com"));
        const grouped = rulesByPhase([...a, ...httpsRedirectRules("other", spec("posthog", "e.example.com").sites[0])]);
        assert.deepStrictEqual([...grouped.keys()], ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"]);
        assert.strictEqual(grouped.get("http_request_dynamic_redirect")!.length, 1 + 1, "VTEX's shape (all but the ACME challenge) and PostHog's (every path)");
        assert.throws(() => rulesByPhase([...a, ...a]), new RegExp(`zone rule ref ${a[0].ref} is used twice`));
        assert.doesNotThrow(() => rulesByPhase(mergeZoneRules([...a, ...a])), "rules shared by shape are merged first");
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

describe("zone rules shared by shape (one rule per action and path condition, naming every hostname)", () => {
    /** The specs of a Cloudflare stack's proxies in `mode`, as the program builds them (derived prefixes included). */
    const specsOf = (proxies: unknown[], mode: "worker" | "pageRule"): ProxySpec[] => {
        const { config } = parseStackConfig({
            provider: "cloudflare",
            dns: { provider: "cloudflare", zone: "example.com" },
            cloudflare: mode === "pageRule" ? { mode, enterprise: true } : { accountId: "0123456789abcdef0123456789abcdef", mode },
            proxies,
            // The rules are what is counted here.
            quotas: raisedQuotas,
        });
        return proxyRequests(config, "test").map(buildProxySpec);
    };
    const vtexes = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ vendor: "vtex", domain: `www${from + i}.example.com` }));
    const shapes = (rules: readonly ZoneRuleSpec[]) => rules.map((r) => `${r.ref} ${r.expression}`);

    it("200 VTEX stores: two rules a phase, each naming about half the stores, none over Cloudflare's 4,096 characters", () => {
        const rules = plannedZoneRules(specsOf(vtexes(200), "worker"), "worker");
        const phases = ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"];
        assert.deepStrictEqual(phases.map((p) => rules.filter((r) => r.phase === p).length), [2, 2, 2]);
        assert.ok(rules.every((r) => r.expression.length <= maxExpressionLength));
        for (const phase of phases) {
            const parts = rules.filter((r) => r.phase === phase);
            assert.deepStrictEqual(parts.map((r) => r.ref.replace(/^[a-z-]+-[0-9a-f]{8}/, "<shape>")), ["<shape>-part-0", "<shape>-part-1"]);
            for (let i = 0; i < 200; i++) {
                assert.strictEqual(parts.filter((r) => r.expression.includes(`"www${i}.example.com"`)).length, 1, `www${i} in one ${phase} part`);
            }
        }
    });

    it("the same shared rules whatever the order the proxies are created in", () => {
        const specs = specsOf([...vtexes(150), ...Array.from({ length: 60 }, (_, i) => ({ vendor: "posthog", domain: `e${i}.example.com` }))], "pageRule");
        const reversed = [...specs].reverse();
        const shared = (list: ZoneRuleSpec[]) => shapes(list.filter((r) => r.shared));
        assert.deepStrictEqual(shared(plannedZoneRules(reversed, "pageRule")), shared(plannedZoneRules(specs, "pageRule")));
    });

    it("adding or removing one store changes only the rules that name it", () => {
        const base = plannedZoneRules(specsOf(vtexes(400), "worker"), "worker");
        for (const [what, specs, host] of [
            ["added", specsOf([...vtexes(400), { vendor: "vtex", domain: "added.example.com" }], "worker"), "added.example.com"],
            ["removed", specsOf([...vtexes(200), ...vtexes(199, 201)], "worker"), "www200.example.com"],
        ] as const) {
            const after = plannedZoneRules(specs, "worker");
            const before = new Map(base.map((r) => [r.ref, r.expression]));
            const now = new Map(after.map((r) => [r.ref, r.expression]));
            const differing = [...new Set([...before.keys(), ...now.keys()])].filter((ref) => before.get(ref) !== now.get(ref));
            assert.strictEqual(differing.length, 3, `${what}: one part per phase changes (${differing.join(", ")})`);
            for (const ref of differing) assert.ok(`${before.get(ref) ?? ""}${now.get(ref) ?? ""}`.includes(`"${host}"`), `${what}: ${ref} names ${host}`);
        }
    });

    it("refuses a single hostname whose own rule is over Cloudflare's length limit, naming the rule", () => {
        const site = spec("vtex", "www.example.com").sites[0];
        const routes = [...Array.from({ length: 120 }, (_, i) => ({ ...site.routes[0], pathPattern: `/path-${i}/*`, viewerProtocol: "redirect" as const })), ...site.routes];
        const rules = mergeZoneRules(httpsRedirectRules("long", { ...site, routes: [site.routes[0], ...routes] }));
        assert.strictEqual(rules.length, 1, "one site alone is never split");
        const many = Array.from({ length: 3 }, (_, i) => httpsRedirectRules(`long-${i}`, { ...site, hostname: `w${i}.example.com`, routes: [site.routes[0], ...routes] })).flat();
        assert.throws(() => mergeZoneRules(many), /the zone rule https-redirect-[0-9a-f]{8} for w\d\.example\.com needs a \d+-character expression; Cloudflare allows 4096/);
    });

    describe("match exactly the requests the per-site rules matched (CloudFront's first match), no more", () => {
        /** Route tables beyond the presets': an exact path, an inner wildcard, plain HTTP and caching out of order, a route shadowed by a catch-all, wanted routes first. */
        const variants = (site: Site): Site[] => {
            const [acme, all] = site.routes;
            return [
                {
                    ...site,
                    routes: [
                        { ...all, pathPattern: "/api/*", cache: { mode: "keyed" } as Route["cache"] },
                        acme,
                        { ...all, pathPattern: "/checkout" },
                        { ...acme, pathPattern: "/img/*.png", cache: { mode: "keyed" } as Route["cache"] },
                        { ...all, cache: { mode: "keyed" } as Route["cache"] },
                    ],
                },
                { ...site, routes: [all, { ...acme, pathPattern: "/x/*" }] },
                { ...site, routes: [{ ...acme, pathPattern: "/a/*", viewerProtocol: "redirect" }, { ...acme, pathPattern: "/b/*", viewerProtocol: "redirect" }, { ...all, cache: { mode: "keyed" } as Route["cache"], viewerProtocol: "allow" }] },
                // Later routes overlapping earlier ones of the other kind: only the first match counts.
                {
                    ...site,
                    routes: [
                        acme,
                        { ...all, pathPattern: "/.well-known/*", cache: { mode: "keyed" } as Route["cache"] },
                        { ...acme, pathPattern: "/img/*", cache: { mode: "keyed" } as Route["cache"] },
                        { ...all, pathPattern: "/img/*.png" },
                        all,
                    ],
                },
            ];
        };
        const mixed = specsOf(
            Array.from({ length: 320 }, (_, i) => [...vtexes(1, i), { vendor: "posthog", domain: `e${i}.example.com` }, { vendor: "amplitude", domain: `r${i}.example.com` }, { vendor: "segment", domain: `s${i}.example.com` }][i % 4]),
            "pageRule",
        );
        // Half the VTEX stores keep the preset's route table, the others take one of the variants each in turn.
        const proxies = mixed.map((p, i) => (p.vendor === "vtex" && (i / 4) % 8 < 4 ? { ...p, sites: [variants(p.sites[0])[(i / 4) % 8]] } : p));
        const after = plannedZoneRules(proxies, "pageRule");

        /** The rules as they were: one per site and route, `http.host eq` and the route's first-match condition. */
        const before = new Map<string, { phase: string; expression: string }[]>();
        for (const p of proxies) {
            const dns = cloudflareProxyKind(p, "pageRule") === "dns";
            for (const site of p.sites) {
                const own: { phase: string; expression: string }[] = [];
                routeConditions(site).forEach((condition, i) => {
                    const route = site.routes[i];
                    if (condition === "false") return;
                    if (route.viewerProtocol === "redirect") own.push({ phase: "http_request_dynamic_redirect", expression: `(${condition} and not ssl)` });
                    if (dns && route.cache.mode === "disabled") own.push({ phase: "http_request_cache_settings", expression: `(${condition})` });
                });
                if (dns && site.origins.some((o) => o.protocol === "https")) own.push({ phase: "http_config_settings", expression: `(http.host eq ${quote(site.hostname)})` });
                before.set(site.hostname, own);
            }
        }

        it("a zone of 320 mixed VTEX and page-rule proxies: a few rules a phase instead of one per site and route", () => {
            const count = (phase: string) => after.filter((r) => r.phase === phase).length;
            const was = (phase: string) => [...before.values()].flat().filter((r) => r.phase === phase).length;
            assert.deepStrictEqual(
                ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"].map((p) => [was(p) > 300, count(p) <= 10]),
                [
                    [true, true],
                    [false, true],
                    [false, true],
                ],
            );
            assert.ok(after.every((r) => r.expression.length <= maxExpressionLength));
            assert.ok(after.filter((r) => r.phase === "http_request_dynamic_redirect").some((r) => r.ref.includes("-part-")), "the redirects of every path take several parts");
        });

        it("every hostname × path × scheme: each phase acts on exactly the same requests, through at most one rule", function () {
            // Some 14,000 requests, each against every rule of three phases: seconds.
            this.timeout(120_000);
            const phases = ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"];
            const fixedPaths = ["/", "/x", "/x/y", "/.well-known/acme-challenge/abc", "/.well-known/acme-challengeX", "/.well-known/other", "/api/v1", "/checkout", "/checkout/x", "/img/a.png", "/img/a.jpg", "/a/1", "/b/2", "/static/array.js", "/config", "/sessions/v2/track"];
            const hosts = [...before.keys(), "other.example.com"];
            let requests = 0;
            const mismatches: string[] = [];
            for (const host of hosts) {
                const site = proxies.flatMap((p) => p.sites).find((s) => s.hostname === host);
                // Each route's own paths too: its literal prefix, and one path below it.
                const ownPaths = (site?.routes ?? []).flatMap((r) => {
                    const literal = r.pathPattern.split("*")[0];
                    return literal === "" ? [] : [literal, `${literal}x.png`];
                });
                for (const path of [...fixedPaths, ...ownPaths]) {
                    for (const https of [false, true]) {
                        requests++;
                        const request = { host, path, https };
                        for (const phase of phases) {
                            const was = (before.get(host) ?? []).some((r) => r.phase === phase && evaluateRule(r.expression, request));
                            const now = after.filter((r) => r.phase === phase && evaluateRule(r.expression, request));
                            if (now.length > 1) mismatches.push(`${phase} ${https ? "https" : "http"}://${host}${path}: ${now.length} rules match`);
                            if (was !== now.length > 0) mismatches.push(`${phase} ${https ? "https" : "http"}://${host}${path}: before ${was}, after ${!was}`);
                        }
                    }
                }
            }
            assert.deepStrictEqual(mismatches.slice(0, 20), []);
            assert.ok(requests > 10_000, `${requests} requests`);
        });
    });
});

describe("zone rules in a planned zone of 200 VTEX stores and page-rule proxies", function () {
    // One plan of some 230 proxies: seconds alone, longer on a machine shared with other work.
    this.timeout(600_000);
    const config = {
        provider: "cloudflare",
        dns: { provider: "cloudflare", zone: "example.com" },
        cloudflare: { mode: "pageRule", enterprise: true },
        proxies: [
            ...Array.from({ length: 200 }, (_, i) => ({ vendor: "vtex", domain: `www${i}.example.com` })),
            ...Array.from({ length: 10 }, (_, i) => ({ vendor: "posthog", domain: `e${i}.example.com` })),
            ...Array.from({ length: 5 }, (_, i) => ({ vendor: "amplitude", domain: `r${i}.example.com`, products: ["sessionReplay"] })),
            ...Array.from({ length: 5 }, (_, i) => ({ vendor: "segment", domain: `s${i}.example.com` })),
        ],
    };
    let plan: Plan;
    before(async () => {
        plan = await planConfig(config);
    });
    const rulesOf = (phase: string) => (ofType(plan, T.ruleset).find((r) => inputs(r).phase === phase)?.inputs.rules ?? []) as { ref: string; expression: string }[];

    it("the quota check counts exactly the rules the plan creates, phase by phase", () => {
        const { config: parsed } = parseStackConfig(config);
        const use = plannedQuotaUse(parsed, proxyRequests(parsed, "test").map(buildProxySpec));
        const phases = { redirectRules: "http_request_dynamic_redirect", configurationRules: "http_config_settings", cacheRules: "http_request_cache_settings", urlRewriteRules: "http_request_transform", responseHeaderRules: "http_response_headers_transform" } as const;
        const counted = Object.entries(phases).map(([id, phase]) => [phase, use.find((u) => u.id === id)!.count]);
        assert.deepStrictEqual(counted, Object.values(phases).map((phase) => [phase, rulesOf(phase).length]));
        // The stack is within a Free zone's ten a phase for the rules shared by shape.
        assert.ok(["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"].every((p) => rulesOf(p).length > 0 && rulesOf(p).length <= 10));
    });

    it("every store is named by exactly one rule of each phase, and the page-rule hostnames by one redirect rule", () => {
        const named = (phase: string, host: string) => rulesOf(phase).filter((r) => r.expression.includes(`"${host}"`)).length;
        for (let i = 0; i < 200; i++) {
            for (const phase of ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"]) assert.strictEqual(named(phase, `www${i}.example.com`), 1, `www${i} ${phase}`);
        }
        for (const host of ["e0.example.com", "r4.example.com", "s2.example.com"]) {
            assert.deepStrictEqual(["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"].map((p) => named(p, host)), [1, 0, 0], host);
        }
    });

    it("each proxy's outputs name the phases whose rules serve it", () => {
        const proxies = plan.outputs.proxies as Record<string, { vendor: string; notes: string[] }>;
        for (const [name, out] of Object.entries(proxies)) {
            const owns = out.notes.find((n) => /owns the zone's entry-point rulesets for/.test(n));
            assert.ok(owns, name);
            const phases = owns.match(/rulesets for ([a-z_, ]+):/)![1].split(", ");
            if (out.vendor === "vtex") assert.deepStrictEqual(phases, ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"], name);
            else assert.ok(phases.includes("http_request_dynamic_redirect") && !phases.includes("http_config_settings"), `${name}: ${phases.join(", ")}`);
        }
    });
});

describe("ZoneRules checks that its rulesets hold each proxy's rules, shared ones by their hostnames", () => {
    const vtexSpec = (host: string) => buildProxySpec({ kind: "cdn", name: `vtex-${host}`, vendor: "vtex", region: "us", layout: "single", hostnames: { main: host, store: host } });
    const members = Array.from({ length: 250 }, (_, i) => vtexSpec(`www${i}.example.com`));
    let checks: { member: ZonePhase[]; beforeSeal: ZonePhase[]; outsider: string; ownRefUsedTwice: string };
    let plan: Plan;
    const caught = (f: () => unknown) => {
        try {
            f();
        } catch (e) {
            return (e as Error).message;
        }
        return "accepted";
    };

    before(async () => {
        plan = await planProgram(
            {},
            () => {
                const zone = new ZoneRules("zone", { zoneId: "z", open: true });
                for (const p of members) zone.add(p.name, cnameProxyZoneRules(p));
                const beforeSeal = requireZoneRules(members[7].name, zone, cnameProxyZoneRules(members[7]));
                const own = urlRewriteRules("p", { ...members[0].sites[0], routes: [{ ...members[0].sites[0].routes[1], rewrite: { from: "/k/", to: "/" }, pathPattern: "/k/*" }, members[0].sites[0].routes[1]] });
                zone.add("p", own);
                const ownRefUsedTwice = caught(() => zone.add("q", own));
                zone.seal("the test");
                checks = {
                    beforeSeal,
                    member: requireZoneRules(members[200].name, zone, cnameProxyZoneRules(members[200])),
                    // Same shape, a hostname the zone was not built with.
                    outsider: caught(() => requireZoneRules("outsider", zone, cnameProxyZoneRules(vtexSpec("outsider.example.com")))),
                    ownRefUsedTwice,
                };
            },
            { project, stack: "test" },
        );
    });

    it("a store whose hostname one part of each phase names is served; its phases are the three", () => {
        const phases = ["http_request_dynamic_redirect", "http_config_settings", "http_request_cache_settings"];
        assert.deepStrictEqual(checks.member, phases);
        assert.deepStrictEqual(checks.beforeSeal, phases, "before sealing, a rule of its shape was added");
        const parts = plan.resources.filter((r) => r.type === T.ruleset && phases.includes(String(r.inputs.phase))).map((r) => (r.inputs as { rules: unknown[] }).rules.length);
        assert.ok(parts.length === 3 && parts.every((n) => n >= 2), `250 stores take several parts a phase: ${parts.join(", ")}`);
    });

    it("a store of the same shape that the zone was built without is refused, naming the shared rules it lacks", () => {
        assert.match(checks.outsider, /^outsider: the zone's rulesets lack https-redirect-[0-9a-f]{8}, strict-tls-[0-9a-f]{8}, no-cache-[0-9a-f]{8}; build ZoneRules from every proxy's zone rules/);
    });

    it("a proxy's own rule (not shared) keeps its ref to itself", () => {
        assert.match(checks.ownRefUsedTwice, /zone rule ref p-store-rewrite-0 is used twice \(p, q\)/);
    });
});
