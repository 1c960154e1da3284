import * as assert from "assert";
import { policies } from "../../policy/policies";
import { flattenConfig } from "../helpers/plan";
import { planForPolicies, planSettingsForPolicies, runPolicies, shippedStacks } from "./harness";

describe("policy pack on every shipped stack (offline plan)", () => {
    const stacks = shippedStacks();

    it("finds the dev stack and the examples", () => {
        assert.ok(stacks.some((s) => s.name === "dev"), "Pulumi.dev.yaml");
        assert.ok(stacks.length >= 2, `stacks found: ${stacks.map((s) => s.name).join(", ")}`);
    });

    for (const { name, file } of stacks) {
        it(`${name}: no violations`, async () => {
            const plan = await planSettingsForPolicies(file, name);
            assert.ok(plan.resources.length > 0, "the stack plans resources");
            assert.deepStrictEqual(await runPolicies(policies, plan), []);
        });
    }
});

describe("policy pack on the layouts the examples do not show", () => {
    const stack = (proxies: unknown[], cloudflare?: Record<string, unknown>) =>
        flattenConfig(
            cloudflare
                ? { provider: "cloudflare", dns: { provider: "cloudflare", zone: "example.com" }, cloudflare, proxies }
                : { provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies },
        );
    const cases: [string, Record<string, string>][] = [
        ["a proxy on a shared host (Workers route on the prefix only)", stack([{ vendor: "posthog", domain: "www.example.com", pathPrefix: "/k7", sharedHost: true }], { accountId: "0123456789abcdef0123456789abcdef" })],
        ["paths: vendor under a prefix on CloudFront", stack([{ vendor: "amplitude", domain: "r.example.com", paths: "vendor", pathPrefix: "/k7" }])],
        ["paths: vendor at the root on CloudFront (no functions)", stack([{ vendor: "segment", domain: "s.example.com", paths: "vendor" }])],
        ["Google tag gateway on CloudFront (geolocation and 404 functions)", stack([{ vendor: "google", domain: "www.example.com", tagId: "G-ABC123XYZ9", measurementPath: "/k7q2m9" }])],
        ["Google tag gateway on Cloudflare (the zone setting) beside a Worker proxy", stack([{ vendor: "google", domain: "www.example.com", tagId: "GTM-P2F3N47Q" }, { vendor: "mixpanel", domain: "m.example.com" }], { accountId: "0123456789abcdef0123456789abcdef" })],
    ];
    for (const [name, config] of cases) {
        it(`${name}: no violations`, async () => {
            const plan = await planForPolicies(config);
            assert.ok(plan.resources.length > 0);
            assert.deepStrictEqual(await runPolicies(policies, plan), []);
        });
    }
});
