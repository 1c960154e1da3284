import * as assert from "assert";
import { PlannedResource } from "../../components/plan/mockPlan";
import { managed } from "../../policy/facts";
import { policies } from "../../policy/policies";
import { byType, planForPolicies, planShipped, PolicyPlan, runPolicies, shippedStacks, withChangedInputs, withChangedOptions, withExtraResources } from "./harness";
import { sharedSitesDeclaration } from "../../policy/cloudflare";
import { sharedWorkerModuleSource, sharedWorkerSitesOf } from "../../components/cloudflare/worker/source";
import { flattenConfig } from "../helpers/plan";

/*
 * Each case takes the plan of a shipped stack (which passes the whole pack), breaks one field of one planned resource,
 * and asserts that the policy meant for it reports a message saying what is wrong. The whole pack runs every time,
 * so a policy that crashes on odd input fails here too.
 */

const T = {
    distribution: "aws:cloudfront/distribution:Distribution",
    cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    originRequestPolicy: "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
    certificate: "aws:acm/certificate:Certificate",
    awsProvider: "pulumi:providers:aws",
    record: "cloudflare:index/dnsRecord:DnsRecord",
    pageRule: "cloudflare:index/pageRule:PageRule",
    script: "cloudflare:index/workersScript:WorkersScript",
    route: "cloudflare:index/workersRoute:WorkersRoute",
    ruleset: "cloudflare:index/ruleset:Ruleset",
};

const distributionFor = (host: string) => (r: PlannedResource) => r.type === T.distribution && (r.inputs.aliases as string[]).includes(host);
const pageRuleFor = (target: string) => (r: PlannedResource) => r.type === T.pageRule && r.inputs.target === target;
const recordFor = (host: string) => (r: PlannedResource) => r.type === T.record && r.inputs.name === host;
const routeFor = (host: string) => (r: PlannedResource) => r.type === T.route && r.inputs.pattern === `${host}/*`;
const scriptFor = (host: string) => (r: PlannedResource) =>
    r.type === T.script && JSON.parse((r.inputs.bindings as { json: string }[])[0].json).hostname === host;

/** Policies that reported the expected violation in this file; every policy of the pack must be among them. */
const proven = new Set<string>();

async function expectViolation(plan: PolicyPlan, policy: string, ...fragments: string[]): Promise<void> {
    const violations = await runPolicies(policies, plan);
    const hit = violations.find((v) => v.policy === policy && fragments.every((f) => v.message.includes(f)));
    assert.ok(
        hit,
        `expected ${policy} to report ${fragments.map((f) => JSON.stringify(f)).join(" and ")}; got:\n${violations.map((v) => `  ${v.policy}: ${v.message}`).join("\n") || "  (nothing)"}`,
    );
    proven.add(policy);
}

/** Settings of a generated Worker, edited and written back into its binding. */
function editSettings(inputs: any, edit: (settings: any) => void): void {
    const binding = inputs.bindings.find((b: any) => b.name === "SETTINGS");
    const settings = JSON.parse(binding.json);
    edit(settings);
    binding.json = JSON.stringify(settings);
}

describe("policy pack catches broken resources", function () {
    let dev: PolicyPlan;
    let pageRules: PolicyPlan;
    let workers: PolicyPlan;
    let cloudflareDns: PolicyPlan;

    before(async () => {
        dev = await planShipped("dev");
        pageRules = await planShipped("cloudflare-page-rule");
        workers = await planShipped("cloudflare-worker");
        cloudflareDns = await planShipped("cloudfront-cloudflare-dns");
    });

    after(function () {
        // Only meaningful when every case of this file ran and passed (not under --grep, not after a failure).
        const all = (suite: Mocha.Suite): Mocha.Test[] => [...suite.tests, ...suite.suites.flatMap(all)];
        if (all(this.test!.parent!).every((t) => t.state === "passed")) {
            const unproven = policies.map((p) => p.name).filter((n) => !proven.has(n));
            assert.deepStrictEqual(unproven, [], "every policy has at least one failing case");
        }
    });

    describe("CloudFront", () => {
        it("cloudfront-viewer-https: a behaviour that serves plain HTTP", async () => {
            const broken = withChangedInputs(dev, distributionFor("e.example.com"), (i) => (i.orderedCacheBehaviors[0].viewerProtocolPolicy = "allow-all"));
            await expectViolation(broken, "cloudfront-viewer-https", '/static/*"', "allow-all", "redirect-to-https");
        });

        it("cloudfront-viewer-https: the ACME exception is VTEX's only", async () => {
            const broken = withChangedInputs(dev, distributionFor("e.example.com"), (i) => {
                i.orderedCacheBehaviors[0].pathPattern = "/.well-known/acme-challenge/*";
                i.orderedCacheBehaviors[0].viewerProtocolPolicy = "allow-all";
            });
            await expectViolation(broken, "cloudfront-viewer-https", "eu-assets.i.posthog.com", "Only VTEX's");
        });

        it("cloudfront-viewer-tls: an old TLS floor, and no SNI", async () => {
            const broken = withChangedInputs(dev, distributionFor("s.example.com"), (i) => {
                i.viewerCertificate.minimumProtocolVersion = "TLSv1.1_2016";
                i.viewerCertificate.sslSupportMethod = "vip";
            });
            await expectViolation(broken, "cloudfront-viewer-tls", "minimumProtocolVersion is TLSv1.1_2016", "TLSv1.2_2021");
            await expectViolation(broken, "cloudfront-viewer-tls", "sslSupportMethod is vip", "sni-only");
        });

        it("cloudfront-origin-https: an origin reached over HTTP or with old TLS", async () => {
            const broken = withChangedInputs(dev, distributionFor("s.example.com"), (i) => {
                i.origins[0].customOriginConfig.originProtocolPolicy = "match-viewer";
                i.origins[1].customOriginConfig.originSslProtocols = ["TLSv1", "TLSv1.2"];
            });
            await expectViolation(broken, "cloudfront-origin-https", "cdn.segment.com", "match-viewer", "https-only");
            await expectViolation(broken, "cloudfront-origin-https", "api.segment.io", "remove TLSv1");
        });

        it("cloudfront-origin-https: VTEX's store origin over plain HTTP (only the ACME origin may)", async () => {
            const broken = withChangedInputs(dev, distributionFor("www.example.com"), (i) => {
                const store = i.origins.find((o: any) => o.originId === "store");
                store.customOriginConfig.originProtocolPolicy = "http-only";
            });
            await expectViolation(broken, "cloudfront-origin-https", "origin store", "http-only");
        });

        it("cloudfront-policies-no-cookies: cookies in a custom cache key or origin request policy", async () => {
            const cache = withChangedInputs(dev, byType(T.cachePolicy), (i) => (i.parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookieBehavior = "all"));
            await expectViolation(cache, "cloudfront-policies-no-cookies", "cache policy", "cookieBehavior all");
            const forward = withChangedInputs(dev, byType(T.originRequestPolicy), (i) => (i.cookiesConfig.cookieBehavior = "allExcept"));
            await expectViolation(forward, "cloudfront-policies-no-cookies", "origin request policy", "cookieBehavior allExcept");
        });

        it("cloudfront-uncached-policy-empty-key: a never-caching policy with headers and query strings in its key", async () => {
            const broken = withChangedInputs(dev, byType(T.cachePolicy), (i) => (i.maxTtl = 0));
            await expectViolation(broken, "cloudfront-uncached-policy-empty-key", "maxTtl 0", "headers (whitelist)");
            await expectViolation(broken, "cloudfront-uncached-policy-empty-key", "query strings (all)");
        });

        it("cloudfront-origin-request-no-authorization: Authorization in an origin request policy", async () => {
            const broken = withChangedInputs(dev, byType(T.originRequestPolicy), (i) => i.headersConfig.headers.items.push("authorization"));
            await expectViolation(broken, "cloudfront-origin-request-no-authorization", "forwards Authorization");
        });

        it("cloudfront-origin-request-policy-no-host: Host in a custom origin request policy", async () => {
            const listed = withChangedInputs(dev, byType(T.originRequestPolicy), (i) => i.headersConfig.headers.items.push("Host"));
            await expectViolation(listed, "cloudfront-origin-request-policy-no-host", "forwards Host");
            const all = withChangedInputs(dev, byType(T.originRequestPolicy), (i) => (i.headersConfig = { headerBehavior: "allViewer" }));
            await expectViolation(all, "cloudfront-origin-request-policy-no-host", "headerBehavior allViewer");
            const allExceptOthers = withChangedInputs(dev, byType(T.originRequestPolicy), (i) => (i.headersConfig = { headerBehavior: "allExcept", headers: { items: ["Cookie"] } }));
            await expectViolation(allExceptOthers, "cloudfront-origin-request-policy-no-host", "allExcept without Host");
        });
    });

    describe("certificates", () => {
        it("acm-certificate-in-us-east-1: the certificates' provider moved to another region", async () => {
            const broken = withChangedInputs(dev, (r) => r.type === T.awsProvider && r.inputs.region === "us-east-1", (i) => (i.region = "eu-west-1"));
            await expectViolation(broken, "acm-certificate-in-us-east-1", "posthog-e-example-com-cert", "eu-west-1", "us-east-1");
        });

        it("acm-certificate-in-us-east-1: a certificate on the default provider follows aws:region", async () => {
            const cert = (r: PlannedResource) => r.type === T.certificate && r.inputs.domainName === "r.example.com";
            const index = dev.resources.findIndex(cert);
            const resources = [...dev.resources];
            resources[index] = { ...resources[index], provider: null };
            await expectViolation({ ...dev, resources }, "acm-certificate-in-us-east-1", "amplitude-r-example-com-cert", "the default provider", "eu-west-1");
        });

        it("cloudfront-certificate-matches-aliases: a certificate for another name", async () => {
            const broken = withChangedInputs(
                dev,
                (r) => r.type === T.certificate && r.inputs.domainName === "e.example.com",
                (i) => (i.domainName = "other.example.com"),
            );
            await expectViolation(broken, "cloudfront-certificate-matches-aliases", "alias e.example.com", "other.example.com", "does not cover");
        });

        it("cloudfront-certificate-matches-aliases: a wildcard certificate covers one label, not two", async () => {
            const pick = (r: PlannedResource) => r.type === T.certificate && r.inputs.domainName === "e.example.com";
            const wildcard = withChangedInputs(dev, pick, (i) => (i.domainName = "*.example.com"));
            assert.deepStrictEqual(
                (await runPolicies(policies, wildcard)).filter((v) => v.policy === "cloudfront-certificate-matches-aliases"),
                [],
            );
            const tooDeep = withChangedInputs(dev, pick, (i) => (i.domainName = "*.e.example.com"));
            await expectViolation(tooDeep, "cloudfront-certificate-matches-aliases", "alias e.example.com");
        });

        it("acm-certificate-create-before-delete: deleteBeforeReplace on a certificate", async () => {
            const broken = withChangedOptions(dev, byType(T.certificate), (o) => ({ ...o, deleteBeforeReplace: true }));
            await expectViolation(broken, "acm-certificate-create-before-delete", "deleteBeforeReplace", "before its successor exists");
        });

        it("acm-certificate-dns-validated: e-mail validation", async () => {
            const broken = withChangedInputs(dev, byType(T.certificate), (i) => (i.validationMethod = "EMAIL"));
            await expectViolation(broken, "acm-certificate-dns-validated", "validationMethod EMAIL");
        });
    });

    describe("vendor contracts on both CDNs", () => {
        it("no-viewer-host-to-vendors: AllViewer in front of Segment's API (CloudFront)", async () => {
            const broken = withChangedInputs(dev, distributionFor("s.example.com"), (i) => (i.defaultCacheBehavior.originRequestPolicyId = managed.originRequest.AllViewer));
            await expectViolation(broken, "no-viewer-host-to-vendors", "the default behaviour", "api.segment.io", "AllViewer", "403");
        });

        it("no-viewer-host-to-vendors: a page rule that resolves to PostHog but keeps the proxy's Host (Cloudflare)", async () => {
            const broken = withChangedInputs(pageRules, pageRuleFor("e.example.com/*"), (i) => delete i.actions.hostHeaderOverride);
            await expectViolation(broken, "no-viewer-host-to-vendors", "e.example.com/*", "eu.i.posthog.com", "403");
        });

        it("no-cookies-to-vendors: Amplitude behind the managed AllViewerExceptHostHeader, which forwards cookies (CloudFront)", async () => {
            const broken = withChangedInputs(dev, distributionFor("r.example.com"), (i) => (i.defaultCacheBehavior.originRequestPolicyId = managed.originRequest.AllViewerExceptHostHeader));
            await expectViolation(broken, "no-cookies-to-vendors", "the default behaviour", "amplitude.com", "AllViewerExceptHostHeader", "cookies none");
        });

        it("vtex-keeps-host: VTEX behind AllViewerExceptHostHeader (CloudFront)", async () => {
            const broken = withChangedInputs(
                dev,
                distributionFor("www.example.com"),
                (i) => (i.defaultCacheBehavior.originRequestPolicyId = managed.originRequest.AllViewerExceptHostHeader),
            );
            await expectViolation(broken, "vtex-keeps-host", "www.example.com.cdn.vtex.com", "AllViewer");
        });

        it("vtex-keeps-host: a page rule overriding VTEX's Host, and a Worker in front of VTEX (Cloudflare)", async () => {
            const rule = withChangedInputs(pageRules, pageRuleFor("e.example.com/*"), (i) => {
                i.actions.hostHeaderOverride = "www.example.com.cdn.vtex.com";
                i.actions.resolveOverride = "www.example.com.cdn.vtex.com";
            });
            await expectViolation(rule, "vtex-keeps-host", "hostHeaderOverride www.example.com.cdn.vtex.com", "proxied DNS");
            const worker = withChangedInputs(workers, scriptFor("e.example.com"), (i) =>
                editSettings(i, (s) => (s.origins.main.baseUrl = "https://www.example.com.cdn.vtex.com")),
            );
            await expectViolation(worker, "vtex-keeps-host", "origin main is VTEX", "cannot send the store's Host");
        });

        it("datadog-ddforward-checked: a Datadog behaviour without its function, and a Worker route without the ddforward target", async () => {
            const proxies = [{ vendor: "datadog", site: "datadoghq.eu", domain: "d.example.com" }];
            const onCloudFront = await planForPolicies(flattenConfig({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies }));
            const unchecked = withChangedInputs(onCloudFront, distributionFor("d.example.com"), (i) => delete i.orderedCacheBehaviors[0].functionAssociations);
            await expectViolation(unchecked, "datadog-ddforward-checked", "browser-intake-datadoghq.eu", "without the ddforward viewer-request function");
            const onWorkers = await planForPolicies(
                flattenConfig({ provider: "cloudflare", dns: { provider: "cloudflare", zone: "example.com" }, cloudflare: { accountId: "0123456789abcdef0123456789abcdef", mode: "worker" }, proxies }),
            );
            const blind = withChangedInputs(onWorkers, scriptFor("d.example.com"), (i) => editSettings(i, (st) => st.routes.forEach((r: any) => delete r.queryTarget)));
            await expectViolation(blind, "datadog-ddforward-checked", "browser-intake-datadoghq.eu", "without the ddforward target");
        });

        it("amplitude-never-cached: CachingOptimized in front of Amplitude (CloudFront)", async () => {
            const broken = withChangedInputs(dev, distributionFor("r.example.com"), (i) => (i.defaultCacheBehavior.cachePolicyId = managed.cache.CachingOptimized));
            await expectViolation(broken, "amplitude-never-cached", "api-sr.amplitude.com", "CachingDisabled");
        });

        it("amplitude-never-cached: a cached page rule and a cached Worker route to Amplitude (Cloudflare)", async () => {
            const rule = withChangedInputs(pageRules, pageRuleFor("r.example.com/config*"), (i) => delete i.actions.cacheLevel);
            await expectViolation(rule, "amplitude-never-cached", "r.example.com/config*", "sr-client-cfg.amplitude.com", "bypass");
            const worker = withChangedInputs(workers, scriptFor("r.eu.example.com"), (i) => editSettings(i, (s) => (s.routes[1].cache = "origin")));
            await expectViolation(worker, "amplitude-never-cached", "api-sr.eu.amplitude.com", "cache origin");
        });
    });

    describe("Public paths", () => {
        it("cloudfront-public-paths-rewritten: a behaviour left without the rewrite, and a function that picks another origin", async () => {
            const unrewritten = withChangedInputs(dev, distributionFor("e.example.com"), (i) => delete i.orderedCacheBehaviors[1].functionAssociations);
            await expectViolation(unrewritten, "cloudfront-public-paths-rewritten", "/array/*", "runs no viewer-request function", "public path");
            const noDefault = withChangedInputs(dev, distributionFor("e.example.com"), (i) => delete i.defaultCacheBehavior.functionAssociations);
            await expectViolation(noDefault, "cloudfront-public-paths-rewritten", "the default behaviour (*)");
            const rerouting = withChangedInputs(
                dev,
                (r) => r.type === "aws:cloudfront/function:Function" && String(r.inputs.code).includes("rewriteViewerRequest("),
                (i) => (i.code = String(i.code).replace("return rewriteViewerRequest(", 'cf.updateRequestOrigin({ domainName: "evil.example.net" });\n  return rewriteViewerRequest(')),
            );
            await expectViolation(rerouting, "cloudfront-public-paths-rewritten", "changes the request's origin");
        });

        it("cloudflare-url-rewrites-path-only: a rewrite of the query, or one that matches every hostname of the zone", async () => {
            const rewriteRule = (r: PlannedResource) => r.type === T.ruleset && r.inputs.phase === "http_request_transform";
            const query = withChangedInputs(pageRules, rewriteRule, (i) => (i.rules[0].actionParameters.uri.query = { value: "x=1" }));
            await expectViolation(query, "cloudflare-url-rewrites-path-only", "rewrites the query string");
            const anyHost = withChangedInputs(pageRules, rewriteRule, (i) => (i.rules[0].expression = i.rules[0].expression.replace(/^\(http\.host eq "[^"]+" and /, "(")));
            await expectViolation(anyHost, "cloudflare-url-rewrites-path-only", "does not start with one hostname");
        });
    });

    describe("Cloudflare", () => {
        it("cloudflare-proxied-record-ttl-auto: a proxied record with a TTL", async () => {
            const broken = withChangedInputs(workers, (r) => r.type === T.record && r.inputs.proxied === true && r.inputs.name === "www.example.com", (i) => (i.ttl = 300));
            await expectViolation(broken, "cloudflare-proxied-record-ttl-auto", "www.example.com", "ttl 300", "ttl 1");
        });

        it("cloudflare-page-rule-ssl-strict: Segment's API page rule without SSL strict", async () => {
            const broken = withChangedInputs(pageRules, pageRuleFor("s.example.com/*"), (i) => (i.actions.ssl = "full"));
            await expectViolation(broken, "cloudflare-page-rule-ssl-strict", "api.segment.io", "ssl full", "CORS preflights");
        });

        it("cloudflare-page-rule-limit: more than 125 page rules in the zone", async () => {
            const template = pageRules.resources.find(byType(T.pageRule))!;
            const extra = Array.from({ length: 120 }, (_, n): PlannedResource => ({
                ...template,
                name: `extra-${n}`,
                urn: `${template.urn}-extra-${n}`,
                inputs: { ...template.inputs, target: `x${n}.example.com/*`, priority: 100 + n },
            }));
            await expectViolation(withExtraResources(pageRules, extra), "cloudflare-page-rule-limit", "gets 130 page rules", "125");
        });

        it("cloudflare-google-tag-gateway-one-per-zone: two gateway settings in one zone, a nested endpoint", async () => {
            const setting = (name: string, inputs: Record<string, unknown>): PlannedResource => ({
                type: "cloudflare:index/googleTagGateway:GoogleTagGateway",
                name,
                urn: `urn:pulumi:cloudflare-worker::first-party-proxy::cloudflare:index/googleTagGateway:GoogleTagGateway::${name}`,
                id: `${name}-id`,
                parent: null,
                provider: null,
                inputs: { zoneId: "023e105f4ecef8ad9ca31a8372d0c353", enabled: true, endpoint: "/k7q2m9", measurementId: "G-ABC123XYZ9", hideOriginalIp: false, ...inputs },
            });
            const one = withExtraResources(workers, [setting("gtg-a", {})]);
            assert.deepStrictEqual(
                (await runPolicies(policies, one)).filter((v) => v.policy === "cloudflare-google-tag-gateway-one-per-zone"),
                [],
            );
            await expectViolation(withExtraResources(workers, [setting("gtg-a", {}), setting("gtg-b", { measurementId: "GTM-P2F3N47Q" })]), "cloudflare-google-tag-gateway-one-per-zone", "gets 2 Google tag gateway settings", "gtg-a, gtg-b");
            await expectViolation(withExtraResources(workers, [setting("gtg-a", { endpoint: "/a/b" })]), "cloudflare-google-tag-gateway-one-per-zone", 'endpoint "/a/b" is not one path segment');
        });

        it("cloudflare-page-rule-order: a catch-all ranked above a specific rule of the same host", async () => {
            let broken = withChangedInputs(pageRules, pageRuleFor("s.example.com/*"), (i) => (i.priority = 50));
            await expectViolation(broken, "cloudflare-page-rule-order", "s.example.com/analytics.js/*", "never applies", "s.example.com/* (priority 50)");
            broken = withChangedInputs(pageRules, pageRuleFor("e.example.com/array/*"), (i) => (i.priority = 5));
            await expectViolation(broken, "cloudflare-page-rule-order", "share priority 5");
        });

        it("cloudflare-worker-not-open-proxy: a Worker that can fetch another host, a path, or anything", async () => {
            const evil = withChangedInputs(workers, scriptFor("s.example.com"), (i) => editSettings(i, (s) => (s.origins.api.baseUrl = "https://evil.example.net")));
            await expectViolation(evil, "cloudflare-worker-not-open-proxy", "origin api", "evil.example.net", "documented host");
            const path = withChangedInputs(workers, scriptFor("s.example.com"), (i) => editSettings(i, (s) => (s.origins.api.baseUrl = "https://api.segment.io/v1")));
            await expectViolation(path, "cloudflare-worker-not-open-proxy", "https://api.segment.io/v1", "no path");
            const plain = withChangedInputs(workers, scriptFor("e.example.com"), (i) => editSettings(i, (s) => (s.origins.main.baseUrl = "http://us.i.posthog.com")));
            await expectViolation(plain, "cloudflare-worker-not-open-proxy", "http://us.i.posthog.com");
            const unchecked = withChangedInputs(workers, scriptFor("e.example.com"), (i) => (i.bindings = []));
            await expectViolation(unchecked, "cloudflare-worker-not-open-proxy", "has no SETTINGS binding");
        });

        it("cloudflare-worker-not-open-proxy: a shared Worker (workerScripts: shared) whose sites read back from its module; one site that can fetch another host", async () => {
            const { readStackSettings } = await import("../../components/plan/stackSettings");
            const settings = readStackSettings(shippedStacks().find((s) => s.name === "cloudflare-worker")!.file);
            const cloudflare = { ...JSON.parse(settings["first-party-proxy:cloudflare"]), workerScripts: "shared" };
            const shared = await planForPolicies({ ...settings, "first-party-proxy:cloudflare": JSON.stringify(cloudflare) }, "cloudflare-worker");
            assert.ok(shared.resources.filter(byType(T.script)).every((r) => String(r.inputs.content).startsWith(sharedSitesDeclaration) && r.inputs.bindings === undefined));
            assert.deepStrictEqual(await runPolicies(policies, shared), [], "the shared stack passes the whole pack");
            // Every route waits for the shared script it runs, as a per-site route waits for its own.
            const scriptUrns = new Map(shared.resources.filter(byType(T.script)).map((r) => [r.inputs.scriptName, r.urn]));
            for (const route of shared.resources.filter(byType(T.route))) {
                assert.deepStrictEqual(shared.options.get(route.urn)!.propertyDependencies.script, [scriptUrns.get(route.inputs.script)], route.urn);
            }
            const posthog = (r: PlannedResource) => r.type === T.script && String(r.inputs.scriptName).endsWith("--posthog-main");
            const evil = withChangedInputs(shared, posthog, (i) => {
                const sites = sharedWorkerSitesOf(i.content)!;
                const [host] = Object.keys(sites);
                (sites[host][0].settings.origins as Record<string, { baseUrl: string }>).main.baseUrl = "https://evil.example.net";
                i.content = sharedWorkerModuleSource(sites);
            });
            await expectViolation(evil, "cloudflare-worker-not-open-proxy", "origin main", "evil.example.net", "documented host");
            const mislabelled = withChangedInputs(shared, posthog, (i) => (i.content = i.content.replace('{"settings":{"hostname":"', '{"settings":{"hostname":"x')));
            await expectViolation(mislabelled, "cloudflare-worker-not-open-proxy", "whose hostname is");
        });

        it("cloudflare-worker-redirects-http: a route that serves plain HTTP", async () => {
            const broken = withChangedInputs(workers, scriptFor("e.example.com"), (i) => editSettings(i, (s) => (s.routes[0].redirectHttp = false)));
            await expectViolation(broken, "cloudflare-worker-redirects-http", "/static/*", "redirectHttp");
        });

        it("cloudflare-worker-route-proxied: a route without a proxied record, on an unproxied one, or naming another script", async () => {
            const unproxied = withChangedInputs(workers, recordFor("s.example.com"), (i) => {
                i.proxied = false;
                i.ttl = 300;
            });
            await expectViolation(unproxied, "cloudflare-worker-route-proxied", "s.example.com/*", "not proxied", "never runs");
            const missing = withChangedInputs(workers, recordFor("s.example.com"), (i) => (i.name = "elsewhere.example.com"));
            await expectViolation(missing, "cloudflare-worker-route-proxied", "s.example.com/*", "no DNS record for s.example.com");
            const other = withChangedInputs(workers, routeFor("s.example.com"), (i) => (i.script = "someone-elses-worker"));
            await expectViolation(other, "cloudflare-worker-route-proxied", '"someone-elses-worker"', "no Worker of this stack");
        });

        it("cloudflare-worker-route-proxied: a record that does not wait for its route", async () => {
            const route = workers.resources.find(routeFor("s.example.com"))!;
            const eager = withChangedOptions(workers, recordFor("s.example.com"), (o) => ({
                ...o,
                dependencies: o.dependencies.filter((u) => u !== route.urn),
                propertyDependencies: {},
            }));
            await expectViolation(eager, "cloudflare-worker-route-proxied", "record s.example.com does not depend on the Worker route s.example.com/*");
        });

        it("cloudflare-worker-edge-cors-headers: a PostHog Worker whose hostname left the zone's CORS rule", async () => {
            const broken = withChangedInputs(
                workers,
                (r) => r.type === T.ruleset && r.inputs.phase === "http_response_headers_transform",
                (i) => {
                    const rule = i.rules.find((x: any) => x.ref === "edge-cors-allow-origin");
                    // Proxies of one layout share the rule's hostname set: only this one's name leaves it.
                    assert.ok(rule.expression.includes('"e.example.com"'), rule.expression);
                    rule.expression = rule.expression.replace('"e.example.com"', '"gone.example.net"');
                },
            );
            await expectViolation(broken, "cloudflare-worker-edge-cors-headers", "e.example.com", "Access-Control-Allow-Origin", "preflights");
            const disabled = withChangedInputs(
                workers,
                (r) => r.type === T.ruleset && r.inputs.phase === "http_response_headers_transform",
                (i) => (i.rules.find((x: any) => x.ref === "edge-cors-allow-origin").enabled = false),
            );
            await expectViolation(disabled, "cloudflare-worker-edge-cors-headers", "r.example.com", "no enabled response header rule");
        });

        it("cloudflare-vtex-acme-over-http: the store's redirect rule also redirects the ACME challenge", async () => {
            const broken = withChangedInputs(
                workers,
                (r) => r.type === T.ruleset && r.inputs.phase === "http_request_dynamic_redirect",
                (i) => {
                    const rule = i.rules.find((x: any) => x.expression.includes('"www.example.com"'));
                    rule.expression = rule.expression.replace(/ and not starts_with\(http\.request\.uri\.path, "[^"]*"\)/, "");
                },
            );
            await expectViolation(broken, "cloudflare-vtex-acme-over-http", "www.example.com/.well-known/acme-challenge/*", "plain HTTP");
        });

        it("cloudflare-vtex-acme-over-http: a proxied store without any HTTPS redirect", async () => {
            const broken = withChangedInputs(
                workers,
                (r) => r.type === T.ruleset && r.inputs.phase === "http_request_dynamic_redirect",
                (i) => (i.rules = i.rules.filter((x: any) => !x.expression.includes('"www.example.com"'))),
            );
            await expectViolation(broken, "cloudflare-vtex-acme-over-http", "VTEX store www.example.com", "no redirect rule");
        });
    });

    describe("DNS", () => {
        it("dns-zones-looked-up-only: a hosted zone created by the stack", async () => {
            const zone: PlannedResource = {
                type: "aws:route53/zone:Zone",
                name: "example-zone",
                urn: `urn:pulumi:dev::first-party-proxy::aws:route53/zone:Zone::example-zone`,
                id: "Z123",
                parent: null,
                provider: null,
                inputs: { name: "example.com" },
            };
            await expectViolation(withExtraResources(dev, [zone]), "dns-zones-looked-up-only", "Route 53 hosted zone example.com", "look the zone up");
            const cfZone = { ...zone, type: "cloudflare:index/zone:Zone", urn: zone.urn.replace("aws:route53/zone:Zone", "cloudflare:index/zone:Zone") };
            await expectViolation(withExtraResources(workers, [cfZone]), "dns-zones-looked-up-only", "Cloudflare zone example.com");
        });

        it("dns-cloudfront-target-not-proxied: Cloudflare's proxy in front of CloudFront", async () => {
            const broken = withChangedInputs(
                cloudflareDns,
                (r) => r.type === T.record && String(r.inputs.content).endsWith(".cloudfront.net"),
                (i) => {
                    i.proxied = true;
                    i.ttl = 1;
                },
            );
            await expectViolation(broken, "dns-cloudfront-target-not-proxied", "points at CloudFront", "proxied false");
        });
    });
});
