import * as assert from "assert";
import { awsStack as aws, cloudflareStack as cloudflare, configProblems as problems } from "../helpers/config";
import { ofType, planConfig } from "../helpers/plan";

const managed = { vendor: "posthog", domain: "e.example.com", managed: true, target: "4854cf84789d8596ad01.proxy-us.posthog.com" };

describe("config: PostHog's managed reverse proxy (managed: true)", () => {
    it("needs the target PostHog generated, and refuses PostHog's own service hosts as one", () => {
        const missing = problems(aws([{ ...managed, target: undefined }]));
        assert.ok(missing.some((p) => p.startsWith("first-party-proxy:proxies[0].target: target is required with managed: true")), missing.join("; "));
        const service = problems(aws([{ ...managed, target: "us.i.posthog.com" }]));
        assert.ok(service.some((p) => p.includes("proxies[0].target") && p.includes("ingestion or assets host")), service.join("; "));
        const self = problems(aws([{ ...managed, target: "e.example.com" }]));
        assert.ok(self.some((p) => p.includes("not domain itself")), self.join("; "));
    });

    it("refuses what a CDN proxy takes (paths, prefix, shared host, clientIp), and target without managed", () => {
        const found = problems(cloudflare([{ ...managed, paths: "public", pathPrefix: "/k7", clientIp: "drop" }]));
        for (const key of ["paths", "pathPrefix", "clientIp"]) {
            assert.ok(found.some((p) => p.startsWith(`first-party-proxy:proxies[0].${key}: ${key} is not allowed with managed: true`)), `${key}: ${found.join("; ")}`);
        }
        const stray = problems(aws([{ vendor: "posthog", domain: "e.example.com", target: managed.target }]));
        assert.ok(stray.some((p) => p.includes("proxies[0].target: target is not allowed without managed: true")), stray.join("; "));
        const wrong = problems(aws([{ ...managed, managed: "yes" }]));
        assert.ok(wrong.some((p) => p.includes("proxies[0].managed")), wrong.join("; "));
    });

    for (const [title, config, dnsType] of [
        ["Route 53 (provider aws)", aws([managed, { ...managed, domain: "f.example.com", region: "eu", target: "aa11.proxy-eu.posthog.com", name: "ph-eu" }]), "aws:route53/record:Record"],
        ["Cloudflare DNS (provider cloudflare)", cloudflare([managed]), "cloudflare:index/dnsRecord:DnsRecord"],
    ] as const) {
        it(`plans only the CNAME to PostHog's target in ${title}, DNS-only, with the SDK settings and todo`, async () => {
            const plan = await planConfig(config);
            const records = ofType(plan, dnsType);
            assert.equal(records.length, config.proxies.length);
            const [record] = records;
            if (dnsType.startsWith("cloudflare")) {
                assert.equal(record.inputs.type, "CNAME");
                assert.equal(record.inputs.content, managed.target);
                assert.equal(record.inputs.proxied, false);
            } else {
                assert.equal(record.inputs.type, "CNAME");
                assert.deepEqual(record.inputs.records, [managed.target]);
            }
            // No CDN at all: no distribution, certificate, Worker or rule.
            const cdn = plan.resources.filter((r) => /cloudfront|acm|workersScript|workersRoute|ruleset|pageRule/i.test(r.type));
            assert.deepEqual(cdn.map((r) => r.type), []);
            const components = ofType(plan, "first-party-proxy:dns:PostHogManagedProxy");
            assert.equal(components.length, config.proxies.length);
            const outputs = plan.outputs.proxies as Record<string, { cdn: string; sdk: unknown; todo: string[]; dnsRecords: { name: string; type: string; value: string }[] }>;
            const out = outputs["posthog-e-example-com"];
            assert.equal(out.cdn, "dns-only");
            assert.deepEqual(out.sdk, { vendor: "posthog", api_host: "https://e.example.com", ui_host: "https://us.posthog.com" });
            assert.deepEqual(out.dnsRecords.map((r) => [r.name, r.type, r.value]), [["e.example.com", "CNAME", managed.target]]);
            assert.ok(out.todo.some((t) => t.includes("New managed proxy") && t.includes(managed.target)), out.todo.join("; "));
            if (outputs["ph-eu"]) assert.deepEqual(outputs["ph-eu"].sdk, { vendor: "posthog", api_host: "https://f.example.com", ui_host: "https://eu.posthog.com" });
        });
    }
});
