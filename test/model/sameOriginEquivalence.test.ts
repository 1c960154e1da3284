import * as assert from "assert";
import { literalPrefix } from "../../components/model/publicPaths";
import { Plan, PlannedResource } from "../../components/plan/mockPlan";
import { cloudFrontRequest } from "../helpers/cloudFrontEdge";
import { planExample } from "../helpers/examples";
import { ofType, planConfig } from "../helpers/plan";

/*
 * Same origin on CloudFront routes as a proxy of its own hostname does, from what was planned: for every vendor and
 * region, the example site (examples/cloudfront-same-origin: an S3 site with its own behaviours and viewer-request
 * function, the vendor's routes spread in) sends every request under the prefix to the same origin, path and query as
 * a dedicated CloudFront proxy with the same prefix (behaviour selection, then each planned function's code executed
 * on AWS's event shape), and every other path to the site's own origin, through the site's own function.
 */

const distributionType = "aws:cloudfront/distribution:Distribution";
const prefix = "/k7";
const query = "?ip=1&_=1700000000&v=2";
const vendors = [
    { vendor: "segment", region: "us" },
    { vendor: "segment", region: "eu" },
    { vendor: "posthog", region: "us" },
    { vendor: "posthog", region: "eu" },
    { vendor: "amplitude", region: "us" },
    { vendor: "amplitude", region: "eu" },
    { vendor: "mixpanel", region: "us" },
    { vendor: "mixpanel", region: "eu" },
    { vendor: "plausible" },
    { vendor: "datadog" },
] as const;
/** The dedicated proxy's hostname (neutral labels: blockers match vendor names in hostnames). */
const hostOf = (v: (typeof vendors)[number]) => `t${vendors.indexOf(v)}.example.com`;

/**
 * The site's own paths, and what its default behaviour's function (/path and /path/ → /path/index.html) and its
 * /assets/* behaviour make of them. Vendor-looking paths outside the prefix are the site's too.
 */
const sitePaths: [string, string][] = [
    ["/", "/index.html"],
    ["/about", "/about/index.html"],
    ["/about/", "/about/index.html"],
    ["/assets/app.js", "/assets/app.js"],
    ["/k7", "/k7/index.html"],
    ["/k70/e/", "/k70/e/index.html"],
    ["/K7/e/", "/K7/e/index.html"],
    ["/static/array.js", "/static/array.js"],
    ["/e/", "/e/index.html"],
    ["/analytics.js/v1/k/analytics.min.js", "/analytics.js/v1/k/analytics.min.js"],
    ["/js/script.js", "/js/script.js"],
];

describe("same origin on CloudFront: the example site routes every vendor's paths as a proxy of its own hostname", function () {
    this.timeout(300_000);
    let dedicated: Plan;
    const sites = new Map<string, { plan: Plan; distribution: PlannedResource }>();

    before(async () => {
        const proxies = vendors.map((v) => ({ ...v, domain: hostOf(v), pathPrefix: prefix }));
        dedicated = await planConfig({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies });
        for (const v of vendors) {
            const plan = await planExample("cloudfront-same-origin", {
                domain: "www.example.com",
                certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b6c4ef2-6a1d-4c0e-9f33-0123456789ab",
                vendor: v.vendor,
                ...("region" in v ? { region: v.region } : {}),
                pathPrefix: prefix,
            });
            sites.set(hostOf(v), { plan, distribution: ofType(plan, distributionType)[0] });
        }
    });

    /** The dedicated proxy's public paths (samples under each behaviour) and others under the prefix. */
    function pathsUnderPrefix(distribution: PlannedResource): string[] {
        const patterns: string[] = (distribution.inputs as any).orderedCacheBehaviors.map((b: any) => b.pathPattern);
        const samples = patterns.flatMap((p) => {
            const literal = literalPrefix(p);
            return [`${literal}x`, `${literal}v1/k/analytics.min.js`, `${literal}e/`, `${literal}static/array.js`];
        });
        return [...new Set([...samples, `${prefix}/`, `${prefix}/analytics.js/v1/k/analytics.min.js`, `${prefix}/decide/`, `${prefix}//e/`])].filter((p) => p.startsWith(`${prefix}/`));
    }

    it("under the prefix: the same origin, path and query as the dedicated proxy, for every vendor and region", () => {
        const mismatches: string[] = [];
        let checked = 0;
        let rewritten = 0;
        for (const v of vendors) {
            const host = hostOf(v);
            const own = ofType(dedicated, distributionType).find((d) => (d.inputs as any).aliases[0] === host)!;
            const { plan, distribution } = sites.get(host)!;
            for (const path of pathsUnderPrefix(own)) {
                const expected = cloudFrontRequest(dedicated, own, path, query);
                const actual = cloudFrontRequest(plan, distribution, path, query);
                checked++;
                if (!actual.endsWith(`${path}${query}`)) rewritten++;
                if (actual !== expected) mismatches.push(`${v.vendor} ${"region" in v ? v.region : ""} ${path}: dedicated ${expected}, same origin ${actual}`);
                // Every path under the prefix is the vendor's: its catch-all takes what no other route does (Datadog's
                // function itself refuses what is not one of its intake's requests, on both).
                if (/^\d+$/.test(actual) && v.vendor !== "datadog") mismatches.push(`${host}${path}: answered ${actual}`);
            }
        }
        assert.deepStrictEqual(mismatches, []);
        assert.ok(checked > 120 && rewritten > 110, `${checked} paths, ${rewritten} rewritten`);
    });

    it("Datadog's intake requests (POST with ddforward) as on the dedicated proxy, and the refused ones refused alike", () => {
        const v = vendors.find((x) => x.vendor === "datadog")!;
        const own = ofType(dedicated, distributionType).find((d) => (d.inputs as any).aliases[0] === hostOf(v))!;
        const { plan, distribution } = sites.get(hostOf(v))!;
        const forward = (target: string) => `?ddforward=${encodeURIComponent(target)}`;
        const requests: [string, string, string][] = [
            ["POST", `${prefix}/`, forward("/api/v2/rum?ddsource=browser&dd-api-key=pub123")],
            ["POST", `${prefix}/`, forward("/api/v2/logs?ddsource=browser")],
            ["POST", `${prefix}/x`, forward("/api/v2/replay?ddsource=browser")],
            ["POST", `${prefix}/`, forward("https://evil.example/api/v2/rum")],
            ["POST", `${prefix}/`, forward("/api/v2/../../admin")],
            ["GET", `${prefix}/`, forward("/api/v2/rum?ddsource=browser")],
            ["POST", `${prefix}/`, ""],
        ];
        const outcomes = requests.map(([method, path, query]) => {
            const expected = cloudFrontRequest(dedicated, own, path, query, method);
            assert.strictEqual(cloudFrontRequest(plan, distribution, path, query, method), expected, `${method} ${path}${query}`);
            return expected;
        });
        assert.ok(outcomes.slice(0, 3).every((o) => o.startsWith("browser-intake-datadoghq.com/api/v2/")), outcomes.join("; "));
        assert.ok(outcomes.slice(3).every((o) => /^\d{3}$/.test(o)), outcomes.join("; "));
    });

    it("outside the prefix: the site's own origin and function, whatever the vendor", () => {
        const mismatches: string[] = [];
        for (const [host, { plan, distribution }] of sites) {
            const bucket = (distribution.inputs as any).origins.find((o: any) => o.originId === "site").domainName as string;
            assert.match(bucket, /\.s3\.[a-z0-9-]+\.amazonaws\.com$/);
            for (const [path, served] of sitePaths) {
                const actual = cloudFrontRequest(plan, distribution, path, query);
                if (actual !== `${bucket}${served}${query}`) mismatches.push(`${host}${path}: ${actual}, expected ${bucket}${served}${query}`);
            }
        }
        assert.deepStrictEqual(mismatches, []);
    });

    it("the site's distribution keeps its own default behaviour and function; ours run only on our behaviours", () => {
        for (const [host, { plan, distribution }] of sites) {
            const i = distribution.inputs as any;
            const functions = ofType(plan, "aws:cloudfront/function:Function");
            const siteFunction = functions.find((f) => f.name === "site-directory-index")!;
            assert.strictEqual(i.defaultCacheBehavior.targetOriginId, "site", host);
            assert.deepStrictEqual(i.defaultCacheBehavior.functionAssociations.map((a: any) => a.functionArn.split("/").pop()), [siteFunction.id]);
            const ours = i.orderedCacheBehaviors.filter((b: any) => b.pathPattern.startsWith(`${prefix}/`));
            assert.ok(ours.length >= 1, host);
            // Ours come first, then the site's /assets/*.
            assert.deepStrictEqual(i.orderedCacheBehaviors.slice(ours.length).map((b: any) => b.pathPattern), ["/assets/*"]);
            for (const b of ours) {
                const names = b.functionAssociations.map((a: any) => a.functionArn.split("/").pop());
                assert.ok(!names.includes(siteFunction.id), `${host} ${b.pathPattern} runs only our function`);
            }
            // The same function code as the dedicated proxy's: CloudFront Functions are shared across both.
            const ourCode = functions.filter((f) => f !== siteFunction).map((f) => (f.inputs as any).code);
            const dedicatedCodes = ofType(dedicated, "aws:cloudfront/function:Function").map((f) => (f.inputs as any).code);
            for (const code of ourCode) assert.ok(dedicatedCodes.includes(code), `${host}: our function is one of the dedicated proxies'`);
        }
    });
});
