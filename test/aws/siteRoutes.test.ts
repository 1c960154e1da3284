import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { CloudFrontSiteRoutesArgs, CloudFrontSiteRoutesArgsError, planSiteRoutes } from "../../components/aws/siteRoutes";
import { managedCachePolicy, managedOriginRequestPolicy, managedResponseHeadersPolicy } from "../../components/aws/managedPolicies";
import { Plan, PlannedResource, planProgram } from "../../components/plan/mockPlan";
import { cloudFrontSiteRoutes, FirstPartyProxy } from "../../index";
import { cloudFrontRequest } from "../helpers/cloudFrontEdge";
import { childrenOf, ofType } from "../helpers/plan";

const T = {
    component: "first-party-proxy:aws:SiteRoutes",
    distribution: "aws:cloudfront/distribution:Distribution",
    fn: "aws:cloudfront/function:Function",
    cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    originRequestPolicy: "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
};

const site = { vendor: "posthog", region: "eu", domain: "www.example.com", pathPrefix: "/k7" } as const satisfies CloudFrontSiteRoutesArgs;

/** The problems planSiteRoutes reports for `args`, as `arg: message` lines. */
function refused(args: unknown, name = "analytics"): string[] {
    try {
        planSiteRoutes(name, args as CloudFrontSiteRoutesArgs, "dev");
    } catch (error) {
        assert.ok(error instanceof CloudFrontSiteRoutesArgsError, String(error));
        assert.match(error.message, new RegExp(`^Invalid args for CloudFrontSiteRoutes "${name}" \\(\\d+ problems?\\); nothing was created:`));
        return error.issues.map((i) => `${i.arg}: ${i.message}`);
    }
    throw new Error(`accepted: ${JSON.stringify(args)}`);
}

/** A user's site distribution: an S3-like default origin, then whatever `extra` spreads in. */
function siteDistribution(
    name: string,
    extra: { origins: aws.types.input.cloudfront.DistributionOrigin[]; orderedCacheBehaviors: aws.types.input.cloudfront.DistributionOrderedCacheBehavior[] },
): aws.cloudfront.Distribution {
    return new aws.cloudfront.Distribution(name, {
        enabled: true,
        aliases: ["www.example.com"],
        origins: [{ originId: "site", domainName: "site.s3.eu-west-1.amazonaws.com" }, ...extra.origins],
        orderedCacheBehaviors: extra.orderedCacheBehaviors,
        defaultCacheBehavior: {
            targetOriginId: "site",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: managedCachePolicy.CachingOptimized,
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
    });
}

const plan = (program: () => unknown): Promise<Plan> => planProgram({ "aws:region": "eu-west-1" }, program, { project: "site", stack: "dev" });

describe("CloudFrontSiteRoutes (same origin: a vendor under a prefix of your own distribution)", () => {
    describe("planSiteRoutes: the routes under the prefix, from the same model as a proxy of its own hostname", () => {
        it("PostHog under /k7: the assets paths first, then everything else under the prefix; never a catch-all of the site's", () => {
            const { site: planned, prefix, spec } = planSiteRoutes("analytics", site, "dev");
            assert.strictEqual(prefix, "/k7");
            assert.deepStrictEqual(
                planned.routes.map((r) => [r.pathPattern, r.originId, r.rewrite]),
                [
                    ["/k7/static/*", "analytics-assets", { from: "/k7/static/", to: "/static/" }],
                    ["/k7/array/*", "analytics-assets", { from: "/k7/array/", to: "/array/" }],
                    ["/k7/*", "analytics-main", { from: "/k7/", to: "/" }],
                ],
            );
            assert.deepStrictEqual(
                planned.origins.map((o) => [o.id, o.domain]),
                [
                    ["analytics-main", "eu.i.posthog.com"],
                    ["analytics-assets", "eu-assets.i.posthog.com"],
                ],
            );
            assert.deepStrictEqual(spec.sdk, { vendor: "posthog", api_host: "https://www.example.com/k7", ui_host: "https://eu.posthog.com" });
            assert.strictEqual(spec.sharedHost, true);
        });

        it("Segment under a two-segment prefix: the loader under its public name, the API as the prefix's catch-all; SDK URLs on the site's hostname", () => {
            const { site: planned, spec } = planSiteRoutes("seg", { vendor: "segment", domain: "shop.example.org", pathPrefix: "/a/b" }, "dev");
            assert.deepStrictEqual(
                planned.routes.map((r) => r.pathPattern),
                ["/a/b/lib/*", "/a/b/v1/projects/*", "/a/b/next-integrations/*", "/a/b/analytics-next/*", "/a/b/*"],
            );
            assert.deepStrictEqual(spec.sdk, {
                vendor: "segment",
                snippetSrc: "https://shop.example.org/a/b/lib/v1/<WRITE_KEY>/analytics.min.js",
                cdnURL: "https://shop.example.org/a/b",
                apiHost: "shop.example.org/a/b/v1",
            });
        });

        it("paths: vendor keeps the vendor's names under the prefix", () => {
            const { site: planned } = planSiteRoutes("seg", { vendor: "segment", domain: "www.example.com", pathPrefix: "/k7", paths: "vendor" }, "dev");
            assert.strictEqual(planned.routes[0].pathPattern, "/k7/analytics.js/*");
        });

        it("the stack config's warnings, in arg terms; Amplitude's products and Datadog's site are taken", () => {
            const replay = planSiteRoutes("replay", { vendor: "amplitude", domain: "www.example.com", pathPrefix: "/r9" }, "dev");
            assert.strictEqual(replay.warnings.length, 1);
            assert.match(replay.warnings[0], /^products: not set, so this proxy serves Amplitude Session Replay only/);
            const both = planSiteRoutes("amp", { vendor: "amplitude", domain: "www.example.com", pathPrefix: "/r9", products: ["analytics", "sessionReplay"] }, "dev");
            assert.deepStrictEqual(both.warnings, []);
            assert.deepStrictEqual(both.site.routes.map((r) => r.pathPattern), ["/r9/2/httpapi*", "/r9/batch*", "/r9/config*", "/r9/*"]);
            const datadog = planSiteRoutes("rum", { vendor: "datadog", domain: "www.example.com", pathPrefix: "/d4", site: "datadoghq.eu" }, "dev");
            assert.deepStrictEqual(datadog.spec.sdk, { vendor: "datadog", proxy: "https://www.example.com/d4/", site: "datadoghq.eu" });
        });

        it("without pathPrefix: a prefix derived from the stack and the resource name, stable, different per name", () => {
            const { vendor, region, domain } = site;
            const a = planSiteRoutes("analytics", { vendor, region, domain }, "prod").prefix;
            assert.match(a, /^\/[a-z][a-z0-9]{5}$/);
            assert.strictEqual(planSiteRoutes("analytics", { vendor, region, domain }, "prod").prefix, a);
            assert.notStrictEqual(planSiteRoutes("replay", { vendor, region, domain }, "prod").prefix, a);
        });
    });

    describe("bad args are refused before anything is created, each problem naming its arg", () => {
        it("the stack config's own rules, in arg terms", () => {
            assert.deepStrictEqual(refused({ ...site, pathPrefix: "/k7/" }), [
                'pathPrefix: pathPrefix must be 1-4 path segments of letters, digits, - or _, starting with / and without a trailing / (e.g. /k7) (got "/k7/")',
            ]);
            const [region] = refused({ vendor: "plausible", region: "eu", domain: "www.example.com" });
            assert.match(region, /^region: unknown key; allowed keys for a plausible proxy: .*\(region applies to segment, posthog, amplitude, mixpanel proxies only\)$/);
            assert.match(refused({ ...site, domain: "https://www.example.com/" })[0], /^domain: hostname /);
            assert.match(refused({ ...site, vendor: "matomo" })[0], /^vendor: /);
            assert.deepStrictEqual(refused(site, "Analytics"), ['name (the resource name): name must be 1-40 lower-case letters, digits or hyphens, starting with a letter (got "Analytics")']);
        });

        it("clientIp other than forward: CloudFront sends the viewer's address anyway", () => {
            const [problem] = refused({ ...site, clientIp: "anonymize" });
            assert.match(problem, /^clientIp: clientIp: anonymize is not available with provider aws: CloudFront itself adds the viewer's address/);
        });

        it("what only a hostname of its own can be: VTEX, Segment's two hosts and managed domains", () => {
            assert.deepStrictEqual(refused({ vendor: "vtex", domain: "www.example.com" }), [
                "vendor: vtex is not served under a path prefix: a VTEX proxy is the store's hostname itself (use FirstPartyProxy)",
            ]);
            assert.match(refused({ vendor: "segment", cdnDomain: "cdn.example.com", apiDomain: "api.example.com" })[0], /^cdnDomain: cdnDomain is not taken: the proxy is served on your site's one hostname/);
            assert.match(refused({ vendor: "posthog", domain: "www.example.com", managed: true, target: "x.proxy-us.posthog.com" })[0], /^managed: /);
        });

        it("paths: vendor without a prefix would take the site's root", () => {
            assert.deepStrictEqual(refused({ vendor: "posthog", domain: "www.example.com", paths: "vendor" }), [
                "pathPrefix: pathPrefix is required with paths: vendor (the vendor's paths at the root would take your site's own)",
            ]);
        });

        it("sharedPolicies as cloudfront.sharedPolicies takes them", () => {
            assert.deepStrictEqual(refused({ ...site, sharedPolicies: { "cache-1a2b3c4d": "not-an-id" } }), ['sharedPolicies.cache-1a2b3c4d: values are CloudFront policy ids (UUIDs) (got "not-an-id")']);
        });

        it("the distribution's 75 cache behaviours, with what it already has", () => {
            // Segment takes 5: with 70 others it fits exactly, with 71 it does not.
            assert.doesNotThrow(() => planSiteRoutes("seg", { vendor: "segment", domain: "www.example.com", otherBehaviours: 70 }, "dev"));
            const [problem] = refused({ vendor: "segment", domain: "www.example.com", otherBehaviours: 71 }, "seg");
            assert.match(
                problem,
                /^otherBehaviours: cache behaviors per CloudFront distribution: segment takes 5 and the distribution has 71 more, over the 75 allowed \(AWS's default; Quotas - Amazon CloudFront, https:\/\/docs\.aws\.amazon\.com\/.*\)\. To go further: request more in the Service Quotas console .*, then set behavioursPerDistribution$/,
            );
            assert.doesNotThrow(() => planSiteRoutes("seg", { vendor: "segment", domain: "www.example.com", otherBehaviours: 71, behavioursPerDistribution: 100 }, "dev"));
            assert.deepStrictEqual(refused({ ...site, otherBehaviours: 0 }), ["otherBehaviours: must be a whole number, at least 1 (got 0)"]);
            assert.deepStrictEqual(refused({ ...site, behavioursPerDistribution: 2.5 }), ["behavioursPerDistribution: must be a whole number, at least 1 (got 2.5)"]);
        });

        it("nothing is registered for refused args, the component included", async () => {
            const registered: string[] = [];
            await assert.rejects(
                planProgram({}, () => cloudFrontSiteRoutes("analytics", { vendor: "vtex", domain: "www.example.com" }), {
                    project: "site",
                    stack: "dev",
                    onRegister: (type) => registered.push(type),
                }),
                CloudFrontSiteRoutesArgsError,
            );
            assert.deepStrictEqual(registered, []);
        });
    });

    describe("under mocks, spread into a user's distribution", () => {
        let planned: Plan;
        let distribution: PlannedResource;

        before(async () => {
            planned = await plan(() => {
                const routes = cloudFrontSiteRoutes("analytics", site);
                siteDistribution("site", routes);
                return { sdk: routes.sdk, snippet: routes.snippet, pathPrefix: routes.pathPrefix, notes: routes.notes };
            });
            distribution = ofType(planned, T.distribution)[0];
        });

        it("the component has its type token; its function and custom policies are the program's shared ones, as FirstPartyProxy's", () => {
            const [component] = ofType(planned, T.component);
            assert.strictEqual(component.name, "analytics");
            const [fn] = ofType(planned, T.fn);
            assert.match(fn.urn, /::site::aws:cloudfront\/function:Function::viewer-request-[0-9a-f]{10}$/);
            // Account-wide names carry the program's random suffix, as FirstPartyProxy's do.
            assert.match((fn.inputs as any).name, /^dev-viewer-request-[0-9a-f]{10}-[0-9a-f]{6}$/);
            assert.strictEqual((fn.inputs as any).runtime, "cloudfront-js-2.0");
            assert.strictEqual((fn.inputs as any).publish, true);
            for (const policy of [...ofType(planned, T.cachePolicy), ...ofType(planned, T.originRequestPolicy)]) {
                assert.match(policy.urn, /first-party-proxy:aws:CloudFrontShared\$aws:cloudfront\//);
                assert.match((policy.inputs as any).name, /^dev-(cache|origin-request)-[0-9a-f]{8}-[0-9a-f]{6}$/);
            }
            // The user's distribution is the user's: not a child of ours; the component registers nothing of its own.
            assert.strictEqual(distribution.parent, null);
            assert.deepStrictEqual(childrenOf(planned, component), []);
        });

        it("the distribution gets the vendor's origins and behaviours with PostHog's policies; its default behaviour stays the site's", () => {
            const i = distribution.inputs as any;
            assert.deepStrictEqual(
                i.origins.map((o: any) => [o.originId, o.domainName, o.customOriginConfig?.originProtocolPolicy]),
                [
                    ["site", "site.s3.eu-west-1.amazonaws.com", undefined],
                    ["analytics-main", "eu.i.posthog.com", "https-only"],
                    ["analytics-assets", "eu-assets.i.posthog.com", "https-only"],
                ],
            );
            const [cachePolicy] = ofType(planned, T.cachePolicy);
            const [originRequestPolicy] = ofType(planned, T.originRequestPolicy);
            const [fn] = ofType(planned, T.fn);
            const arn = `arn:aws:cloudfront::123456789012:function/${(fn.inputs as any).name}`;
            assert.deepStrictEqual(
                i.orderedCacheBehaviors.map((b: any) => [b.pathPattern, b.targetOriginId, b.cachePolicyId, b.originRequestPolicyId, b.responseHeadersPolicyId, b.functionAssociations]),
                [
                    ["/k7/static/*", "analytics-assets", cachePolicy.id, originRequestPolicy.id, managedResponseHeadersPolicy.CorsWithPreflightAndSecurityHeaders, [{ eventType: "viewer-request", functionArn: arn }]],
                    ["/k7/array/*", "analytics-assets", cachePolicy.id, originRequestPolicy.id, managedResponseHeadersPolicy.CorsWithPreflightAndSecurityHeaders, [{ eventType: "viewer-request", functionArn: arn }]],
                    ["/k7/*", "analytics-main", cachePolicy.id, managedOriginRequestPolicy.CorsCustomOrigin, undefined, [{ eventType: "viewer-request", functionArn: arn }]],
                ],
            );
            assert.deepStrictEqual(i.defaultCacheBehavior.targetOriginId, "site");
            assert.strictEqual(i.defaultCacheBehavior.functionAssociations, undefined);
        });

        it("requests: under the prefix to PostHog with the prefix stripped, the rest to the site untouched", () => {
            const route = (path: string) => cloudFrontRequest(planned, distribution, path, "?ip=1&_=1700000000");
            assert.strictEqual(route("/k7/static/array.js"), "eu-assets.i.posthog.com/static/array.js?ip=1&_=1700000000");
            assert.strictEqual(route("/k7/e/"), "eu.i.posthog.com/e/?ip=1&_=1700000000");
            assert.strictEqual(route("/k7/decide/"), "eu.i.posthog.com/decide/?ip=1&_=1700000000");
            assert.strictEqual(route("/static/array.js"), "site.s3.eu-west-1.amazonaws.com/static/array.js?ip=1&_=1700000000");
            assert.strictEqual(route("/k7"), "site.s3.eu-west-1.amazonaws.com/k7?ip=1&_=1700000000");
            assert.strictEqual(route("/k70/e/"), "site.s3.eu-west-1.amazonaws.com/k70/e/?ip=1&_=1700000000");
        });

        it("exports the SDK settings for the site's hostname and prefix, and the snippet", () => {
            const out = planned.outputs as any;
            assert.strictEqual(out.pathPrefix, "/k7");
            assert.deepStrictEqual(out.sdk, { vendor: "posthog", api_host: "https://www.example.com/k7", ui_host: "https://eu.posthog.com" });
            assert.match(out.snippet, /posthog\.init\("<ph_project_token>", \{ api_host: "https:\/\/www\.example\.com\/k7"/);
            assert.ok(out.notes.some((n: string) => /64 MB/.test(n)), "PostHog's WAF note");
        });
    });

    it("with a FirstPartyProxy in the same program: one copy of each policy and function, one name suffix", async () => {
        const planned = await plan(() => {
            new FirstPartyProxy("e", { vendor: "posthog", region: "eu", domain: "e.example.com", pathPrefix: "/k7", provider: "aws", dns: { provider: "manual", zone: "example.com" } });
            siteDistribution("site", cloudFrontSiteRoutes("analytics", site));
        });
        assert.strictEqual(ofType(planned, "random:index/randomId:RandomId").length, 1);
        assert.strictEqual(ofType(planned, T.cachePolicy).length, 1);
        assert.strictEqual(ofType(planned, T.originRequestPolicy).length, 1);
        // The dedicated proxy's rewrite and 404 functions; the site's behaviours run the same rewrite function.
        const fns = ofType(planned, T.fn);
        assert.strictEqual(fns.length, 2, fns.map((f) => f.name).join(", "));
        const arns = (d: PlannedResource) => new Set((d.inputs as any).orderedCacheBehaviors.flatMap((b: any) => (b.functionAssociations ?? []).map((a: any) => a.functionArn)));
        const [dedicated, own] = [ofType(planned, T.distribution).find((d) => (d.inputs as any).aliases[0] === "e.example.com")!, ofType(planned, T.distribution).find((d) => d.name === "site")!];
        assert.deepStrictEqual([...arns(own)], [...arns(dedicated)]);
    });

    it("two vendors on one distribution: distinct origin ids, each prefix its own, one shared function per distinct code", async () => {
        const planned = await plan(() => {
            const posthog = cloudFrontSiteRoutes("ph", site);
            const amplitude = cloudFrontSiteRoutes("replay", { vendor: "amplitude", region: "us", domain: "www.example.com", pathPrefix: "/r9", products: ["sessionReplay"] });
            siteDistribution("site", {
                origins: [...posthog.origins, ...amplitude.origins],
                orderedCacheBehaviors: [...posthog.orderedCacheBehaviors, ...amplitude.orderedCacheBehaviors],
            });
        });
        const [distribution] = ofType(planned, T.distribution);
        const ids = (distribution.inputs as any).origins.map((o: any) => o.originId);
        assert.deepStrictEqual(ids, ["site", "ph-main", "ph-assets", "replay-track", "replay-config"]);
        const route = (path: string) => cloudFrontRequest(planned, distribution, path, "");
        assert.strictEqual(route("/k7/e/"), "eu.i.posthog.com/e/");
        assert.strictEqual(route("/r9/config/v1"), "sr-client-cfg.amplitude.com/config/v1");
        assert.strictEqual(route("/r9/sessions/v2/track"), "api-sr.amplitude.com/sessions/v2/track");
        assert.strictEqual(route("/about/"), "site.s3.eu-west-1.amazonaws.com/about/");
        // PostHog and Amplitude both strip one segment and rewrite nothing else: one function serves both.
        assert.strictEqual(ofType(planned, T.fn).length, 1);
    });
});
