import * as assert from "assert";
import { selectRouteIndex } from "../../components/model/pathPattern";
import { rewritePath } from "../../components/model/pathRewrite";
import { buildProxySpec } from "../../components/model/proxySpec";
import { derivedPathPrefix, literalPrefix, pathPrefixPattern, PathPlan, publicRoutes, sharedHostRoutes } from "../../components/model/publicPaths";
import { ProxySpec, Site, VendorId, vendorIds, vendorRegions } from "../../components/model/types";
import { presetRoutedVendors, vendorPresets } from "../../components/vendors";

/** Where a request for `path` on `site` goes: the origin's host and the path it sees, or 404 from the edge. */
function upstream(site: Site, path: string): string {
    const route = site.routes[selectRouteIndex(site.routes.map((r) => r.pathPattern), path)];
    if (!route) return "no route";
    if (route.answer === "notFound") return "404";
    const origin = site.origins.find((o) => o.id === route.originId)!;
    return `${origin.domain}${rewritePath(route.rewrite, path)}`;
}

/** Every layout of every vendor and region that takes public paths, with `plan`. */
function everySite(plan: PathPlan | undefined): { vendor: VendorId; layout: string; spec: ProxySpec }[] {
    return presetRoutedVendors
        // VTEX serves the store's own paths (Google tag gateway and custom vendors: test/vendors/).
        .filter((v) => v !== "vtex")
        .flatMap((vendor) =>
            Object.entries(vendorPresets[vendor].layouts).flatMap(([layout, sites]) =>
                vendorRegions
                    .filter((r) => vendorPresets[vendor].endpoints[r])
                    .map((region) => ({
                        vendor,
                        layout,
                        spec: buildProxySpec({
                            kind: "cdn",
                            name: `${vendor}-${layout}-${region}`,
                            vendor,
                            region,
                            layout,
                            hostnames: Object.fromEntries(sites.map((s) => [s.role, `${s.role}.example.com`])),
                            ...(plan ? { paths: plan } : {}),
                        }),
                    })),
            ),
        );
}

/** Sample vendor paths: each route's literal prefix with a tail, and a query. */
function vendorPathsOf(site: Site, vendorSite: Site): string[] {
    return vendorSite.routes.flatMap((r) => {
        const literal = literalPrefix(r.pathPattern);
        return [`${literal}x/y.js`, `${literal}${literal.endsWith("/") ? "" : "/"}deep/er?v=1`];
    });
}

describe("public paths", () => {
    it("vendor layout without a prefix is the preset's route table itself", () => {
        for (const { vendor, layout, spec } of everySite({ layout: "vendor" })) {
            spec.sites.forEach((site, i) => {
                assert.deepStrictEqual(site.routes, vendorPresets[vendor].layouts[layout][i].routes, `${vendor}/${layout}`);
                assert.ok(site.routes.every((r) => r.rewrite === undefined && r.answer === undefined));
            });
        }
    });

    for (const plan of [
        { layout: "public", prefix: "/k7" },
        { layout: "public", prefix: "/a/b-c" },
        { layout: "vendor", prefix: "/k7" },
    ] as const) {
        it(`${plan.layout} under ${plan.prefix}: every vendor path is served at its public path and reaches the same origin and path`, () => {
            for (const { vendor, layout, spec } of everySite(plan)) {
                const vendorSpec = everySite(undefined).find((s) => s.vendor === vendor && s.layout === layout && s.spec.region === spec.region)!.spec;
                spec.sites.forEach((site, i) => {
                    const renames = plan.layout === "public" ? (vendorPresets[vendor].publicRenames ?? []) : [];
                    const patterns = site.routes.map((r) => r.pathPattern);
                    assert.strictEqual(patterns[patterns.length - 1], "*", "catch-all last");
                    assert.strictEqual(site.routes[site.routes.length - 1].answer, "notFound");
                    for (const p of patterns.slice(0, -1)) assert.ok(p.startsWith(`${plan.prefix}/`), `${p} under the prefix`);
                    for (const vendorPath of vendorPathsOf(site, vendorSpec.sites[i])) {
                        const rename = renames.find((r) => vendorPath.startsWith(r.vendor));
                        const publicPath = plan.prefix + (rename ? rename.public + vendorPath.slice(rename.vendor.length) : vendorPath);
                        const expected = upstream(vendorSpec.sites[i], vendorPath.split("?")[0]);
                        const servesIt = !rename || site.routes.some((r) => r.rewrite?.to === rename.vendor);
                        if (!servesIt) continue;
                        assert.strictEqual(upstream(site, publicPath.split("?")[0]), expected, `${vendor}/${layout} ${site.hostname}${publicPath}`);
                    }
                    assert.strictEqual(upstream(site, "/analytics.js/v1/k/analytics.min.js"), "404", "vendor paths outside the prefix are not served");
                    assert.strictEqual(upstream(site, plan.prefix!), "404", "the bare prefix is not a route");
                });
            }
        });
    }

    it("renames Segment's loader, which EasyPrivacy's /analytics.js/v1/* blocks on any host, only where the CDN origin serves it", () => {
        const [single] = everySite({ layout: "public", prefix: "/k7" }).filter((s) => s.vendor === "segment" && s.layout === "single");
        assert.strictEqual(upstream(single.spec.sites[0], "/k7/lib/v1/KEY/analytics.min.js"), "cdn.segment.com/analytics.js/v1/KEY/analytics.min.js");
        assert.strictEqual(upstream(single.spec.sites[0], "/k7/analytics.js/v1/KEY/analytics.min.js"), "api.segment.io/analytics.js/v1/KEY/analytics.min.js");
        const split = everySite({ layout: "public", prefix: "/k7" }).find((s) => s.vendor === "segment" && s.layout === "split")!;
        const api = split.spec.sites.find((s) => s.role === "api")!;
        assert.ok(!api.routes.some((r) => r.rewrite?.to === "/analytics.js/"), "the API host does not serve the loader");
        assert.ok(everySite({ layout: "public", prefix: "/k7" }).every((s) => s.spec.sites.every((site) => site.routes.every((r) => !r.pathPattern.includes("analytics.js")))));
    });

    it("derives a stable prefix per stack and proxy that no generic filter word sits in", () => {
        const a = derivedPathPrefix("prod", "posthog-e-example-com");
        assert.strictEqual(a, derivedPathPrefix("prod", "posthog-e-example-com"));
        assert.notStrictEqual(a, derivedPathPrefix("dev", "posthog-e-example-com"));
        assert.notStrictEqual(a, derivedPathPrefix("prod", "posthog-f-example-com"));
        for (let i = 0; i < 300; i++) {
            const p = derivedPathPrefix("s", `p${i}`);
            assert.match(p, /^\/[a-z][a-z0-9]{5}$/);
            assert.match(p, pathPrefixPattern);
            assert.doesNotMatch(p, /ad|track|stat|log|pix|ga|tag|ph|seg|amp|collect/);
        }
    });

    it("gives SDK settings that reach the vendor's own endpoints through the public routes", () => {
        for (const { vendor, spec } of everySite({ layout: "public", prefix: "/k7" })) {
            const site = (role: string) => spec.sites.find((s) => s.role === role) ?? spec.sites[0];
            const through = (url: string, role = "main") => {
                const u = new URL(url);
                assert.strictEqual(u.hostname, site(role).hostname, url);
                return upstream(site(role), u.pathname);
            };
            const sdk = spec.sdk;
            if (sdk.vendor === "segment") {
                const cdn = spec.sites.length === 1 ? "main" : "cdn";
                const api = spec.sites.length === 1 ? "main" : "api";
                assert.strictEqual(through(sdk.snippetSrc!.replace("<WRITE_KEY>", "KEY"), cdn), "cdn.segment.com/analytics.js/v1/KEY/analytics.min.js");
                assert.strictEqual(through(`${sdk.cdnURL}/v1/projects/KEY/settings`, cdn), "cdn.segment.com/v1/projects/KEY/settings");
                assert.strictEqual(through(`${sdk.cdnURL}/analytics-next/bundles/x.js`, cdn), "cdn.segment.com/analytics-next/bundles/x.js");
                assert.match(through(`https://${sdk.apiHost}/t`, api), /^(api\.segment\.io|events\.eu1\.segmentapis\.com)\/v1\/t$/);
            } else if (sdk.vendor === "posthog") {
                assert.match(through(`${sdk.api_host}/static/array.js`), /^(us|eu)-assets\.i\.posthog\.com\/static\/array\.js$/);
                assert.match(through(`${sdk.api_host}/array/phc_x/config`), /^(us|eu)-assets\.i\.posthog\.com\/array\/phc_x\/config$/);
                assert.match(through(`${sdk.api_host}/e/`), /^(us|eu)\.i\.posthog\.com\/e\/$/);
                assert.match(through(`${sdk.api_host}/flags/`), /^(us|eu)\.i\.posthog\.com\/flags\/$/);
            } else if (sdk.vendor === "amplitude") {
                assert.ok(sdk.serverUrl !== undefined || sdk.trackServerUrl !== undefined, "Analytics, Session Replay or both");
                if (sdk.trackServerUrl !== undefined) {
                    assert.match(through(sdk.trackServerUrl), /^api-sr(\.eu)?\.amplitude\.com\/sessions\/v2\/track$/);
                    assert.match(through(`${sdk.configServerUrl}/KEY?config_group=browser`), /^sr-client-cfg(\.eu)?\.amplitude\.com\/config\/KEY$/);
                }
                if (sdk.serverUrl !== undefined) {
                    assert.match(through(sdk.serverUrl), /^api(2|\.eu)\.amplitude\.com\/2\/httpapi$/);
                    assert.match(through(sdk.batchServerUrl!), /^api(2|\.eu)\.amplitude\.com\/batch$/);
                    assert.match(through(`${sdk.remoteConfigServerUrl}/KEY?config_group=browser`), /^sr-client-cfg(\.eu)?\.amplitude\.com\/config\/KEY$/);
                }
            } else if (sdk.vendor === "mixpanel") {
                assert.strictEqual(through(sdk.libUrl), "cdn.mxpnl.com/libs/mixpanel-2-latest.min.js");
                for (const path of ["/track/", "/engage/", "/groups/", "/decide", "/flags", "/record/"]) {
                    assert.match(through(`${sdk.api_host}${path}`), new RegExp(`^api-(js|eu)\\.mixpanel\\.com${path}$`));
                }
            } else if (sdk.vendor === "plausible") {
                assert.strictEqual(sdk.scriptSrc, "https://main.example.com/k7/js/s.js");
                assert.strictEqual(through(sdk.scriptSrc), "plausible.io/js/script.js");
                assert.strictEqual(through(sdk.scriptSrc.replace(/\.js$/, ".outbound-links.tagged-events.js")), "plausible.io/js/script.outbound-links.tagged-events.js");
                assert.strictEqual(through(sdk.apiEndpoint), "plausible.io/api/event");
            }
        }
    });

    it("on a shared host, every layout under a prefix keeps its routes but the catch-all, and ends with the prefix's own", () => {
        for (const plan of [{ layout: "public", prefix: "/k7" }, { layout: "vendor", prefix: "/a/b-c" }] as const) {
            for (const { vendor, layout, spec } of everySite(plan)) {
                for (const site of spec.sites) {
                    const shared = sharedHostRoutes(site.routes, plan.prefix);
                    assert.deepStrictEqual(shared, site.routes.slice(0, -1), `${vendor}/${layout}`);
                    assert.strictEqual(shared[shared.length - 1].pathPattern, `${plan.prefix}/*`, `${vendor}/${layout}: every path under the prefix is the vendor's`);
                }
            }
        }
    });

    it("refuses, on a shared host, routes that would take the site's own paths or leave some under the prefix to it", () => {
        const posthog = vendorPresets.posthog.layouts.single[0].routes;
        assert.throws(() => sharedHostRoutes(posthog, "/k7"), /a shared host needs a public layout's routes \(ending with the edge's own 404 for \*\), got \/static\/\*, \/array\/\*, \*/);
        const routes = publicRoutes(posthog, { layout: "public", prefix: "/k7" }, []);
        assert.throws(() => sharedHostRoutes(routes, "/k"), /route \/k7\/static\/\* is outside the prefix \/k: on a shared host it would take the site's own paths/);
        const withoutCatchAll = [...routes.slice(0, -2), routes[routes.length - 1]];
        assert.throws(() => sharedHostRoutes(withoutCatchAll, "/k7"), /the routes under \/k7 end with \/k7\/array\/\*, not \/k7\/\*: a path under the prefix would fall through to the site/);
    });

    it("lets publicRoutes keep the vendor's routes when there is nothing to rewrite", () => {
        const routes = vendorPresets.posthog.layouts.single[0].routes;
        assert.deepStrictEqual(publicRoutes(routes, { layout: "vendor" }, []), [...routes]);
    });
});
