import * as assert from "assert";
import { Miniflare } from "miniflare";
import { literalPrefix } from "../../components/model/publicPaths";
import { Plan } from "../../components/plan/mockPlan";
import { accountId, cloudflareStack, everyVendor, inputs, pageRuleOrigin, T, zone } from "../cloudflare/fixtures";
import { evaluatePathRewrite, evaluateRule } from "../cloudflare/ruleExpression";
import { cloudFrontRequest } from "../helpers/cloudFrontEdge";
import { ofType, planConfig } from "../helpers/plan";
import { startPlannedWorkers } from "../helpers/plannedWorkers";
import { RecordingOrigin, startRecordingOrigin } from "../helpers/recordingOrigin";

/*
 * Public paths route the same way on both CDNs, from what was planned: for every public path of every vendor and
 * region, CloudFront (behaviour selection, then the planned viewer-request function's code executed) and the planned
 * Worker (run in workerd) send the same upstream path and query to the same origin, or both answer 404.
 */

/** The default layout: every proxy of the fixtures without `paths: vendor`. */
const publicProxies = everyVendor.map(({ paths: _vendorLayout, ...proxy }) => proxy);
const query = "?ip=1&_=1700000000&v=2";

describe("public paths: CloudFront (behaviour + function), the Worker and page-rule mode send the same upstream path and query", function () {
    this.timeout(120_000);
    let aws: Plan;
    let worker: Plan;
    let pageRule: Plan;
    let origin: RecordingOrigin;
    let mf: Miniflare;

    before(async () => {
        aws = await planConfig({ provider: "aws", dns: { provider: "route53", zone }, proxies: publicProxies });
        worker = await planConfig({ ...cloudflareStack({ accountId, mode: "worker" }), proxies: publicProxies });
        pageRule = await planConfig({ ...cloudflareStack({ mode: "pageRule", enterprise: true }), proxies: publicProxies });
        origin = await startRecordingOrigin();
        mf = await startPlannedWorkers(worker, origin.address);
    });

    after(async () => {
        await mf?.dispose();
        await origin?.close();
    });

    /** The Worker's answer, in cloudFrontRequest's terms: `<origin host><path>?<query>` upstream, or the status. */
    async function workerRequest(host: string, path: string): Promise<string> {
        origin.reset();
        const response = await mf.dispatchFetch(`https://${host}${path}${query}`);
        await response.arrayBuffer();
        if (origin.requests.length === 0) return String(response.status);
        assert.strictEqual(origin.requests.length, 1, `${host}${path}: one upstream request`);
        return `${origin.requests[0].host}${origin.requests[0].url}`;
    }

    /** Public paths of a distribution's behaviours, and paths outside its prefix. */
    function pathsOf(distribution: (typeof aws.resources)[number]): string[] {
        const patterns: string[] = inputs(distribution).orderedCacheBehaviors.map((b: any) => b.pathPattern);
        const samples = patterns.flatMap((p) => {
            const literal = literalPrefix(p);
            return [`${literal}x`, `${literal}v1/k/analytics.min.js`, `${literal}e/`, `${literal}static/array.js`];
        });
        return [...samples, "/", "/e/", "/static/array.js", "/analytics.js/v1/k/analytics.min.js", patterns[0].split("/").slice(0, 2).join("/")];
    }

    /** Page-rule mode: the zone's URL rewrite rules (at most one matches), then the page rule for the rewritten path. */
    function pageRuleRequest(host: string, path: string): string {
        const rules = ofType(pageRule, T.ruleset)
            .filter((r) => inputs(r).phase === "http_request_transform")
            .flatMap((r) => inputs(r).rules as any[]);
        const matching = rules.filter((rule) => evaluateRule(rule.expression, { host, path, https: true }));
        assert.ok(matching.length <= 1, `${host}${path}: ${matching.length} rewrite rules match`);
        const upstreamPath = matching.length === 1 ? evaluatePathRewrite(matching[0].actionParameters.uri.path.expression, path) : path;
        return `${pageRuleOrigin(pageRule, host, upstreamPath)}${upstreamPath}${query}`;
    }

    it("page-rule mode (URL rewrite rules, then page rules) sends every public path where CloudFront does", () => {
        const mismatches: string[] = [];
        let checked = 0;
        for (const distribution of ofType(aws, T.distribution)) {
            const host = inputs(distribution).aliases[0] as string;
            if (host === "www.example.com") continue;
            for (const path of pathsOf(distribution)) {
                const expected = cloudFrontRequest(aws, distribution, path, query);
                // Outside the prefix page rules cannot answer 404: the vendor's path reaches its own page rule.
                if (expected === "404") continue;
                const actual = pageRuleRequest(host, path);
                checked++;
                if (actual !== expected) mismatches.push(`${host}${path}: CloudFront ${expected}, page rules ${actual}`);
            }
        }
        assert.deepStrictEqual(mismatches, []);
        assert.ok(checked > 100, `${checked} paths`);
    });

    it("for every public path of every vendor and region, and the paths outside the prefix", async () => {
        const mismatches: string[] = [];
        let rewritten = 0;
        let notFound = 0;
        for (const distribution of ofType(aws, T.distribution)) {
            const host = inputs(distribution).aliases[0] as string;
            if (host === "www.example.com") continue; // VTEX serves the whole store: no public paths.
            for (const path of pathsOf(distribution)) {
                const expected = cloudFrontRequest(aws, distribution, path, query);
                const actual = await workerRequest(host, path);
                if (expected === "404") notFound++;
                else if (!expected.endsWith(`${path}${query}`)) rewritten++;
                if (actual !== expected) mismatches.push(`${host}${path}: CloudFront ${expected}, Worker ${actual}`);
            }
        }
        assert.deepStrictEqual(mismatches, []);
        assert.ok(rewritten > 50 && notFound > 20, `${rewritten} rewritten, ${notFound} answered 404`);
    });
});
