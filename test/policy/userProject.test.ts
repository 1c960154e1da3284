import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import { cloudFrontSiteRoutes } from "../../index";
import { policies } from "../../policy/policies";
import { exampleRun } from "../helpers/examples";
import { planProgramForPolicies, PolicyPlan, runPolicies, Violation, withChangedInputs } from "./harness";

/*
 * The pack run from a user's own project (`pulumi up --policy-pack <path to the pack>`), on a program that uses the
 * library next to infrastructure of its own. It checks what serves the vendors, wherever it is (the vendor part of
 * the user's site distribution included), and leaves the rest alone: the same user resources run as this
 * repository's stack program are violations, which shows the scope, not blind policies, is what lets them pass.
 */

const T = {
    distribution: "aws:cloudfront/distribution:Distribution",
    fn: "aws:cloudfront/function:Function",
};
const certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0b6c4ef2-6a1d-4c0e-9f33-0123456789ab";
const cachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6";

/**
 * A user's program: Amplitude under /r9 of the site's distribution, and infrastructure of the user's own that breaks
 * every rule the pack has for the proxies (plain HTTP, an HTTP origin, an old TLS floor, a certificate outside
 * us-east-1 validated by email, cookies and Host in custom policies, a cloudfront-js-1.0 function setting Host,
 * a zone owned by the stack, a proxied record in front of CloudFront).
 */
function userProgram(): void {
    const analytics = cloudFrontSiteRoutes("replay", { vendor: "amplitude", region: "eu", domain: "www.example.com", pathPrefix: "/r9", otherBehaviours: 2 });
    const hostFunction = new aws.cloudfront.Function("site-host", {
        runtime: "cloudfront-js-1.0",
        publish: false,
        code: "function handler(event) { event.request.headers.host = { value: 'origin.example.net' }; return event.request; }",
    });
    const cookies = new aws.cloudfront.CachePolicy("site-session", {
        minTtl: 0,
        defaultTtl: 60,
        maxTtl: 300,
        parametersInCacheKeyAndForwardedToOrigin: {
            cookiesConfig: { cookieBehavior: "all" },
            headersConfig: { headerBehavior: "none" },
            queryStringsConfig: { queryStringBehavior: "all" },
        },
    });
    const everything = new aws.cloudfront.OriginRequestPolicy("site-everything", {
        cookiesConfig: { cookieBehavior: "all" },
        headersConfig: { headerBehavior: "allViewer" },
        queryStringsConfig: { queryStringBehavior: "all" },
    });
    const siteOrigin = { originId: "app", domainName: "app.example.net", customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1", "TLSv1.2"] } };
    const siteBehaviour = {
        targetOriginId: "app",
        viewerProtocolPolicy: "allow-all",
        allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: cookies.id,
        originRequestPolicyId: everything.id,
    };
    new aws.cloudfront.Distribution("site", {
        enabled: true,
        aliases: ["www.example.com"],
        origins: [siteOrigin, ...analytics.origins],
        orderedCacheBehaviors: [...analytics.orderedCacheBehaviors, { ...siteBehaviour, pathPattern: "/api/*" }],
        defaultCacheBehavior: { ...siteBehaviour, functionAssociations: [{ eventType: "viewer-request", functionArn: hostFunction.arn }] },
        viewerCertificate: { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
        restrictions: { geoRestriction: { restrictionType: "none" } },
    });
    // Another distribution of the user's, with nothing of the vendors': an old TLS floor and CloudFront's certificate.
    new aws.cloudfront.Distribution("legacy", {
        enabled: true,
        origins: [siteOrigin],
        defaultCacheBehavior: { ...siteBehaviour, cachePolicyId: cachingOptimized, originRequestPolicyId: undefined },
        viewerCertificate: { cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1" },
        restrictions: { geoRestriction: { restrictionType: "none" } },
    });
    // An ALB's certificate, in the stack's region, validated by email and replaced delete-first.
    new aws.acm.Certificate("alb", { domainName: "app.example.net", validationMethod: "EMAIL" }, { deleteBeforeReplace: true });
    new aws.route53.Zone("example", { name: "example.net" });
    new cloudflare.DnsRecord("cdn", { zoneId: "0123456789abcdef0123456789abcdef", name: "cdn.example.org", type: "CNAME", content: "d111111abcdef8.cloudfront.net", proxied: true, ttl: 1 });
}

const planUser = (project: string): Promise<PolicyPlan> =>
    planProgramForPolicies({ "aws:region": "eu-west-1" }, userProgram, { project, stack: "prod" });

const summary = (violations: readonly Violation[]) => violations.map((v) => `${v.policy}: ${v.message}`);

describe("policy pack in a user's own project: checks what serves the vendors, leaves the rest alone", function () {
    this.timeout(120_000);
    let user: PolicyPlan;

    before(async () => {
        user = await planUser("site");
    });

    it("the same-origin example (examples/cloudfront-same-origin) passes for every vendor", async () => {
        for (const vendor of ["segment", "posthog", "amplitude", "mixpanel", "plausible"]) {
            const run = exampleRun("cloudfront-same-origin", { domain: "www.example.com", certificateArn, vendor });
            const plan = await planProgramForPolicies(run.config, run.program, run.at);
            assert.deepStrictEqual(summary(await runPolicies(policies, plan)), [], vendor);
        }
    });

    it("a user's program with infrastructure of its own passes; the same resources in the stack program's project do not", async () => {
        assert.deepStrictEqual(summary(await runPolicies(policies, user)), []);
        const asProgram = await planUser("first-party-proxy");
        const caught = new Set((await runPolicies(policies, asProgram)).map((v) => v.policy));
        for (const policy of [
            "cloudfront-viewer-https",
            "cloudfront-viewer-tls",
            "cloudfront-origin-https",
            "cloudfront-policies-no-cookies",
            "cloudfront-origin-request-policy-no-host",
            "cloudfront-public-paths-rewritten",
            "acm-certificate-in-us-east-1",
            "acm-certificate-create-before-delete",
            "acm-certificate-dns-validated",
            "cloudfront-certificate-matches-aliases",
            "dns-zones-looked-up-only",
            "dns-cloudfront-target-not-proxied",
        ]) {
            assert.ok(caught.has(policy), `${policy} reports the user's resources in the stack program's project; caught: ${[...caught].join(", ")}`);
        }
    });

    describe("the vendor part of the user's distribution is checked as a proxy's", () => {
        const site = (r: { type: string; name: string }) => r.type === T.distribution && r.name === "site";
        const ours = (inputs: any) => inputs.orderedCacheBehaviors.filter((b: any) => b.pathPattern.startsWith("/r9/"));

        async function expect(plan: PolicyPlan, policy: string, fragment: string): Promise<void> {
            const violations = await runPolicies(policies, plan);
            assert.ok(
                violations.some((v) => v.policy === policy && v.message.includes(fragment)),
                `expected ${policy}: ...${fragment}...; got ${JSON.stringify(summary(violations))}`,
            );
        }

        it("plain HTTP on a vendor behaviour", async () => {
            const broken = withChangedInputs(user, site, (i) => (ours(i)[0].viewerProtocolPolicy = "allow-all"));
            await expect(broken, "cloudfront-viewer-https", 'behaviour "/r9/config*" (to sr-client-cfg.eu.amplitude.com) has viewerProtocolPolicy allow-all');
        });

        it("a vendor origin over HTTP", async () => {
            const broken = withChangedInputs(user, site, (i) => {
                i.origins.find((o: any) => o.originId === "replay-track").customOriginConfig.originProtocolPolicy = "match-viewer";
            });
            await expect(broken, "cloudfront-origin-https", "origin replay-track (api-sr.eu.amplitude.com) has originProtocolPolicy match-viewer");
        });

        it("a vendor behaviour without the rewrite function", async () => {
            const broken = withChangedInputs(user, site, (i) => delete ours(i)[1].functionAssociations);
            await expect(broken, "cloudfront-public-paths-rewritten", 'behaviour "/r9/*" of distribution www.example.com runs no viewer-request function while others do');
        });

        it("Amplitude cached", async () => {
            const broken = withChangedInputs(user, site, (i) => (ours(i)[1].cachePolicyId = cachingOptimized));
            await expect(broken, "amplitude-never-cached", "/r9/*");
        });

        it("the rewrite function itself (SiteRoutes' child)", async () => {
            const broken = withChangedInputs(user, (r) => r.type === T.fn && r.name.startsWith("viewer-request-"), (i) => (i.runtime = "cloudfront-js-1.0"));
            await expect(broken, "cloudfront-public-paths-rewritten", "runtime cloudfront-js-1.0");
        });

        it("a distribution TLS floor below TLSv1.2_2021, where vendor traffic is served", async () => {
            const broken = withChangedInputs(user, site, (i) => (i.viewerCertificate.minimumProtocolVersion = "TLSv1.1_2016"));
            await expect(broken, "cloudfront-viewer-tls", "minimumProtocolVersion is TLSv1.1_2016");
        });
    });
});
