import * as assert from "assert";
import { workerSettings } from "../../components/cloudflare/worker/settings";
import { workerCompatibilityDate, workerMainModule, workerModuleSource } from "../../components/cloudflare/worker/source";
import { Plan } from "../../components/plan/mockPlan";
import { childrenOf, ofType } from "../helpers/plan";
import { accountId, inputs, routeTables, T, workerModePlan, zoneId } from "./fixtures";

describe("WorkerProxy (cloudflare.mode worker)", () => {
    let plan: Plan;
    before(async () => {
        plan = await workerModePlan();
    });

    const workerHosts = Object.keys(routeTables);

    it("builds one WorkerProxy per non-VTEX proxy and one Worker + Custom Domain per hostname", () => {
        assert.deepStrictEqual(
            ofType(plan, T.workerProxy).map((c) => c.name),
            ["segment-s-example-com", "segment-s-eu-example-com", "segment-split", "segment-split-eu", "posthog-e-example-com", "posthog-e-eu-example-com", "amplitude-r-example-com", "amplitude-r-eu-example-com"],
        );
        assert.deepStrictEqual(ofType(plan, T.customDomain).map((d) => inputs(d).hostname).sort(), [...workerHosts].sort());
        assert.strictEqual(ofType(plan, T.script).length, workerHosts.length);
        assert.strictEqual(ofType(plan, T.route).length, 0, "no Worker Routes: Custom Domains serve the hostnames");
    });

    for (const host of Object.keys(routeTables)) {
        it(`${host}: the generic module with the site's routes, in order, in the SETTINGS json binding`, () => {
            const domain = ofType(plan, T.customDomain).find((d) => inputs(d).hostname === host)!;
            const script = ofType(plan, T.script).find((s) => inputs(s).scriptName === inputs(domain).service);
            assert.ok(script, `the custom domain's service names a planned script (${inputs(domain).service})`);
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
            // Custom Domain: hostname in the zone, attached to the script, in the account.
            assert.deepStrictEqual(
                { hostname: inputs(domain).hostname, zoneId: inputs(domain).zoneId, accountId: inputs(domain).accountId },
                { hostname: host, zoneId, accountId },
            );
            // Parenting: both resources are children of their WorkerProxy.
            for (const r of [script!, domain]) assert.match(r.urn, /first-party-proxy:cloudflare:WorkerProxy\$cloudflare:/);
        });
    }

    it("the Worker's own settings: cookies stripped, client IP only to origins that use it, caching off where the route disables it", () => {
        const settingsOf = (host: string) => {
            const domain = ofType(plan, T.customDomain).find((d) => inputs(d).hostname === host)!;
            const script = ofType(plan, T.script).find((s) => inputs(s).scriptName === inputs(domain).service)!;
            return JSON.parse(inputs(script).bindings[0].json);
        };
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
            ["segment-split-api-domain", "segment-split-api-script", "segment-split-cdn-domain", "segment-split-cdn-script"],
        );
    });

    it("creates no DNS record for Worker hostnames (the Custom Domain does), and says so in the outputs", () => {
        const recordNames = ofType(plan, T.record).map((r) => inputs(r).name);
        for (const host of workerHosts) assert.ok(!recordNames.includes(host), `${host} has no DnsRecord`);
        const out = (plan.outputs.proxies as any)["posthog-e-eu-example-com"];
        assert.strictEqual(out.cdn, "cloudflare-worker");
        assert.deepStrictEqual(out.urls, ["https://e-eu.example.com"]);
        assert.deepStrictEqual(out.sdk, { vendor: "posthog", api_host: "https://e-eu.example.com", ui_host: "https://eu.posthog.com" });
        assert.deepStrictEqual(out.dnsRecords.map((r: any) => [r.name, r.type, r.value]), [["e-eu.example.com", "Worker", "test-posthog-e-eu-example-com"]]);
        assert.ok(out.notes.some((n: string) => /Workers Custom Domain: Cloudflare creates its DNS record and certificate/.test(n)));
        assert.ok(out.notes.some((n: string) => n.includes("wrangler tail test-posthog-e-eu-example-com")));
        assert.ok(!out.notes.some((n: string) => /Advanced Certificate/.test(n)), "Custom Domains get their own certificate");
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
