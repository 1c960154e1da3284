import * as assert from "assert";
import { workerSettings } from "../../components/cloudflare/worker/settings";
import { workerCompatibilityDate, workerMainModule, workerModuleSource } from "../../components/cloudflare/worker/source";
import { Plan } from "../../components/plan/mockPlan";
import { childrenOf, ofType, planConfig } from "../helpers/plan";
import { accountId, cloudflareStack, inputs, routeTables, T, workerModePlan, zoneId } from "./fixtures";

describe("WorkerProxy (cloudflare.mode worker)", () => {
    let plan: Plan;
    before(async () => {
        plan = await workerModePlan();
    });

    const workerHosts = Object.keys(routeTables);

    const routeFor = (host: string) => ofType(plan, T.route).find((r) => inputs(r).pattern === `${host}/*`)!;
    const scriptFor = (host: string) => ofType(plan, T.script).find((s) => inputs(s).scriptName === inputs(routeFor(host)).script)!;

    it("builds one WorkerProxy per non-VTEX proxy and, per hostname, a Worker, a route <host>/* and a proxied record", () => {
        assert.deepStrictEqual(
            ofType(plan, T.workerProxy).map((c) => c.name),
            ["segment-s-example-com", "segment-s-eu-example-com", "segment-split", "segment-split-eu", "posthog-e-example-com", "posthog-e-eu-example-com", "amplitude-r-example-com", "amplitude-r-eu-example-com", "amplitude-all", "amplitude-analytics-eu", "mixpanel-m-example-com", "mixpanel-m-eu-example-com", "plausible-p-example-com", "custom-heap"],
        );
        assert.deepStrictEqual(ofType(plan, T.route).map((r) => inputs(r).pattern).sort(), workerHosts.map((h) => `${h}/*`).sort());
        assert.strictEqual(ofType(plan, T.script).length, workerHosts.length);
        const proxied = ofType(plan, T.record).filter((r) => inputs(r).proxied && r.urn.includes("WorkerProxy$"));
        assert.deepStrictEqual(proxied.map((r) => inputs(r).name).sort(), [...workerHosts].sort());
        assert.strictEqual(ofType(plan, "cloudflare:index/workersCustomDomain:WorkersCustomDomain").length, 0, "no Custom Domains: they cannot take over an existing record");
    });

    for (const host of Object.keys(routeTables)) {
        it(`${host}: a route <host>/* to the generic module with the site's routes in SETTINGS, on a proxied CNAME`, () => {
            const route = routeFor(host);
            assert.ok(route, `a Worker route for ${host}/*`);
            const script = scriptFor(host);
            assert.ok(script, `the route's script names a planned script (${inputs(route).script})`);
            const s = inputs(script);
            assert.strictEqual(s.accountId, accountId);
            assert.strictEqual(s.content, workerModuleSource(), "content is the generic Worker source");
            assert.strictEqual(s.mainModule, workerMainModule);
            assert.strictEqual(s.compatibilityDate, workerCompatibilityDate);
            assert.strictEqual(s.bindings.length, 1);
            const [binding] = s.bindings;
            assert.strictEqual(binding.type, "json");
            assert.strictEqual(binding.name, "SETTINGS");
            assert.strictEqual(typeof binding.json, "string", "a json binding's value is a JSON string");
            const settings = JSON.parse(binding.json) as ReturnType<typeof workerSettings>;
            assert.strictEqual(settings.hostname, host);
            assert.deepStrictEqual(
                settings.routes.map((r) => [r.pathPattern, new URL(settings.origins[r.originId].baseUrl).host]),
                routeTables[host],
            );
            for (const origin of Object.values(settings.origins)) assert.match(origin.baseUrl, /^https:\/\//);
            // Route: every path of the hostname, in the zone, to the script.
            assert.deepStrictEqual(inputs(route), { pattern: `${host}/*`, script: s.scriptName, zoneId });
            // The hostname's record: proxied (ttl 1) so requests reach the route; its target is the default route's
            // origin, which the Worker answers in front of.
            const record = ofType(plan, T.record).find((r) => inputs(r).name === host)!;
            assert.deepStrictEqual(
                [record.name.endsWith("-hostname"), inputs(record).type, inputs(record).content, inputs(record).proxied, inputs(record).ttl, inputs(record).zoneId],
                [true, "CNAME", routeTables[host][routeTables[host].length - 1][1], true, 1, zoneId],
            );
            // Parenting: all three are children of their WorkerProxy.
            for (const r of [script, route, record]) assert.match(r.urn, /first-party-proxy:cloudflare:WorkerProxy\$cloudflare:/);
        });
    }

    it("the Worker's own settings: cookies stripped, client IP only to origins that use it, caching off where the route disables it", () => {
        const settingsOf = (host: string) => JSON.parse(inputs(scriptFor(host)).bindings[0].json);
        const posthog = settingsOf("e.example.com");
        assert.deepStrictEqual(
            Object.values(posthog.origins).map((o: any) => [new URL(o.baseUrl).host, o.forwardClientIp, o.stripCookies]),
            [
                ["us.i.posthog.com", true, true],
                ["us-assets.i.posthog.com", false, true],
            ],
        );
        const amplitude = settingsOf("r-eu.example.com");
        assert.ok(amplitude.routes.every((r: any) => r.cache === "disabled" && r.redirectHttp));
        const segment = settingsOf("s.example.com");
        assert.deepStrictEqual(segment.routes.map((r: any) => r.cache), ["origin", "origin", "origin", "origin", "disabled"]);
        assert.ok(segment.routes.every((r: any) => r.methods.join() === "GET,HEAD,OPTIONS,PUT,POST,PATCH,DELETE"));
    });

    it("names scripts <stack>-<proxy>[-<role>], unique, within Cloudflare's rules", () => {
        const names = ofType(plan, T.script).map((s) => inputs(s).scriptName as string);
        assert.strictEqual(new Set(names).size, names.length);
        for (const n of names) assert.match(n, /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
        assert.ok(names.includes("test-segment-s-example-com"));
        assert.ok(names.includes("test-segment-split-cdn") && names.includes("test-segment-split-api"));
        // Resource names derive from the component's name.
        const split = ofType(plan, T.workerProxy).find((c) => c.name === "segment-split")!;
        assert.deepStrictEqual(
            childrenOf(plan, split).map((r) => r.name).sort(),
            ["segment-split-api-hostname", "segment-split-api-route", "segment-split-api-script", "segment-split-cdn-hostname", "segment-split-cdn-route", "segment-split-cdn-script"],
        );
    });

    it("outputs: the hostname's proxied record, the Worker's logs, no certificate note for a first-level hostname", () => {
        const out = (plan.outputs.proxies as any)["posthog-e-eu-example-com"];
        assert.strictEqual(out.cdn, "cloudflare-worker");
        assert.deepStrictEqual(out.urls, ["https://e-eu.example.com"]);
        assert.deepStrictEqual(out.sdk, { vendor: "posthog", api_host: "https://e-eu.example.com", ui_host: "https://eu.posthog.com" });
        assert.deepStrictEqual(out.dnsRecords.map((r: any) => [r.name, r.type, r.value]), [["e-eu.example.com", "CNAME", "eu.i.posthog.com"]]);
        assert.match(out.dnsRecords[0].purpose, /Worker route e-eu\.example\.com\/\*/);
        assert.ok(out.notes.some((n: string) => n.includes("wrangler tail test-posthog-e-eu-example-com")));
        assert.ok(!out.notes.some((n: string) => /Advanced Certificate/.test(n)), "Universal SSL covers e-eu.example.com");
    });

    it("a hostname two labels below the zone gets the Advanced Certificate note (the route is served with the zone's edge certificate)", async () => {
        const deep = await planConfig(cloudflareStack({ accountId, mode: "worker" }, [{ vendor: "posthog", region: "us", domain: "e.eu.example.com" }]));
        const notes: string[] = (deep.outputs.proxies as any)["posthog-e-eu-example-com"].notes;
        assert.ok(notes.some((n) => /e\.eu\.example\.com is 2 labels below the zone example\.com.*Advanced Certificate/.test(n)), notes.join("\n"));
    });

    it("Segment outputs: cdnURL and apiHost on the proxy's hostnames", () => {
        const out = (plan.outputs.proxies as any)["segment-split-eu"];
        assert.strictEqual(out.sdk.cdnURL, "https://cdn-eu.example.com");
        assert.strictEqual(out.sdk.apiHost, "api-eu.example.com/v1");
        assert.deepStrictEqual(out.urls, ["https://cdn-eu.example.com", "https://api-eu.example.com"]);
    });

    it("serves VTEX in worker mode as proxied DNS, not a Worker (a Worker cannot send the store's Host)", () => {
        assert.ok(!ofType(plan, T.script).some((s) => inputs(s).bindings[0].json.includes("vtex")));
        assert.deepStrictEqual(ofType(plan, T.cnameProxy).map((c) => c.name), ["vtex-www-example-com"]);
        assert.strictEqual((plan.outputs.proxies as any)["vtex-www-example-com"].cdn, "cloudflare-dns");
    });
});
