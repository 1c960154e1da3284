import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, parseStackConfig, proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { quotaProblem, quotaStatus } from "../../components/quotas/check";
import { quotaDefinitions, quotaIds } from "../../components/quotas/limits";
import { planRefused } from "../helpers/plan";

type Raw = Record<string, unknown>;
const accountId = "0123456789abcdef0123456789abcdef";
const posthogs = (n: number) => Array.from({ length: n }, (_, i) => ({ vendor: "posthog", domain: `e${i}.example.com` }));
const vtexes = (n: number) => Array.from({ length: n }, (_, i) => ({ vendor: "vtex", domain: `www${i}.example.com` }));
const aws = (proxies: unknown[], extra: Raw = {}): Raw => ({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies, ...extra });
const cloudflare = (proxies: unknown[], settings: Raw = {}, extra: Raw = {}): Raw => ({
    provider: "cloudflare",
    dns: { provider: "cloudflare", zone: "example.com" },
    cloudflare: { accountId, ...settings },
    proxies,
    ...extra,
});

function refusal(raw: Raw): ConfigError {
    try {
        parseStackConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return e;
        throw e;
    }
    throw new Error("accepted");
}
const statusOf = (raw: Raw, id: keyof typeof quotaDefinitions) => {
    // Every quota raised, to read what the stack takes of one.
    const { config } = parseStackConfig({ ...raw, quotas: Object.fromEntries(quotaIds.map((q) => [q, 1_000_000])) });
    return quotaStatus(config, proxyRequests(config, "test").map(buildProxySpec)).find((s) => s.id === id)!;
};

describe("provider quotas, checked against the plan before anything is registered", () => {
    it("every quota cites the provider's page that states its default, and says how to raise it", () => {
        for (const id of quotaIds) {
            const d = quotaDefinitions[id];
            assert.match(d.source.url, /^https:\/\/(docs\.aws\.amazon\.com|developers\.cloudflare\.com)\//, id);
            assert.ok(d.source.title.length > 0 && d.raise.length > 0 && d.title.length > 0, id);
        }
    });

    it("Pulumi.yaml's quotas declaration names every quota key", () => {
        const file = parse(fs.readFileSync(path.resolve(__dirname, "../../Pulumi.yaml"), "utf8"));
        const description: string = file.config["first-party-proxy:quotas"].description;
        for (const id of quotaIds) assert.ok(description.includes(id), id);
    });

    describe("CloudFront and ACM", () => {
        it("CloudFront serves one custom policy or function from at most 100 distributions: 1,000 PostHog proxies take a copy of each per 100, and a raised association quota takes fewer", () => {
            const raised = { cloudfrontDistributions: 5000, acmCertificates: 5000 };
            const at = (n: number, quotas: Raw = {}) => {
                const { config } = parseStackConfig(aws(posthogs(n), { quotas: { ...raised, ...quotas } }));
                return Object.fromEntries(quotaStatus(config, proxyRequests(config, "test").map(buildProxySpec)).map((s) => [s.id, s.count]));
            };
            const thousand = at(1000);
            assert.deepStrictEqual(
                [thousand.cloudfrontCachePolicies, thousand.cloudfrontOriginRequestPolicies, thousand.cloudfrontDistributionsPerPolicy, thousand.cloudfrontDistributionsPerFunction],
                [10, 10, 100, 100],
            );
            assert.strictEqual(thousand.cloudfrontFunctions, 10 * at(1).cloudfrontFunctions);
            const fewer = at(1000, { cloudfrontDistributionsPerPolicy: 500, cloudfrontDistributionsPerFunction: 250 });
            assert.deepStrictEqual([fewer.cloudfrontCachePolicies, fewer.cloudfrontDistributionsPerPolicy, fewer.cloudfrontFunctions], [2, 500, 4 * at(1).cloudfrontFunctions]);
            // Another stack's policies reused here already serve distributions: each copy serves fewer of this stack's.
            const shared = at(1000, { cloudfrontDistributionsPerPolicy: { limit: 100, used: 50 } });
            assert.deepStrictEqual([shared.cloudfrontCachePolicies, shared.cloudfrontDistributionsPerPolicy], [20, 50]);
        });

        it("where one policy may serve only 10 distributions, 201 PostHog proxies need 21 copies of the cache and origin request policies: refused naming those quotas", () => {
            const error = refusal(aws(posthogs(201), { quotas: { cloudfrontDistributionsPerPolicy: 10 } }));
            assert.deepStrictEqual(error.issues.map((i) => i.key), ["first-party-proxy:quotas.cloudfrontCachePolicies", "first-party-proxy:quotas.cloudfrontOriginRequestPolicies"]);
            assert.match(error.issues[0].message, /custom CloudFront cache policies per AWS account: the stack needs 21, more than the 20 allowed/);
        });

        it("501 CloudFront proxies: refused naming the quota, the count, the default and the Service Quotas console", () => {
            const error = refusal(aws(posthogs(501)));
            assert.deepStrictEqual(error.issues.map((i) => i.key), ["first-party-proxy:quotas.cloudfrontDistributions"]);
            assert.match(
                error.issues[0].message,
                /^CloudFront distributions per AWS account: the stack needs 501, more than the 500 allowed \(AWS's default; Quotas - Amazon CloudFront, https:\/\/docs\.aws\.amazon\.com\/AmazonCloudFront\/latest\/DeveloperGuide\/cloudfront-limits\.html\)\. To go further: request more in the Service Quotas console .*set quotas\.cloudfrontDistributions: <its limit>$/,
            );
        });

        it("a raised quota is honoured, and what the account already holds elsewhere counts (quotas.<id>.used)", () => {
            assert.doesNotThrow(() => parseStackConfig(aws(posthogs(501), { quotas: { cloudfrontDistributions: 1000 } })));
            const error = refusal(aws(posthogs(400), { quotas: { cloudfrontDistributions: { used: 150 } } }));
            assert.match(error.issues[0].message, /the stack needs 400 and the account already holds 150 \(quotas\.cloudfrontDistributions\.used\), more than the 500 allowed/);
            const raised = refusal(aws(posthogs(400), { quotas: { cloudfrontDistributions: { limit: 520, used: 150 } } }));
            assert.match(raised.issues[0].message, /more than the 520 allowed \(quotas\.cloudfrontDistributions;/);
        });

        it("1,000 PostHog proxies need 1,000 distributions and certificates but one custom cache and one origin request policy", () => {
            const use = (id: keyof typeof quotaDefinitions) => statusOf(aws(posthogs(1000)), id).count;
            assert.deepStrictEqual(
                [use("cloudfrontDistributions"), use("acmCertificates"), use("cloudfrontCachePolicies"), use("cloudfrontOriginRequestPolicies"), use("cloudfrontResponseHeadersPolicies")],
                [1000, 1000, 1, 1, 0],
            );
            assert.strictEqual(use("acmDomainNamesPerCertificate"), 1);
            assert.ok(use("cloudfrontCacheBehaviorsPerDistribution") > 1 && use("cloudfrontCacheBehaviorsPerDistribution") <= 75);
        });

        it("policies reused from another stack (cloudfront.sharedPolicies) take nothing of this stack's quota", () => {
            const { config } = parseStackConfig(aws(posthogs(2)));
            const specs = proxyRequests(config, "test").map(buildProxySpec);
            const keys = quotaStatus(config, specs).filter((s) => s.id === "cloudfrontCachePolicies" || s.id === "cloudfrontOriginRequestPolicies");
            assert.deepStrictEqual(keys.map((s) => s.count), [1, 1]);
        });

        it("per-distribution quotas name the distribution that exceeds them", () => {
            const message = quotaProblem({ id: "cloudfrontCacheBehaviorsPerDistribution", count: 80, holder: "segment-s (cdn)", limit: 75, used: 0, limitFrom: "AWS's default" });
            assert.match(message!, /^cache behaviors per CloudFront distribution: the distribution of segment-s \(cdn\) needs 80, more than the 75 allowed/);
            assert.strictEqual(quotaProblem({ id: "cloudfrontCacheBehaviorsPerDistribution", count: 75, holder: "x", limit: 75, used: 0, limitFrom: "" }), undefined);
        });

        it("refused by the real program with nothing registered", async () => {
            const { error, registered } = await planRefused(aws(posthogs(501)));
            assert.match(error.message, /CloudFront distributions per AWS account: the stack needs 501/);
            assert.strictEqual(registered, 0);
        });
    });

    describe("Cloudflare", () => {
        it("101 Worker proxies on Workers Free: refused, naming Workers Paid; accepted with workersPlan paid", () => {
            const error = refusal(cloudflare(posthogs(101)));
            assert.strictEqual(error.issues[0].key, "first-party-proxy:quotas.workersScripts");
            assert.match(error.issues[0].message, /^Workers per Cloudflare account: the stack needs 101, more than the 100 allowed \(Cloudflare's default on Workers free;.*Workers Paid allows 500 \(set cloudflare\.workersPlan: paid\)/);
            // Each public-layout proxy has its own prefix, so the zone's response header rules grow with them too.
            assert.doesNotThrow(() => parseStackConfig(cloudflare(posthogs(101), { workersPlan: "paid", plan: "enterprise" })));
            assert.match(refusal(cloudflare(posthogs(501), { workersPlan: "paid", plan: "enterprise" })).issues[0].message, /needs 501, more than the 500 allowed/);
        });

        it("42 PostHog proxies, each with its own path prefix, fit a Free zone: they share the response header rules", () => {
            assert.doesNotThrow(() => parseStackConfig(cloudflare(posthogs(42))));
        });

        it("zone rules are shared by shape: 200 VTEX stores take two rules a phase, within a Free zone's ten (each store took one to two before)", () => {
            const use = (id: keyof typeof quotaDefinitions) => statusOf(cloudflare(vtexes(200)), id).count;
            assert.deepStrictEqual([use("redirectRules"), use("configurationRules"), use("cacheRules")], [2, 2, 2]);
            // Their 400 records (a CNAME and a TXT each) need a Free zone older than September 2024 (1,000), or a paid one.
            assert.doesNotThrow(() => parseStackConfig(cloudflare(vtexes(200), {}, { quotas: { cloudflareDnsRecordsPerZone: 1000 } })));
        });

        it("zone rules per phase by the zone's plan: 700 VTEX stores with 60-character hostnames exceed the Free plan's 10 rules a phase, not Pro's 25", () => {
            const long = vtexes(700).map((p, i) => ({ ...p, domain: `store-${i}-with-a-rather-long-hostname-for-this-brand.example.com` }));
            const error = refusal(cloudflare(long));
            const keys = error.issues.map((i) => i.key);
            assert.ok(keys.includes("first-party-proxy:quotas.configurationRules"), keys.join(", "));
            assert.match(error.issues.find((i) => i.key.endsWith("configurationRules"))!.message, /Configuration Rules per zone \(phase http_config_settings\): the stack needs 1\d, more than the 10 allowed \(Cloudflare's default on the free plan;.*set cloudflare\.plan/);
            assert.doesNotThrow(() => parseStackConfig(cloudflare(long, { plan: "pro" })));
        });

        it("page rules: the zone's count against the plan's limit (Enterprise 125 in page-rule mode), raisable", () => {
            const segments = Array.from({ length: 26 }, (_, i) => ({ vendor: "segment", domain: `s${i}.example.com` }));
            const error = refusal(cloudflare(segments, { mode: "pageRule", enterprise: true }));
            assert.match(error.issues[0].message, /the zone needs 130 page rules, more than the 125 Cloudflare allows \(Cloudflare's default on the enterprise plan\)/);
            assert.doesNotThrow(() => parseStackConfig(cloudflare(segments, { mode: "pageRule", enterprise: true }, { quotas: { pageRules: 200, urlRewriteRules: 200 } })));
        });

        it("refuses a quota key it does not know, listing the ones it does", () => {
            const error = refusal(aws(posthogs(1), { quotas: { distributions: 600 } }));
            assert.match(error.issues[0].message, /unknown key.*allowed keys for quotas: cloudfrontDistributions, /);
        });
    });
});
