import * as assert from "assert";
import { Plan, PlannedResource } from "../../components/plan/mockPlan";
import { byId, childrenOf, ofType, planConfig, TestConfig, withVendorPaths } from "../helpers/plan";

const T = {
    component: "first-party-proxy:aws:CloudFrontProxy",
    distribution: "aws:cloudfront/distribution:Distribution",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    originRequestPolicy: "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
    cloudflareRecord: "cloudflare:index/dnsRecord:DnsRecord",
};
const managed = {
    CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    AllViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
    AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    CorsCustomOrigin: "59781a5b-3903-41f3-afcb-af62929ccde1",
    CorsWithPreflightAndSecurityHeaders: "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
};
const allMethods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const readMethods = ["GET", "HEAD", "OPTIONS"];

const stackOf = (proxies: unknown[], dns: TestConfig = { provider: "route53", zone: "example.com" }): TestConfig => ({
    provider: "aws",
    dns,
    proxies: withVendorPaths(proxies as TestConfig[]),
});

/** A behaviour as the table below states it, with its origin resolved to a hostname. */
interface Row {
    path: string;
    origin: string;
    cache: string;
    originRequest?: string;
    responseHeaders?: string;
    methods: string[];
    cached: string[];
    viewer: "redirect-to-https" | "allow-all";
}

function behaviours(distribution: PlannedResource): Row[] {
    const i = distribution.inputs as any;
    const origins = new Map<string, string>(i.origins.map((o: any) => [o.originId, o.domainName]));
    return [...i.orderedCacheBehaviors, { ...i.defaultCacheBehavior, pathPattern: "*" }].map((b: any) => ({
        path: b.pathPattern,
        origin: origins.get(b.targetOriginId)!,
        cache: b.cachePolicyId,
        originRequest: b.originRequestPolicyId,
        responseHeaders: b.responseHeadersPolicyId,
        methods: b.allowedMethods,
        cached: b.cachedMethods,
        viewer: b.viewerProtocolPolicy,
    }));
}

function only<T>(list: T[], what: string): T {
    assert.strictEqual(list.length, 1, `expected one ${what}, found ${list.length}`);
    return list[0];
}

/** Checks every CloudFront requirement that holds for all vendors, for the distribution serving `host`. */
function assertCommonDistribution(plan: Plan, host: string): PlannedResource {
    const distribution = only(
        ofType(plan, T.distribution).filter((d) => (d.inputs as any).aliases.includes(host)),
        `distribution for ${host}`,
    );
    const i = distribution.inputs as any;
    assert.deepStrictEqual(i.aliases, [host]);
    assert.strictEqual(i.enabled, true);
    assert.strictEqual(i.httpVersion, "http2and3");
    assert.strictEqual(i.isIpv6Enabled, true);
    assert.strictEqual(i.viewerCertificate.minimumProtocolVersion, "TLSv1.2_2021");
    assert.strictEqual(i.viewerCertificate.sslSupportMethod, "sni-only");
    assert.strictEqual(i.restrictions.geoRestriction.restrictionType, "none");

    // The certificate: us-east-1 provider, DNS validation, validated before the distribution uses it.
    const certificate = byId(plan, i.viewerCertificate.acmCertificateArn)!;
    assert.strictEqual(certificate?.type, T.certificate, "the distribution uses the ACM certificate");
    const validation = only(
        ofType(plan, T.validation).filter((v) => (v.inputs as any).certificateArn === certificate.id),
        "validation of the certificate",
    );
    assert.strictEqual((certificate.inputs as any).domainName, host);
    assert.strictEqual((certificate.inputs as any).validationMethod, "DNS");
    for (const r of [certificate, validation!]) {
        const provider = plan.resources.find((p) => r.provider === `${p.urn}::${p.id}`);
        assert.ok(provider, `${r.name} has an explicit provider`);
        assert.strictEqual(provider!.type, "pulumi:providers:aws");
        assert.strictEqual((provider!.inputs as any).region, "us-east-1");
    }
    // Every child is parented to its CloudFrontProxy component.
    for (const r of [distribution, certificate, validation!]) {
        assert.match(r.urn, /first-party-proxy:aws:CloudFrontProxy\$aws:/);
    }
    // Origins: HTTPS only with TLS 1.2 to the origin, except VTEX's plain-HTTP ACME origin.
    for (const o of i.origins) {
        assert.deepStrictEqual(o.customOriginConfig.originSslProtocols, ["TLSv1.2"]);
        assert.strictEqual(o.customOriginConfig.originProtocolPolicy, o.originId === "acme" ? "http-only" : "https-only");
    }
    return distribution;
}

/** Alias A and AAAA records in Route 53 pointing the host at the distribution, and the ACM validation record. */
function assertRoute53Records(plan: Plan, host: string, distribution: PlannedResource): void {
    const records = ofType(plan, T.record);
    const aliases = records.filter((r) => (r.inputs as any).name === host && (r.inputs as any).aliases);
    assert.deepStrictEqual(aliases.map((r) => (r.inputs as any).type).sort(), ["A", "AAAA"]);
    const domainName = (distribution.inputs as any) && mockDomainOf(plan, distribution);
    for (const a of aliases) {
        const alias = (a.inputs as any).aliases[0];
        assert.strictEqual(alias.name, domainName);
        assert.strictEqual(alias.zoneId, "Z2FDTNDATAQYW2");
        assert.match((a.inputs as any).zoneId, /^Z[0-9A-F]{20}$/, "zone id comes from the zone look-up");
    }
    const certificate = ofType(plan, T.certificate).find((c) => (c.inputs as any).domainName === host)!;
    const validationRecord = records.find((r) => (r.inputs as any).type === "CNAME" && String((r.inputs as any).name).endsWith(`.${host}.`));
    assert.ok(validationRecord, `validation CNAME for ${host}`);
    const validation = ofType(plan, T.validation).find((v) => (v.inputs as any).certificateArn === certificate.id)!;
    assert.deepStrictEqual((validation.inputs as any).validationRecordFqdns, [String((validationRecord!.inputs as any).name).replace(/\.$/, "")]);
}

/** The mock distribution's domain name, as the alias records received it. */
function mockDomainOf(plan: Plan, distribution: PlannedResource): string {
    const out = Object.values(plan.outputs.proxies as Record<string, any>).flatMap((p) => p.cdnTargets as string[]);
    const alias = ofType(plan, T.record).find(
        (r) => (r.inputs as any).aliases && (r.inputs as any).name === (distribution.inputs as any).aliases[0],
    );
    const name = (alias!.inputs as any).aliases[0].name;
    assert.ok(out.includes(name), "the alias target is the distribution domain exported in cdnTargets");
    return name;
}

describe("CloudFrontProxy", () => {
    describe("PostHog", () => {
        for (const region of ["us", "eu"] as const) {
            it(`${region}: assets and remote config to the assets origin, the rest to ingestion, with the seed's policies`, async () => {
                const plan = await planConfig(stackOf([{ vendor: "posthog", region, domain: "e.example.com" }]));
                const distribution = assertCommonDistribution(plan, "e.example.com");
                assertRoute53Records(plan, "e.example.com", distribution);

                const cachePolicy = only(ofType(plan, T.cachePolicy), "cache policy");
                const originRequestPolicy = only(ofType(plan, T.originRequestPolicy), "origin request policy");
                const assets = {
                    origin: `${region}-assets.i.posthog.com`,
                    cache: cachePolicy.id!,
                    originRequest: originRequestPolicy.id!,
                    responseHeaders: managed.CorsWithPreflightAndSecurityHeaders,
                    methods: readMethods,
                    cached: readMethods,
                    viewer: "redirect-to-https" as const,
                };
                assert.deepStrictEqual(behaviours(distribution), [
                    { path: "/static/*", ...assets },
                    { path: "/array/*", ...assets },
                    {
                        path: "*",
                        origin: `${region}.i.posthog.com`,
                        cache: cachePolicy.id!,
                        originRequest: managed.CorsCustomOrigin,
                        responseHeaders: undefined,
                        methods: allMethods,
                        cached: readMethods,
                        viewer: "redirect-to-https",
                    },
                ]);

                const key = (cachePolicy.inputs as any).parametersInCacheKeyAndForwardedToOrigin;
                assert.deepStrictEqual(key.headersConfig, { headerBehavior: "whitelist", headers: { items: ["Origin", "Authorization"] } });
                assert.deepStrictEqual(key.queryStringsConfig, { queryStringBehavior: "all" });
                assert.deepStrictEqual(key.cookiesConfig, { cookieBehavior: "none" });
                assert.ok((cachePolicy.inputs as any).maxTtl > 0, "headers in the key need a non-zero max TTL");
                const orp = originRequestPolicy.inputs as any;
                assert.deepStrictEqual(orp.headersConfig, { headerBehavior: "whitelist", headers: { items: ["Origin"] } });
                assert.deepStrictEqual(orp.queryStringsConfig, { queryStringBehavior: "all" });
                assert.deepStrictEqual(orp.cookiesConfig, { cookieBehavior: "none" });
                // Unique per stack, and per account: the stack's random suffix.
                const suffix = only(ofType(plan, "random:index/randomId:RandomId"), "name suffix");
                assert.strictEqual((suffix.inputs as any).byteLength, 3);
                // Named by content, shared by every proxy of the stack: <stack>-<kind>-<hash of the content>-<suffix>.
                assert.match((cachePolicy.inputs as any).name, /^test-cache-[0-9a-f]{8}-[0-9a-f]{6}$/);
                assert.match((originRequestPolicy.inputs as any).name, /^test-origin-request-[0-9a-f]{8}-[0-9a-f]{6}$/);

                const out = (plan.outputs.proxies as any)["posthog-e-example-com"];
                assert.strictEqual(out.region, region);
                assert.deepStrictEqual(out.sdk, { vendor: "posthog", api_host: "https://e.example.com", ui_host: `https://${region}.posthog.com` });
                assert.match(out.snippet, /posthog\.init\(.*api_host: "https:\/\/e\.example\.com"/);
            });
        }
    });

    describe("Segment", () => {
        const cdn = (path: string): Row => ({
            path,
            origin: "cdn.segment.com",
            cache: managed.CachingOptimized,
            originRequest: undefined,
            responseHeaders: undefined,
            methods: allMethods,
            cached: ["GET", "HEAD"],
            viewer: "redirect-to-https",
        });
        const api = (origin: string): Row => ({ ...cdn("*"), origin, cache: managed.CachingDisabled });

        for (const [region, apiOrigin] of [
            ["us", "api.segment.io"],
            ["eu", "events.eu1.segmentapis.com"],
        ] as const) {
            it(`${region} single host: CDN paths (analytics-next bundles included) to the CDN, the rest to the Tracking API, no Host forwarded`, async () => {
                const plan = await planConfig(stackOf([{ vendor: "segment", region, domain: "s.example.com" }]));
                const distribution = assertCommonDistribution(plan, "s.example.com");
                assertRoute53Records(plan, "s.example.com", distribution);
                assert.deepStrictEqual(behaviours(distribution), [
                    cdn("/analytics.js/*"),
                    cdn("/v1/projects/*"),
                    cdn("/next-integrations/*"),
                    cdn("/analytics-next/*"),
                    api(apiOrigin),
                ]);
                assert.strictEqual(ofType(plan, T.cachePolicy).length + ofType(plan, T.originRequestPolicy).length, 0);
                const out = (plan.outputs.proxies as any)["segment-s-example-com"];
                assert.strictEqual(out.sdk.cdnURL, "https://s.example.com");
                assert.strictEqual(out.sdk.apiHost, "s.example.com/v1");
                assert.strictEqual(out.sdk.snippetSrc, "https://s.example.com/analytics.js/v1/<WRITE_KEY>/analytics.min.js");
            });

            it(`${region} two hosts (the seed's shape): one distribution for the CDN, one for the API`, async () => {
                const plan = await planConfig(
                    stackOf([{ vendor: "segment", region, cdnDomain: "cdn.example.com", apiDomain: "api.example.com" }]),
                );
                assert.strictEqual(ofType(plan, T.distribution).length, 2);
                const cdnDistribution = assertCommonDistribution(plan, "cdn.example.com");
                const apiDistribution = assertCommonDistribution(plan, "api.example.com");
                assertRoute53Records(plan, "cdn.example.com", cdnDistribution);
                assertRoute53Records(plan, "api.example.com", apiDistribution);
                assert.deepStrictEqual(behaviours(cdnDistribution), [cdn("*")]);
                assert.deepStrictEqual(behaviours(apiDistribution), [api(apiOrigin)]);
                const out = (plan.outputs.proxies as any)["segment-cdn-example-com"];
                assert.strictEqual(out.sdk.cdnURL, "https://cdn.example.com");
                assert.strictEqual(out.sdk.apiHost, "api.example.com/v1");
                assert.deepStrictEqual(out.urls, ["https://cdn.example.com", "https://api.example.com"]);
            });
        }

        it("managed Custom Domain by delegation creates only the NS records, no CDN", async () => {
            const nameServers = ["ns-1.segment-dns.com", "ns-2.segment-dns.com"];
            const plan = await planConfig(stackOf([{ vendor: "segment", managed: "delegation", domain: "cdp.example.com", nameServers }]));
            assert.strictEqual(ofType(plan, T.distribution).length, 0);
            assert.strictEqual(ofType(plan, T.certificate).length, 0);
            const ns = only(ofType(plan, T.record), "NS record").inputs as any;
            assert.deepStrictEqual([ns.name, ns.type, ns.records], ["cdp.example.com", "NS", nameServers]);
            const component = only(plan.resources.filter((r) => r.type === "first-party-proxy:dns:SegmentCustomDomain"), "component");
            assert.strictEqual(childrenOf(plan, component).length, 1);
        });

        it("managed Custom Domain by CNAME creates the two CNAMEs Segment gives, and the SDK settings", async () => {
            const plan = await planConfig(
                stackOf(
                    [
                        {
                            vendor: "segment",
                            managed: "cname",
                            cdnDomain: "cdn.example.com",
                            apiDomain: "api.example.com",
                            cdnTarget: "cdn-abc.segment-custom.com",
                            apiTarget: "api-abc.segment-custom.com",
                        },
                    ],
                    { provider: "cloudflare", zone: "example.com" },
                ),
            );
            assert.strictEqual(ofType(plan, T.distribution).length, 0);
            const records = ofType(plan, T.cloudflareRecord).map((r) => r.inputs as any);
            assert.deepStrictEqual(
                records.map((r) => [r.name, r.type, r.content, r.proxied]),
                [
                    ["cdn.example.com", "CNAME", "cdn-abc.segment-custom.com", false],
                    ["api.example.com", "CNAME", "api-abc.segment-custom.com", false],
                ],
            );
            const out = (plan.outputs.proxies as any)["segment-cdn-example-com"];
            assert.strictEqual(out.sdk.apiHost, "api.example.com/v1");
            assert.strictEqual(out.cdn, "dns-only");
        });
    });

    describe("Amplitude Session Replay", () => {
        for (const [region, track, config] of [
            ["us", "api-sr.amplitude.com", "sr-client-cfg.amplitude.com"],
            ["eu", "api-sr.eu.amplitude.com", "sr-client-cfg.eu.amplitude.com"],
        ] as const) {
            it(`${region}: /config* to remote config, replay to ingestion, never cached, every header but Host, no cookies`, async () => {
                const plan = await planConfig(stackOf([{ vendor: "amplitude", region, domain: "r.example.com" }]));
                const distribution = assertCommonDistribution(plan, "r.example.com");
                assertRoute53Records(plan, "r.example.com", distribution);
                // Not the managed AllViewerExceptHostHeader: it also forwards every cookie of the viewer's.
                const originRequestPolicy = only(ofType(plan, T.originRequestPolicy), "origin request policy");
                const policy = originRequestPolicy.inputs as any;
                assert.deepStrictEqual(policy.headersConfig, { headerBehavior: "allExcept", headers: { items: ["Host"] } });
                assert.deepStrictEqual(policy.cookiesConfig, { cookieBehavior: "none" });
                assert.deepStrictEqual(policy.queryStringsConfig, { queryStringBehavior: "all" });
                const common = {
                    cache: managed.CachingDisabled,
                    originRequest: originRequestPolicy.id!,
                    responseHeaders: managed.CorsWithPreflightAndSecurityHeaders,
                    cached: readMethods,
                    viewer: "redirect-to-https" as const,
                };
                assert.deepStrictEqual(behaviours(distribution), [
                    { path: "/config*", origin: config, methods: readMethods, ...common },
                    { path: "*", origin: track, methods: allMethods, ...common },
                ]);
                const out = (plan.outputs.proxies as any)["amplitude-r-example-com"];
                assert.deepStrictEqual(out.sdk, {
                    vendor: "amplitude",
                    trackServerUrl: "https://r.example.com/sessions/v2/track",
                    configServerUrl: "https://r.example.com/config",
                    cspConnectSrc: "https://r.example.com",
                });
            });
        }
    });

    describe("VTEX", () => {
        it("keeps the store Host, serves the ACME challenge over plain HTTP uncached, and writes the TXT record", async () => {
            const plan = await planConfig(stackOf([{ vendor: "vtex", domain: "www.mystore.com" }], { provider: "route53", zone: "mystore.com" }));
            const distribution = assertCommonDistribution(plan, "www.mystore.com");
            assertRoute53Records(plan, "www.mystore.com", distribution);
            const store = {
                origin: "www.mystore.com.cdn.vtex.com",
                cache: managed.CachingDisabled,
                originRequest: managed.AllViewer,
                responseHeaders: undefined,
                cached: ["GET", "HEAD"],
            };
            assert.deepStrictEqual(behaviours(distribution), [
                { path: "/.well-known/acme-challenge/*", ...store, methods: readMethods, viewer: "allow-all" },
                { path: "*", ...store, methods: allMethods, viewer: "redirect-to-https" },
            ]);
            const origins = (distribution.inputs as any).origins;
            const acme = origins.find((o: any) => o.originId === "acme");
            assert.strictEqual(acme.customOriginConfig.originProtocolPolicy, "http-only");
            const txt = only(ofType(plan, T.record).filter((r) => (r.inputs as any).type === "TXT"), "TXT record").inputs as any;
            assert.deepStrictEqual([txt.name, txt.records], ["_www.mystore.com", ["www.mystore.com.cdn.vtex.com"]]);
            const out = (plan.outputs.proxies as any)["vtex-www-mystore-com"];
            assert.ok(!("region" in out), "VTEX has no regions: the outputs name none");
            assert.ok(out.todo.some((n: string) => n.includes("CNAMEAlreadyExists")));
            assert.ok(out.notes.some((n: string) => n.includes("CAA")));
        });
    });

    describe("stack options", () => {
        it("applies the price class and tags, and shares one us-east-1 provider across proxies", async () => {
            const plan = await planConfig({
                ...stackOf([
                    { vendor: "posthog", domain: "e.example.com" },
                    { vendor: "amplitude", domain: "r.example.com" },
                ]),
                cloudfront: { priceClass: "PriceClass_100", tags: { team: "growth" } },
            });
            for (const d of ofType(plan, T.distribution)) {
                assert.strictEqual((d.inputs as any).priceClass, "PriceClass_100");
                assert.strictEqual((d.inputs as any).tags.team, "growth");
            }
            assert.strictEqual(ofType(plan, "pulumi:providers:aws").length, 1);
        });

        it("defaults to PriceClass_All", async () => {
            const plan = await planConfig(stackOf([{ vendor: "posthog", domain: "e.example.com" }]));
            assert.strictEqual((only(ofType(plan, T.distribution), "distribution").inputs as any).priceClass, "PriceClass_All");
        });

        it("with manual DNS creates no records and exports the ones to create", async () => {
            const plan = await planConfig(stackOf([{ vendor: "vtex", domain: "www.mystore.com" }], { provider: "manual" }));
            assert.strictEqual(ofType(plan, T.record).length + ofType(plan, T.cloudflareRecord).length, 0);
            const validation = only(ofType(plan, T.validation), "certificate validation").inputs as any;
            assert.strictEqual(validation.validationRecordFqdns, undefined);
            const out = (plan.outputs.proxies as any)["vtex-www-mystore-com"];
            const types = out.dnsRecords.map((r: any) => `${r.type} ${r.name}`);
            assert.ok(types.includes("CNAME www.mystore.com"));
            assert.ok(types.includes("TXT _www.mystore.com"));
            assert.ok(types.some((t: string) => /^CNAME _[0-9a-f]+\.www\.mystore\.com$/.test(t)), "ACM validation record listed");
            const alias = out.dnsRecords.find((r: any) => r.name === "www.mystore.com");
            assert.strictEqual(alias.value, out.cdnTargets[0]);
            assert.ok(out.dnsRecords.every((r: any) => r.createdBy === "you"), "with manual DNS every record is the user's");
            // The to-do list names every record to create, then VTEX's own step.
            assert.strictEqual(out.todo.length, out.dnsRecords.length + 1);
            for (const r of out.dnsRecords) assert.ok(out.todo.some((t: string) => t.includes(`${r.name} ${r.type} ${r.value}`)), r.name);
            assert.match(out.todo[out.todo.length - 1], /go-live/);
        });

        it("with Route 53 the stack creates every record, aliases as A and AAAA, and leaves the user only the vendor's steps", async () => {
            const plan = await planConfig(
                stackOf([
                    { vendor: "posthog", domain: "e.example.com" },
                    { vendor: "segment", domain: "s.example.com" },
                ]),
            );
            const posthog = (plan.outputs.proxies as any)["posthog-e-example-com"];
            assert.deepStrictEqual(
                posthog.dnsRecords.filter((r: any) => r.name === "e.example.com").map((r: any) => [r.type, r.alias, r.value]),
                [
                    ["A", true, posthog.cdnTargets[0]],
                    ["AAAA", true, posthog.cdnTargets[0]],
                ],
            );
            // The records outputs describe are the ones planned.
            const planned = ofType(plan, T.record).map((r: any) => `${r.inputs.type} ${String(r.inputs.name).replace(/\.$/, "")}`);
            for (const r of posthog.dnsRecords) assert.ok(planned.includes(`${r.type} ${r.name}`), `${r.type} ${r.name} is planned`);
            for (const out of Object.values(plan.outputs.proxies as Record<string, any>)) {
                assert.ok(out.dnsRecords.every((r: any) => r.createdBy === "stack"));
                assert.ok(!out.todo.some((t: string) => /DNS record/.test(t)));
            }
            assert.deepStrictEqual(posthog.todo, []);
            assert.match((plan.outputs.proxies as any)["segment-s-example-com"].todo.join("\n"), /Segment support/);
        });

        it("uses a given zoneId without looking the zone up", async () => {
            const plan = await planConfig(stackOf([{ vendor: "posthog", domain: "e.example.com" }], { provider: "route53", zoneId: "Z123EXAMPLE" }));
            for (const r of ofType(plan, T.record)) assert.strictEqual((r.inputs as any).zoneId, "Z123EXAMPLE");
        });
    });
});
