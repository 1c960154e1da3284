import * as assert from "assert";
import { ConfigError, parseStackConfig, proxyRequests } from "../../components/config/load";
import { buildProxySpec } from "../../components/model/proxySpec";
import { awsStack as aws, cloudflareStack as cloudflare, configProblems as problems } from "../helpers/config";
import { ofType, planConfig, planRefused } from "../helpers/plan";



describe("config: clientIp", () => {
    it("defaults to forward and carries anonymize and drop to the origins that use the address", () => {
        const { config } = parseStackConfig(cloudflare([
            { vendor: "posthog", domain: "e.example.com" },
            { vendor: "posthog", domain: "f.example.com", clientIp: "anonymize" },
            { vendor: "amplitude", domain: "r.example.com", clientIp: "drop" },
            { vendor: "segment", cdnDomain: "c.example.com", apiDomain: "a.example.com", clientIp: "anonymize" },
        ]));
        const specs = proxyRequests(config, "test").map(buildProxySpec);
        assert.deepStrictEqual(specs.map((s) => s.clientIp), ["forward", "anonymize", "drop", "anonymize"]);
        const originModes = specs.map((s) => Object.fromEntries(s.sites.flatMap((site) => site.origins.map((o) => [`${site.role}/${o.id}`, o.clientIp]))));
        assert.deepStrictEqual(originModes, [
            { "main/main": "forward", "main/assets": "drop" },
            { "main/main": "anonymize", "main/assets": "drop" },
            { "main/track": "drop", "main/config": "drop" },
            { "cdn/cdn": "drop", "api/api": "anonymize" },
        ]);
        assert.ok(specs[1].notes.some((n) => n.includes("/24 (IPv4) or /48 (IPv6)")), specs[1].notes.join("; "));
        assert.ok(specs[2].notes.some((n) => n.startsWith("clientIp: drop")), specs[2].notes.join("; "));
        assert.ok(!specs[0].notes.some((n) => n.includes("clientIp")));
    });

    it("refuses a value it does not know, naming what is allowed", () => {
        const found = problems(cloudflare([{ vendor: "posthog", domain: "e.example.com", clientIp: "hide" }]));
        assert.ok(found.some((p) => p.startsWith("first-party-proxy:proxies[0].clientIp:") && p.includes("forward | anonymize | drop")), found.join("; "));
    });

    it("refuses anonymize and drop on CloudFront, saying why and what to use instead; forward stays allowed", () => {
        for (const mode of ["anonymize", "drop"]) {
            const found = problems(aws([{ vendor: "posthog", domain: "e.example.com", clientIp: mode }]));
            assert.equal(found.length, 1, found.join("; "));
            assert.match(found[0], new RegExp(`^first-party-proxy:proxies\\[0\\]\\.clientIp: clientIp: ${mode} is not available with provider aws: CloudFront itself adds the viewer's address to the X-Forwarded-For`));
            assert.match(found[0], /use clientIp: forward, or provider cloudflare with cloudflare\.mode worker/);
        }
        assert.deepStrictEqual(problems(aws([{ vendor: "posthog", domain: "e.example.com", clientIp: "forward" }])), []);
    });

    it("refuses anonymize and drop in page-rule mode (Cloudflare adds the address itself; the Managed Transform is zone-wide)", () => {
        const found = problems(cloudflare([{ vendor: "segment", domain: "s.example.com", clientIp: "drop" }], "pageRule"));
        assert.equal(found.length, 1, found.join("; "));
        assert.match(found[0], /proxies\[0\]\.clientIp: clientIp: drop needs cloudflare\.mode worker: Cloudflare sends CF-Connecting-IP and X-Forwarded-For/);
        assert.match(found[0], /Remove visitor IP headers" removes them for every hostname of the zone/);
    });

    it("refuses clientIp on Segment's managed domains and on VTEX, saying why", () => {
        const managed = problems(aws([{ vendor: "segment", managed: "cname", cdnDomain: "c.example.com", apiDomain: "a.example.com", cdnTarget: "x.segment.com", apiTarget: "y.segment.com", clientIp: "drop" }]));
        assert.ok(managed.some((p) => p.includes("proxies[0].clientIp") && p.includes("Segment's own servers receive the viewer's requests")), managed.join("; "));
        const vtex = problems(cloudflare([{ vendor: "vtex", domain: "www.example.com", clientIp: "drop" }]));
        assert.ok(vtex.some((p) => p.includes("proxies[0].clientIp") && p.includes("the store needs the shopper's address")), vtex.join("; "));
    });

    it("refuses on CloudFront before any resource is registered", async () => {
        const { error, registered } = await planRefused(aws([{ vendor: "posthog", domain: "e.example.com", clientIp: "anonymize" }]));
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, /clientIp: anonymize is not available with provider aws/);
        assert.equal(registered, 0);
    });

    it("plans the Worker's binding with the setting, and the outputs say what the vendor gets", async () => {
        const plan = await planConfig(cloudflare([{ vendor: "posthog", domain: "e.example.com", clientIp: "anonymize" }]));
        const [script] = ofType(plan, "cloudflare:index/workersScript:WorkersScript");
        const binding = (script.inputs.bindings as { name: string; json: string }[]).find((b) => b.name === "SETTINGS")!;
        const origins = JSON.parse(binding.json).origins;
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(origins).map(([id, o]) => [id, [(o as { forwardClientIp: boolean }).forwardClientIp, (o as { anonymizeClientIp: boolean }).anonymizeClientIp]])),
            { main: [true, true], assets: [false, false] },
        );
        const outputs = plan.outputs.proxies as Record<string, { notes: string[] }>;
        assert.ok(Object.values(outputs)[0].notes.some((n) => n.startsWith("clientIp: anonymize")));
    });
});
