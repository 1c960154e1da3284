import * as assert from "assert";
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Miniflare } from "miniflare";
import { SharedWorkerScript } from "../../components/cloudflare/sharedWorkerScript";
import { sharedScriptGroup, sharedWorkerScriptName, workerScriptName } from "../../components/cloudflare/names";
import { indexSharedSites, sharedSiteFor } from "../../components/cloudflare/worker/edge/sites";
import { WorkerSettings } from "../../components/cloudflare/worker/settings";
import { sharedSitesDeclaration } from "../../policy/cloudflare";
import { maxWorkerSizeBytes, sharedSitesIdentifier, sharedWorkerBundle, sharedWorkerModuleSource, sharedWorkerSitesOf, workerSizeProblem } from "../../components/cloudflare/worker/source";
import { parseStackConfig, project } from "../../components/config/load";
import { Plan, planProgram } from "../../components/plan/mockPlan";
import { diagramModel } from "../../components/plan/renderMermaid";
import { renderTree } from "../../components/plan/renderTree";
import { quotaStatus } from "../../components/quotas/check";
import { proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { raisedQuotas, scaleConfig } from "../../bench/planScale";
import { ofType, planConfig, TestConfig } from "../helpers/plan";
import { startPlannedWorkers } from "../helpers/plannedWorkers";
import { RecordingOrigin, startRecordingOrigin } from "../helpers/recordingOrigin";
import { accountId, inputs, T, zone } from "./fixtures";

/*
 * cloudflare.workerScripts: shared — one Worker script per vendor layout, picking each site's settings by hostname
 * (and a shared host's path prefix). Checked three ways: the pure look-up, the plan (scripts, routes, counts), and
 * the planned scripts run in workerd next to the per-site ones, answering every request alike.
 */

const settingsFor = (hostname: string, origin = "https://us.i.posthog.com"): WorkerSettings => ({
    hostname,
    origins: { main: { baseUrl: origin, forwardClientIp: true, anonymizeClientIp: false, stripCookies: true } },
    routes: [],
});

describe("shared Worker scripts: the site look-up (edge/sites.ts)", () => {
    const owned = settingsFor("e.example.com");
    const k7 = settingsFor("www.example.com");
    const k7x = settingsFor("www.example.com", "https://eu.i.posthog.com");
    const index = indexSharedSites({
        "e.example.com": [{ settings: owned }],
        "www.example.com": [{ pathPrefix: "/k7", settings: k7 }, { pathPrefix: "/k7/x", settings: k7x }],
    });

    it("picks a hostname's site by the request URL's host, with or without a port", () => {
        assert.strictEqual(sharedSiteFor(index, "https://e.example.com/k7/static/a.js"), owned);
        assert.strictEqual(sharedSiteFor(index, "http://e.example.com:8080/"), owned);
        assert.strictEqual(sharedSiteFor(index, "https://e.example.com"), owned);
    });

    it("on a shared host, the site whose prefix the path is or starts with (the longest first), never a longer segment", () => {
        assert.strictEqual(sharedSiteFor(index, "https://www.example.com/k7/static/a.js"), k7);
        assert.strictEqual(sharedSiteFor(index, "https://www.example.com/k7"), k7);
        assert.strictEqual(sharedSiteFor(index, "https://www.example.com/k7?x=1"), k7);
        assert.strictEqual(sharedSiteFor(index, "https://www.example.com/k7/x/e/"), k7x);
        assert.strictEqual(sharedSiteFor(index, "https://www.example.com/k7x/static/a.js"), undefined);
        assert.strictEqual(sharedSiteFor(index, "https://www.example.com/"), undefined);
    });

    it("a hostname it does not hold has no site (the Worker refuses it)", () => {
        assert.strictEqual(sharedSiteFor(index, "https://evil.example.net/k7/static/a.js"), undefined);
        assert.strictEqual(sharedSiteFor(index, "https://example.com/"), undefined);
        assert.strictEqual(sharedSiteFor(index, "https://e.example.com.evil.net/"), undefined);
    });
});

describe("shared Worker scripts: names, module and size", () => {
    it("a shared script's name never equals a per-site one, whatever the proxies are called", () => {
        const group = sharedScriptGroup("posthog", "main");
        assert.strictEqual(group, "posthog-main");
        assert.strictEqual(sharedWorkerScriptName("dev", group), "dev-shared--posthog-main");
        // Per-site names never hold "--" (not even a proxy named to look like a shared script); shared names always do.
        for (const site of ["shared--posthog-main", "shared-posthog-main", "shared-", "x--y"]) assert.ok(!workerScriptName("dev", site).includes("--"));
        const long = sharedWorkerScriptName("a-very-long-stack-name-that-goes-on-and-on-and-on-beyond", "segment-cdn");
        assert.ok(long.length <= 63 && long.includes("--segment-cdn-"), long);
        assert.notStrictEqual(sharedWorkerScriptName("Dev", group), sharedWorkerScriptName("dev", group), "a cleaned prefix is hashed");
    });

    it("the module declares its sites on its first line, sorted by hostname, then the shared Worker; they read back", () => {
        const sites = { "z.example.com": [{ settings: settingsFor("z.example.com") }], "a.example.com": [{ settings: settingsFor("a.example.com") }] };
        const source = sharedWorkerModuleSource(sites);
        assert.ok(source.startsWith('const FIRST_PARTY_PROXY_SITES = {"a.example.com":'));
        assert.ok(source.endsWith(sharedWorkerBundle()));
        assert.deepStrictEqual(sharedWorkerSitesOf(source), sites);
        assert.strictEqual(sharedWorkerSitesOf(sharedWorkerBundle()), undefined, "the one-site module declares no sites");
        // The policy pack reads the same line (it stands alone, so it spells it out).
        assert.strictEqual(sharedSitesDeclaration, `const ${sharedSitesIdentifier} = `);
    });

    it("a module over Cloudflare's size limit is refused, measured compressed as Cloudflare measures it", () => {
        assert.strictEqual(workerSizeProblem("x".repeat(1000), "free"), undefined);
        // Plain over 3 MB, a few KB compressed: fits.
        assert.strictEqual(workerSizeProblem("a".repeat(maxWorkerSizeBytes.free + 1), "free"), undefined);
        // Random bytes do not compress: over the limit either way.
        const random = randomBytes(maxWorkerSizeBytes.free).toString("base64");
        assert.match(workerSizeProblem(random, "free")!, /MB compressed .* more than the 3\.0 MB Cloudflare takes on Workers free/);
        assert.strictEqual(workerSizeProblem(random, "paid"), undefined);
    });
});

describe("SharedWorkerScript: members", () => {
    it("settles with every member once sealed; refuses a member after that, and a hostname (or shared host prefix) twice", async () => {
        let contents!: pulumi.Output<string | undefined>;
        let late: unknown;
        let twice: unknown;
        await planProgram({}, async () => {
            const seals: (() => void)[] = [];
            const script = new SharedWorkerScript({ accountId, scriptName: "t-shared--posthog-main", scheduleSeal: (seal) => seals.push(seal) }, {});
            script.join("a", settingsFor("a.example.com"), undefined, accountId);
            script.join("w1", settingsFor("www.example.com"), "/k7", accountId);
            script.join("w2", settingsFor("www.example.com"), "/j9", accountId);
            twice = catching(() => script.join("w3", settingsFor("www.example.com"), "/k7", accountId));
            contents = script.script.content;
            assert.strictEqual(seals.length, 1, "one seal scheduled");
            seals[0]();
            late = catching(() => script.join("b", settingsFor("b.example.com"), undefined, accountId));
        }, { project, stack: "t" });
        assert.match(String(twice), /w3: www\.example\.com\/k7 is already served by the shared Worker script t-shared--posthog-main/);
        assert.match(String(late), /b: the shared Worker script t-shared--posthog-main was settled with a, w1, w2 before b joined/);
        const content = await (contents as unknown as { promise(): Promise<string> }).promise();
        assert.deepStrictEqual(Object.keys(sharedWorkerSitesOf(content)!), ["a.example.com", "www.example.com"]);
        assert.deepStrictEqual(sharedWorkerSitesOf(content)!["www.example.com"].map((s) => s.pathPrefix), ["/k7", "/j9"]);
        assert.ok(content.endsWith(sharedWorkerBundle()));
    });

    it("a member of another account (known only once deployed) fails its route's script name", async () => {
        let other!: pulumi.Output<string>;
        let same!: pulumi.Output<string>;
        await planProgram({}, () => {
            const script = new SharedWorkerScript({ accountId: pulumi.output(Promise.resolve(accountId)), scriptName: "t-shared--posthog-main", scheduleSeal: queueMicrotask }, {});
            same = script.join("a", settingsFor("a.example.com"), undefined, accountId);
            other = script.join("b", settingsFor("b.example.com"), undefined, pulumi.output(Promise.resolve("f".repeat(32))));
        }, { project, stack: "t" });
        const promise = (o: pulumi.Output<string>) => (o as unknown as { promise(): Promise<string> }).promise();
        assert.strictEqual(await promise(same), "t-shared--posthog-main");
        await assert.rejects(promise(other), /b: the shared Worker script t-shared--posthog-main belongs to another Cloudflare account than b's/);
    });
});

const byUrn = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));

function catching(f: () => unknown): unknown {
    try {
        f();
    } catch (error) {
        return error;
    }
    return undefined;
}

const stack = (workerScripts: string | undefined, proxies: TestConfig[], extra: TestConfig = {}): TestConfig => ({
    provider: "cloudflare",
    dns: { provider: "cloudflare", zone },
    cloudflare: { accountId, mode: "worker", ...(workerScripts ? { workerScripts } : {}), ...extra },
    proxies,
});

/** Three PostHog hostnames with three prefixes (one on the user's own site), Segment on two hosts, Amplitude, VTEX. */
const mixed: TestConfig[] = [
    { vendor: "posthog", domain: "e.example.com", pathPrefix: "/k7" },
    { vendor: "posthog", region: "eu", domain: "e-eu.example.com", pathPrefix: "/j9" },
    { vendor: "posthog", name: "site-posthog", domain: "www.example.com", sharedHost: true, pathPrefix: "/p3" },
    { vendor: "segment", name: "segment-split", cdnDomain: "cdn.example.com", apiDomain: "api.example.com", pathPrefix: "/s5" },
    { vendor: "amplitude", domain: "r.example.com", products: ["analytics", "sessionReplay"], pathPrefix: "/a1" },
    { vendor: "vtex", domain: "shop.example.com" },
];

describe("cloudflare.workerScripts: shared, planned", () => {
    let shared: Plan;
    let perSite: Plan;
    before(async () => {
        // One plan at a time: a plan runs under process-wide mocks.
        shared = await planConfig(stack("shared", mixed));
        perSite = await planConfig(stack(undefined, mixed));
    });

    const scriptNamed = (plan: Plan, name: string) => ofType(plan, T.script).find((s) => inputs(s).scriptName === name)!;

    it("one script per vendor layout, at the stack's root; every site keeps its route (same URN), which runs its layout's script", () => {
        assert.deepStrictEqual(ofType(shared, T.script).map((s) => inputs(s).scriptName).sort(), [
            "test-shared--amplitude-main",
            "test-shared--posthog-main",
            "test-shared--segment-api",
            "test-shared--segment-cdn",
        ]);
        for (const script of ofType(shared, T.script)) {
            assert.ok(script.urn.endsWith(`::first-party-proxy::cloudflare:index/workersScript:WorkersScript::${inputs(script).scriptName}`), script.urn);
            assert.strictEqual(inputs(script).accountId, accountId);
            assert.strictEqual(inputs(script).bindings, undefined, "no bindings: the sites are in the module");
        }
        // Sorted: a shared script's routes and records register once it settles, after the per-site order.
        const routes = (plan: Plan) => ofType(plan, T.route).map((r) => [r.urn, inputs(r).pattern]).sort(byUrn);
        assert.deepStrictEqual(routes(shared), routes(perSite));
        const scriptOf = (pattern: string) => inputs(ofType(shared, T.route).find((r) => inputs(r).pattern === pattern)!).script;
        assert.strictEqual(scriptOf("e.example.com/*"), "test-shared--posthog-main");
        assert.strictEqual(scriptOf("e-eu.example.com/*"), "test-shared--posthog-main");
        assert.strictEqual(scriptOf("www.example.com/p3/*"), "test-shared--posthog-main");
        assert.strictEqual(scriptOf("cdn.example.com/*"), "test-shared--segment-cdn");
        // The records are the same resources, proxied as before; VTEX stays proxied DNS.
        const records = (plan: Plan) => ofType(plan, T.record).map((r) => [r.urn, inputs(r).content, inputs(r).proxied]).sort(byUrn);
        assert.deepStrictEqual(records(shared), records(perSite));
    });

    it("each shared script holds exactly its members' settings, as their per-site scripts' SETTINGS bindings", () => {
        const perSiteSettings = new Map(ofType(perSite, T.script).map((s) => [JSON.parse(inputs(s).bindings[0].json).hostname, JSON.parse(inputs(s).bindings[0].json)]));
        const posthog = sharedWorkerSitesOf(inputs(scriptNamed(shared, "test-shared--posthog-main")).content)!;
        assert.deepStrictEqual(Object.keys(posthog), ["e-eu.example.com", "e.example.com", "www.example.com"]);
        assert.deepStrictEqual(posthog["www.example.com"], [{ pathPrefix: "/p3", settings: perSiteSettings.get("www.example.com") }]);
        for (const script of ofType(shared, T.script)) {
            for (const [host, sites] of Object.entries(sharedWorkerSitesOf(inputs(script).content)!)) {
                for (const site of sites) assert.deepStrictEqual(site.settings, perSiteSettings.get(host), host);
            }
        }
    });

    it("the plan's diagram and tree show each proxy's Worker with its own routes, and what a shared script serves", () => {
        const workers = (plan: Plan) =>
            diagramModel(plan)
                .filter((p) => p.component === "WorkerProxy")
                .map((p) => p.cdns.map((c) => ({ hosts: c.hosts.map((h) => h.host), routes: c.routes })));
        assert.deepStrictEqual(workers(shared), workers(perSite));
        const posthog = diagramModel(shared).find((p) => p.name === "posthog-e-eu-example-com")!;
        assert.deepStrictEqual(posthog.cdns.map((c) => c.label), ["Worker<br/>test-shared--posthog-main"]);
        const tree = renderTree(shared, "shared");
        assert.match(tree, /shared script test-shared--posthog-main \(proxy\.mjs, compatibility 2024-11-11, \d+ bytes\): 3 sites, e-eu\.example\.com, e\.example\.com, www\.example\.com\/p3/);
    });

    it("the quota counts the scripts the plan creates: 4 here, against 6 per site", () => {
        const count = (config: TestConfig) => {
            const { config: parsed } = parseStackConfig(config);
            return quotaStatus(parsed, proxyRequests(parsed, "test").map(buildProxySpec)).find((q) => q.id === "workersScripts")!.count;
        };
        assert.strictEqual(count(stack("shared", mixed)), ofType(shared, T.script).length);
        assert.strictEqual(count(stack(undefined, mixed)), ofType(perSite, T.script).length);
        assert.strictEqual(ofType(perSite, T.script).length, 6);
    });
});

describe("cloudflare.workerScripts: shared, 200 mixed proxies (bench/planScale.ts's rotation)", function () {
    this.timeout(120_000);
    // The zone's rule quotas raised (VTEX's 40 stores need more than a Free zone's rules): only the Workers quota at its default.
    const quotas = Object.fromEntries(Object.entries(raisedQuotas).filter(([id]) => id !== "workersScripts"));
    const config = (workerScripts?: string) => {
        const c = scaleConfig(200, "cloudflare", quotas) as { cloudflare: TestConfig };
        return { ...c, cloudflare: { ...c.cloudflare, ...(workerScripts ? { workerScripts } : {}) } };
    };

    it("per site the Workers quota refuses it (200 scripts, Workers Free holds 100) and names workerScripts: shared", () => {
        assert.throws(() => parseStackConfig(config()), /quotas\.workersScripts: Workers per Cloudflare account: the stack needs 200, more than the 100 allowed .*set cloudflare\.workerScripts: shared/);
    });

    it("shared: 5 scripts (one per vendor layout) for 200 sites, each site its own route and record; within the default quotas", async () => {
        const plan = await planConfig(config("shared"));
        const scripts = ofType(plan, T.script);
        const { config: parsed } = parseStackConfig(config("shared"));
        const use = quotaStatus(parsed, proxyRequests(parsed, "test").map(buildProxySpec)).find((q) => q.id === "workersScripts")!;
        assert.deepStrictEqual([use.count, use.limit], [scripts.length, 100]);
        assert.deepStrictEqual(scripts.map((s) => inputs(s).scriptName).sort(), [
            "test-shared--amplitude-main",
            "test-shared--posthog-main",
            "test-shared--segment-api",
            "test-shared--segment-cdn",
            "test-shared--segment-main",
        ]);
        // 40 each of PostHog, Segment on one host, Amplitude, Segment on two (80 sites), VTEX (proxied DNS).
        assert.strictEqual(ofType(plan, T.route).length, 200);
        const perScript = scripts.map((s) => Object.keys(sharedWorkerSitesOf(inputs(s).content)!).length).sort((a, b) => a - b);
        assert.deepStrictEqual(perScript, [40, 40, 40, 40, 40]);
        for (const s of scripts) assert.strictEqual(workerSizeProblem(inputs(s).content, "free"), undefined);
    });
});

describe("cloudflare.workerScripts: shared, run in workerd: every site answers as its own Worker did", function () {
    this.timeout(60_000);
    let origin: RecordingOrigin;
    let shared: Miniflare;
    let perSite: Miniflare;
    let perSitePlan: Plan;
    let sharedPlan: Plan;

    before(async () => {
        sharedPlan = await planConfig(stack("shared", mixed));
        perSitePlan = await planConfig(stack(undefined, mixed));
        origin = await startRecordingOrigin();
        shared = await startPlannedWorkers(sharedPlan, origin.address);
        perSite = await startPlannedWorkers(perSitePlan, origin.address);
    });
    after(async () => {
        await shared?.dispose();
        await perSite?.dispose();
        await origin?.close();
    });

    /** Status, upstream host and target, or `-` when nothing was fetched. */
    async function answer(mf: Miniflare, url: string): Promise<string> {
        origin.reset();
        const response = await mf.dispatchFetch(url, { redirect: "manual" });
        await response.arrayBuffer();
        const upstream = origin.requests.map((r) => `${r.host}${r.url}`).join(" ") || "-";
        return `${response.status} ${upstream}`;
    }

    it("the same answer, upstream host and path for every route of every site (three PostHog prefixes in one script)", async () => {
        const urls: string[] = [];
        for (const route of ofType(perSitePlan, T.route)) {
            const base = String(inputs(route).pattern).replace(/\/\*$/, "");
            const host = base.split("/")[0];
            const script = ofType(perSitePlan, T.script).find((s) => inputs(s).scriptName === inputs(route).script)!;
            const settings = JSON.parse(inputs(script).bindings[0].json) as WorkerSettings;
            const paths = settings.routes.map((r) => r.pathPattern.replace(/\*/g, "x").replace(/\?/g, "q"));
            for (const path of [...paths, "/", "/x/static/y", `${base.slice(host.length)}/nowhere`]) {
                if (path.startsWith(base.slice(host.length))) urls.push(`https://${host}${path}`);
            }
        }
        const differ: string[] = [];
        let fetched = 0;
        for (const url of urls) {
            const [a, b] = [await answer(perSite, url), await answer(shared, url)];
            if (a !== b) differ.push(`${url}: per site ${a}, shared ${b}`);
            if (!b.endsWith(" -")) fetched++;
        }
        assert.deepStrictEqual(differ, []);
        assert.ok(fetched >= 15, `${fetched} of ${urls.length} requests reached an origin`);
        // Spelled out: one script, three sites, each its own region and prefix.
        assert.strictEqual(await answer(shared, "https://e.example.com/k7/static/array.js"), "200 us-assets.i.posthog.com/static/array.js");
        assert.strictEqual(await answer(shared, "https://e-eu.example.com/j9/static/array.js"), "200 eu-assets.i.posthog.com/static/array.js");
        assert.strictEqual(await answer(shared, "https://www.example.com/p3/static/array.js"), "200 us-assets.i.posthog.com/static/array.js");
        assert.strictEqual(await answer(shared, "https://e-eu.example.com/k7/static/array.js"), "404 -", "another site's prefix is not this one's");
    });

    it("a hostname the script does not hold is refused (404) and nothing is fetched", async () => {
        const worker = await shared.getWorker("test-shared--posthog-main");
        for (const url of ["https://evil.example.net/k7/static/array.js", "https://www.example.com/k7/static/array.js", "https://cdn.example.com/s5/analytics.js/v1/k/analytics.min.js"]) {
            origin.reset();
            const response = await worker.fetch(url);
            assert.strictEqual(response.status, 404, url);
            assert.strictEqual(await response.text(), "Not found\n");
            assert.strictEqual(origin.requests.length, 0, url);
        }
    });
});
