import * as assert from "assert";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { quotaStatus } from "../../components/quotas/check";
import { quotaIds } from "../../components/quotas/limits";
import { planConfig, planRefused, TestConfig } from "../helpers/plan";

/*
 * A DNS zone holds a limited number of records (Route 53: 10,000 per hosted zone; Cloudflare: 200 on a Free zone,
 * 3,500 on paid plans): the stack's records are counted from the specs before anything exists, and the count must be
 * exactly what the plan then creates, for every kind of proxy on every CDN and DNS provider.
 */

const accountId = "0123456789abcdef0123456789abcdef";
const zone = "example.com";
const common = [
    { vendor: "posthog", domain: "e.example.com" },
    { vendor: "segment", cdnDomain: "c.example.com", apiDomain: "a.example.com" },
    { vendor: "amplitude", domain: "r.example.com", products: ["analytics", "sessionReplay"] },
    { vendor: "vtex", domain: "www.example.com" },
    { vendor: "mixpanel", domain: "m.example.com" },
    { vendor: "plausible", domain: "p.example.com" },
    { vendor: "segment", managed: "delegation", domain: "seg.example.com", nameServers: ["ns1.example.net", "ns2.example.net"] },
    { vendor: "segment", managed: "cname", cdnDomain: "sc.example.com", apiDomain: "sa.example.com", cdnTarget: "x.segment.example.net", apiTarget: "y.segment.example.net" },
    { vendor: "posthog", domain: "ph.example.com", managed: true, target: "4854cf84789d8596ad01.proxy-us.posthog.com" },
];
const raised = Object.fromEntries(quotaIds.map((id) => [id, 100_000]));

const stacks: [string, TestConfig][] = [
    ["CloudFront, Route 53", { provider: "aws", dns: { provider: "route53", zone }, proxies: [...common, { vendor: "datadog", domain: "d.example.com" }, { vendor: "google", domain: "g.example.com", tagId: "G-ABC123XYZ9" }] }],
    ["CloudFront, Cloudflare DNS", { provider: "aws", dns: { provider: "cloudflare", zone }, proxies: [...common, { vendor: "datadog", domain: "d.example.com" }] }],
    [
        "Cloudflare Workers",
        {
            provider: "cloudflare",
            dns: { provider: "cloudflare", zone },
            cloudflare: { accountId },
            proxies: [...common, { vendor: "datadog", domain: "d.example.com" }, { vendor: "posthog", domain: "shop.example.com", pathPrefix: "/k7", sharedHost: true }, { vendor: "google", domain: "tag.example.com", tagId: "G-ABC123XYZ9" }],
        },
    ],
    ["Cloudflare Workers, shared scripts", { provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { accountId, workerScripts: "shared" }, proxies: common }],
    ["Cloudflare page rules", { provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { mode: "pageRule", enterprise: true }, proxies: common }],
];

const recordTypes = ["aws:route53/record:Record", "cloudflare:index/dnsRecord:DnsRecord"];

describe("quota: DNS records per zone, counted before anything exists", () => {
    for (const [what, stack] of stacks) {
        it(`${what}: the count is the records the plan creates`, async () => {
            const config = { ...stack, quotas: raised };
            const { config: parsed } = parseStackConfig(config);
            const id = parsed.dns.provider === "route53" ? "route53RecordsPerHostedZone" : "cloudflareDnsRecordsPerZone";
            const counted = quotaStatus(parsed, proxyRequests(parsed, "test").map(buildProxySpec)).find((s) => s.id === id)!;
            const plan = await planConfig(config);
            const planned = plan.resources.filter((r) => recordTypes.includes(r.type)).length;
            assert.ok(planned > 0);
            assert.strictEqual(counted.count, planned);
        });
    }

    it("manual DNS creates no record, so it counts none", () => {
        const { config } = parseStackConfig({ provider: "aws", dns: { provider: "manual", zone }, proxies: common.slice(0, 4) });
        const ids = quotaStatus(config, proxyRequests(config, "test").map(buildProxySpec)).map((s) => s.id);
        assert.ok(!ids.includes("route53RecordsPerHostedZone") && !ids.includes("cloudflareDnsRecordsPerZone"), ids.join(", "));
    });

    it("201 Worker proxies in a Free Cloudflare zone are refused, naming the quota, the plan and how to say the zone is older or paid; what the zone holds counts too", async () => {
        const posthogs = (n: number) => Array.from({ length: n }, (_, i) => ({ vendor: "posthog", domain: `e${i}.example.com` }));
        const stack = (n: number, quotas: TestConfig) => ({ provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { accountId, workerScripts: "shared" }, proxies: posthogs(n), quotas });
        const { error, registered } = await planRefused(stack(201, {}));
        assert.strictEqual(registered, 0);
        assert.match(error.message, /quotas\.cloudflareDnsRecordsPerZone: DNS records per Cloudflare zone: the stack needs 201, more than the 200 allowed \(Cloudflare's default on the free plan; DNS records - Cloudflare DNS docs, https:\/\/developers\.cloudflare\.com\/dns\/manage-dns-records\/\)\. To go further: a paid zone plan allows 3,500/);
        assert.doesNotThrow(() => parseStackConfig(stack(201, { cloudflareDnsRecordsPerZone: 1000 })));
        assert.throws(() => parseStackConfig(stack(150, { cloudflareDnsRecordsPerZone: { limit: 200, used: 60 } })), /needs 150 and the zone already holds 60/);
    });
});
