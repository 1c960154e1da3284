import * as assert from "assert";
import { loadEngine, UboEngine } from "../../blockers/engine";
import { inLayout, Layout } from "../../blockers/layouts";
import { AnchorVendor, sdkRequests, vendorHostSdk } from "../../blockers/sdkRequests";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { selectRouteIndex } from "../../components/model/pathPattern";
import { rewritePath } from "../../components/model/pathRewrite";
import { buildProxySpec } from "../../components/model/proxySpec";
import { ProxyOutputs } from "../../components/outputs";
import { Plan } from "../../components/plan/mockPlan";
import { accountId, zone } from "../cloudflare/fixtures";
import { planConfig, TestConfig } from "../helpers/plan";
import { snapshot, snapshotFilters, snapshotLists } from "./snapshotFilters";

/*
 * uBlock Origin's own engine (@gorhill/ubo-core) with the real lines of its default lists that hit the vendors'
 * SDKs (snapshotFilters.ts), asked about every request URL the planned proxies' SDK outputs give. `npm run blockers`
 * does the same with the whole lists and the real SDKs in a browser.
 */

const page = "https://www.example.com/";

const proxies: TestConfig[] = [
    { vendor: "segment", domain: "s.example.com" },
    { vendor: "posthog", domain: "e.example.com" },
    { vendor: "amplitude", domain: "r.example.com", products: ["analytics", "sessionReplay"] },
    { vendor: "datadog", domain: "d.example.com" },
    { vendor: "mixpanel", domain: "m.example.com" },
    { vendor: "plausible", domain: "p.example.com" },
];

/** Datadog needs code at the edge (ddforward): page-rule mode refuses it. */
const withoutEdgeCode = (p: TestConfig[]) => p.filter((x) => x.vendor !== "datadog");

const stacks: Record<string, (proxies: TestConfig[]) => TestConfig> = {
    cloudfront: (p) => ({ provider: "aws", dns: { provider: "route53", zone }, proxies: p }),
    "cloudflare-worker": (p) => ({ provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { accountId, mode: "worker" }, proxies: p }),
    "cloudflare-pageRule": (p) => ({ provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { mode: "pageRule", enterprise: true }, proxies: withoutEdgeCode(p) }),
};

const outputsOf = (plan: Plan) => plan.outputs.proxies as Record<string, ProxyOutputs>;

describe(`uBlock Origin's engine with the filters of its default lists that hit vendor paths (${snapshot})`, function () {
    this.timeout(60_000);
    let engine: UboEngine;
    before(async () => {
        engine = await loadEngine(snapshotLists());
    });

    it("the fixture's filters load as the engine's lists, each with its source line cited", () => {
        const cited = snapshotLists().map((l) => l.raw);
        for (const f of snapshotFilters) {
            assert.ok(f.line > 0 && f.list.endsWith(".txt)"), `${f.filter} cites its list and line`);
            assert.ok(cited.some((raw) => raw.split("\n").includes(f.filter)), `${f.filter} is in a loaded list`);
        }
    });

    for (const [cdn, stack] of Object.entries(stacks)) {
        describe(`${cdn}, layout paths: vendor (the vendors' own paths at the root)`, () => {
            const layout: Layout = "vendor";
            let outputs: Record<string, ProxyOutputs>;
            before(async () => {
                outputs = outputsOf(await planConfig(stack(proxies.map((p) => inLayout(p, layout)))));
            });

            it("every SDK URL of every proxy is on the proxy's own hostname", () => {
                for (const o of Object.values(outputs)) {
                    const requests = sdkRequests(o.sdk);
                    assert.ok(requests.length >= 2, `${o.vendor} has SDK requests`);
                    for (const r of requests) assert.ok(o.urls.includes(new URL(r.url).origin), `${r.url} is served by ${o.urls.join(", ")}`);
                }
            });

            it("Segment's analytics.js is blocked by EasyPrivacy's /analytics.js/v1/*, so no event is ever sent", () => {
                const segment = Object.values(outputs).find((o) => o.vendor === "segment")!;
                const [script, ...rest] = sdkRequests(segment.sdk);
                assert.strictEqual(script.what, "analytics.js");
                assert.deepStrictEqual(engine.match(page, script.url, script.type), {
                    blocked: true,
                    filter: "/analytics.js/v1/*",
                    list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
                });
                for (const r of rest) assert.strictEqual(engine.match(page, r.url, r.type).blocked, false, `${r.what} ${r.url}`);
            });

            it("PostHog's, Amplitude's, Datadog's, Mixpanel's and Plausible's requests pass today's snapshot on the proxy's hostname", () => {
                for (const o of Object.values(outputs).filter((o) => o.vendor !== "segment")) {
                    for (const r of sdkRequests(o.sdk)) assert.deepStrictEqual(engine.match(page, r.url, r.type), { blocked: false }, `${o.vendor} ${r.what} ${r.url}`);
                }
            });
        });
    }

    describe("the default layout (public paths): nothing of any SDK is blocked, on every CDN", () => {
        for (const [cdn, stack] of Object.entries(stacks)) {
            it(`${cdn}: every SDK URL of every proxy passes, on the proxy's hostname, and its route rewrites it to the vendor's path`, async () => {
                const config = stack(proxies.map((p) => inLayout(p, "default")));
                const outputs = outputsOf(await planConfig(config));
                const vendorLayout = outputsOf(await planConfig(stack(proxies.map((p) => inLayout(p, "vendor")))));
                const specs = proxyRequests(parseStackConfig(config).config, "test").map(buildProxySpec);
                const checked: string[] = [];
                for (const [name, o] of Object.entries(outputs)) {
                    const requests = sdkRequests(o.sdk);
                    assert.ok(requests.length >= 2, `${o.vendor} has SDK requests`);
                    for (const r of requests) {
                        assert.ok(o.urls.includes(new URL(r.url).origin), `${r.url} is served by ${o.urls.join(", ")}`);
                        assert.deepStrictEqual(engine.match(page, r.url, r.type), { blocked: false }, `${o.vendor} ${r.what} ${r.url}`);
                        checked.push(r.url);
                    }
                    // The route table sends each public URL to the path the SDK requests in the vendor layout.
                    const seed = sdkRequests(vendorLayout[name].sdk);
                    const spec = specs.find((p) => p.name === name)!;
                    requests.forEach((r, i) => {
                        const url = new URL(r.url);
                        const site = spec.sites.find((s) => s.hostname === url.hostname)!;
                        const route = site.routes[selectRouteIndex(site.routes.map((x) => x.pathPattern), url.pathname)];
                        assert.strictEqual(route.answer, undefined, `${r.url} reaches an origin`);
                        const vendorUrl = new URL(seed[i].url);
                        assert.notStrictEqual(url.pathname, vendorUrl.pathname, `${r.url} is not at the vendor's path`);
                        assert.strictEqual(rewritePath(route.rewrite, url.pathname) + url.search, vendorUrl.pathname + vendorUrl.search, `${r.url} upstream`);
                    });
                }
                assert.ok(checked.length >= 9);
            });
        }
    });

    it("a PostHog proxy on a hostname whose first label is posthog has its array.js blocked by ://posthog.$script", async () => {
        const named = { vendor: "posthog", name: "named", domain: "posthog.example.com" };
        const outputs = outputsOf(await planConfig(stacks.cloudfront([inLayout(named, "vendor")])));
        const script = sdkRequests(outputs.named.sdk).find((r) => r.type === "script")!;
        const verdict = engine.match(page, script.url, script.type);
        assert.strictEqual(verdict.blocked, true, script.url);
        assert.strictEqual(verdict.list, "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)");
        assert.match(verdict.filter ?? "", /^:\/\/posthog\.\$script/);
    });

    describe("anchors: the SDKs pointed at the vendors' own hostnames", () => {
        const expected: Record<AnchorVendor, Record<string, string>> = {
            segment: { "analytics.js": "||segment.com^$3p", settings: "@@||cdn.segment.com/v1/projects/", event: "||segment.io^$3p" },
            posthog: { "array.js": "||i.posthog.com^", flags: "||i.posthog.com^", event: "||i.posthog.com^", recording: "||i.posthog.com^" },
            amplitude: {
                "remote config": "||amplitude.com^$3p",
                event: "||amplitude.com^$3p",
                batch: "||amplitude.com^$3p",
                "replay config": "||amplitude.com^$3p",
                recording: "||amplitude.com^$3p",
            },
            datadog: { event: "||browser-intake-datadoghq.com^", recording: "||browser-intake-datadoghq.com^" },
            mixpanel: { library: "||mxpnl.com^$3p", decide: "||api-js.mixpanel.com^", event: "||api-js.mixpanel.com^", profile: "||api-js.mixpanel.com^" },
            plausible: { script: "||plausible.io^$3p", "script with extensions": "||plausible.io^$3p", event: "||plausible.io^$3p" },
        };
        for (const vendor of Object.keys(expected) as AnchorVendor[]) {
            it(`${vendor}: every request but an excepted one is blocked by the vendor's hostname filter`, () => {
                const requests = sdkRequests(vendorHostSdk(vendor));
                const decided = Object.fromEntries(requests.map((r) => [r.what, engine.match(page, r.url, r.type)]));
                assert.deepStrictEqual(Object.fromEntries(Object.entries(decided).map(([w, v]) => [w, v.filter])), expected[vendor]);
                for (const [what, v] of Object.entries(decided)) assert.strictEqual(v.blocked, !v.filter!.startsWith("@@"), `${vendor} ${what}`);
            });
        }
    });
});
