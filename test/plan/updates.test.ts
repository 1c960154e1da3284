import * as assert from "assert";
import { PlannedResource } from "../../components/plan/mockPlan";
import { readStackSettings } from "../../components/plan/stackSettings";
import { TestConfig } from "../helpers/plan";
import { planConfigForPolicies as planConfig, planForPolicies, planShipped, PolicyPlan as Plan, shippedStacks } from "../policy/harness";

/*
 * What an update would do, read from two offline plans of the real program: resources matched by URN (the identity
 * Pulumi keeps state under), their inputs compared. A changed URN is a delete plus a create; changed inputs are an
 * update or a replacement; anything else is left alone.
 */

interface PlanDiff {
    readonly added: string[];
    readonly removed: string[];
    /** Same URN, different inputs (or provider): URN → the top-level input keys that differ. */
    readonly changed: Record<string, string[]>;
}

/** JSON with sorted keys, so that key order never counts as a change. */
function canonical(value: unknown): string {
    return JSON.stringify(value, (_, v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
    );
}

function diffPlans(before: Plan, after: Plan): PlanDiff {
    const a = new Map(before.resources.map((r) => [r.urn, r]));
    const b = new Map(after.resources.map((r) => [r.urn, r]));
    const changed: Record<string, string[]> = {};
    for (const [urn, old] of a) {
        const now = b.get(urn);
        if (!now) continue;
        const keys = [...new Set([...Object.keys(old.inputs), ...Object.keys(now.inputs)])].filter(
            (k) => canonical(old.inputs[k]) !== canonical(now.inputs[k]),
        );
        if (old.provider !== now.provider) keys.push("(provider)");
        if (keys.length > 0) changed[urn] = keys.sort();
    }
    return {
        added: [...b.keys()].filter((u) => !a.has(u)).sort(),
        removed: [...a.keys()].filter((u) => !b.has(u)).sort(),
        changed,
    };
}

/** `type::name` of a URN, enough to tell resources apart in assertions. */
const short = (urn: string) => {
    const parts = urn.split("::");
    return `${parts[2].split("$").pop()}::${parts.slice(3).join("::")}`;
};
const shortKeys = (changed: Record<string, string[]>) => Object.fromEntries(Object.entries(changed).map(([u, k]) => [short(u), k]));

const stackOf = (provider: "aws" | "cloudflare", proxies: unknown[], extra: TestConfig = {}): TestConfig =>
    provider === "aws"
        ? { provider, dns: { provider: "cloudflare", zone: "example.com" }, proxies, ...extra }
        : {
              provider,
              dns: { provider: "cloudflare", zone: "example.com" },
              cloudflare: { accountId: "0123456789abcdef0123456789abcdef", mode: "worker" },
              proxies,
              ...extra,
          };

/** The four vendors plus a Segment managed Custom Domain, PostHog's region as given. */
const mixed = (posthogRegion: "us" | "eu") => [
    { vendor: "segment", region: "us", domain: "s.example.com" },
    { vendor: "posthog", region: posthogRegion, domain: "e.example.com" },
    { vendor: "amplitude", region: "us", domain: "r.example.com" },
    { vendor: "vtex", domain: "www.example.com" },
    {
        vendor: "segment",
        name: "segment-managed",
        managed: "cname",
        cdnDomain: "cdn.example.com",
        apiDomain: "api.example.com",
        cdnTarget: "cdn-abc.segment-custom.example.net",
        apiTarget: "api-abc.segment-custom.example.net",
    },
];

describe("safety of updates (offline plans diffed by URN)", () => {
    describe("the same config plans the same", () => {
        for (const name of ["dev", "cloudflare-worker"]) {
            it(`${name}: two plans are identical, resources and outputs`, async () => {
                const stack = shippedStacks().find((s) => s.name === name)!;
                const first = await planForPolicies(readStackSettings(stack.file), name);
                const second = await planForPolicies(readStackSettings(stack.file), name);
                const json = (p: Plan) => JSON.stringify({ resources: p.resources, outputs: p.outputs });
                assert.ok(first.resources.length > 0);
                assert.strictEqual(json(second), json(first));
            });
        }
    });

    describe("changing only a vendor region", () => {
        it("CloudFront: PostHog us → eu changes that distribution's origins and nothing else", async () => {
            const before = await planConfig(stackOf("aws", mixed("us")), "updates");
            const after = await planConfig(stackOf("aws", mixed("eu")), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.added, [], "no resource created");
            assert.deepStrictEqual(diff.removed, [], "no resource deleted or renamed");
            assert.deepStrictEqual(shortKeys(diff.changed), { "aws:cloudfront/distribution:Distribution::posthog-e-example-com-distribution": ["origins"] });
            const origins = (p: Plan) =>
                (p.resources.find((r) => r.name === "posthog-e-example-com-distribution")!.inputs.origins as { domainName: string }[]).map((o) => o.domainName);
            assert.deepStrictEqual(origins(before), ["us.i.posthog.com", "us-assets.i.posthog.com"]);
            assert.deepStrictEqual(origins(after), ["eu.i.posthog.com", "eu-assets.i.posthog.com"]);
            const proxies = (p: Plan) => p.outputs.proxies as Record<string, { sdk: unknown }>;
            assert.deepStrictEqual((proxies(after)["posthog-e-example-com"].sdk as { ui_host: string }).ui_host, "https://eu.posthog.com");
            for (const other of ["segment-s-example-com", "amplitude-r-example-com", "vtex-www-example-com", "segment-managed"]) {
                assert.deepStrictEqual(proxies(after)[other], proxies(before)[other], `${other}'s outputs`);
            }
        });

        it("CloudFront: Segment us → eu changes only the Tracking API origin (the CDN stays cdn.segment.com)", async () => {
            const segment = (region: string) => [{ vendor: "segment", region, domain: "s.example.com" }, { vendor: "posthog", domain: "e.example.com" }];
            const before = await planConfig(stackOf("aws", segment("us")), "updates");
            const after = await planConfig(stackOf("aws", segment("eu")), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual([diff.added, diff.removed], [[], []]);
            assert.deepStrictEqual(shortKeys(diff.changed), { "aws:cloudfront/distribution:Distribution::segment-s-example-com-distribution": ["origins"] });
            const origins = after.resources.find((r) => r.name === "segment-s-example-com-distribution")!.inputs.origins as { domainName: string }[];
            assert.deepStrictEqual(origins.map((o) => o.domainName), ["cdn.segment.com", "events.eu1.segmentapis.com"]);
        });

        it("Cloudflare Workers: PostHog us → eu changes only that Worker's SETTINGS binding", async () => {
            const before = await planConfig(stackOf("cloudflare", mixed("us")), "updates");
            const after = await planConfig(stackOf("cloudflare", mixed("eu")), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual([diff.added, diff.removed], [[], []]);
            assert.deepStrictEqual(shortKeys(diff.changed), { "cloudflare:index/workersScript:WorkersScript::posthog-e-example-com-script": ["bindings"] });
        });

        it("Cloudflare page rules: PostHog us → eu changes its three page rules and the record's fallback target", async () => {
            const pageRules = { cloudflare: { mode: "pageRule", enterprise: true } };
            const before = await planConfig(stackOf("cloudflare", mixed("us"), pageRules), "updates");
            const after = await planConfig(stackOf("cloudflare", mixed("eu"), pageRules), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual([diff.added, diff.removed], [[], []]);
            assert.deepStrictEqual(shortKeys(diff.changed), {
                "cloudflare:index/dnsRecord:DnsRecord::posthog-e-example-com-cname": ["content"],
                "cloudflare:index/pageRule:PageRule::posthog-e-example-com-rule-0": ["actions"],
                "cloudflare:index/pageRule:PageRule::posthog-e-example-com-rule-1": ["actions"],
                "cloudflare:index/pageRule:PageRule::posthog-e-example-com-rule-2": ["actions"],
            });
        });
    });

    describe("changing only the CDN provider (aws → cloudflare, DNS in Cloudflare)", () => {
        let diff: PlanDiff;
        let onAws: Plan;
        let onCloudflare: Plan;

        before(async () => {
            onAws = await planConfig(stackOf("aws", mixed("us")), "updates");
            onCloudflare = await planConfig(stackOf("cloudflare", mixed("us")), "updates");
            diff = diffPlans(onAws, onCloudflare);
        });

        it("keeps Segment's managed Custom Domain records untouched: same URNs, same inputs", () => {
            const managed = onAws.resources.filter((r) => r.urn.includes("SegmentCustomDomain"));
            assert.strictEqual(managed.length, 3, "the component and its two CNAMEs");
            for (const r of managed) {
                assert.ok(!diff.removed.includes(r.urn) && !(r.urn in diff.changed), `${short(r.urn)} stays as it is`);
            }
        });

        it("replaces exactly the CloudFront side of the CDN proxies with the Cloudflare side, and changes nothing in place", () => {
            assert.deepStrictEqual(diff.changed, {}, "no resource is updated in place");
            const types = (urns: string[]) => [...new Set(urns.map((u) => short(u).split("::")[0]))].sort();
            assert.deepStrictEqual(types(diff.removed), [
                "aws:acm/certificate:Certificate",
                "aws:acm/certificateValidation:CertificateValidation",
                "aws:cloudfront/cachePolicy:CachePolicy",
                "aws:cloudfront/distribution:Distribution",
                "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
                "cloudflare:index/dnsRecord:DnsRecord",
                "first-party-proxy:aws:CloudFrontProxy",
                "pulumi:providers:aws",
            ]);
            assert.deepStrictEqual(types(diff.added), [
                "cloudflare:index/dnsRecord:DnsRecord",
                "cloudflare:index/ruleset:Ruleset",
                "cloudflare:index/workersCustomDomain:WorkersCustomDomain",
                "cloudflare:index/workersScript:WorkersScript",
                "first-party-proxy:cloudflare:CnameProxy",
                "first-party-proxy:cloudflare:WorkerProxy",
                "first-party-proxy:cloudflare:ZoneRules",
            ]);
            const unchanged = onAws.resources.filter((r) => !diff.removed.includes(r.urn)).map((r) => short(r.urn));
            assert.deepStrictEqual(unchanged.sort(), [
                "cloudflare:index/dnsRecord:DnsRecord::segment-managed-cname-0",
                "cloudflare:index/dnsRecord:DnsRecord::segment-managed-cname-1",
                "first-party-proxy:dns:SegmentCustomDomain::segment-managed",
            ]);
        });

        it("names the Cloudflare records one `pulumi up` would create while the old ones for the same names still exist", () => {
            // Pulumi creates new resources before it deletes the ones that left the program. These hostnames get a
            // record (or a Workers Custom Domain) from the new side while the CloudFront side's record for the same
            // name is still there; Cloudflare refuses a second CNAME, an identical TXT, or a Custom Domain over an
            // existing record. Pinned here so that a fix (aliases, or a two-step switch) shows up as a change.
            const names = (p: Plan, urns: string[]) =>
                p.resources
                    .filter((r) => urns.includes(r.urn))
                    .flatMap((r: PlannedResource) =>
                        r.type === "cloudflare:index/dnsRecord:DnsRecord"
                            ? [`${r.inputs.name} ${r.inputs.type}`]
                            : r.type === "cloudflare:index/workersCustomDomain:WorkersCustomDomain"
                              ? [`${r.inputs.hostname} CNAME`]
                              : [],
                    );
            const leaving = new Set(names(onAws, diff.removed).map((n) => n.replace(/ (A|AAAA)$/, " CNAME")));
            const clashes = names(onCloudflare, diff.added).filter((n) => leaving.has(n));
            assert.deepStrictEqual(clashes.sort(), ["_www.example.com TXT", "e.example.com CNAME", "r.example.com CNAME", "s.example.com CNAME", "www.example.com CNAME"]);
        });
    });

    describe("zones are only ever looked up", () => {
        it("no Route 53 hosted zone or Cloudflare zone resource in any shipped stack or update variant", async () => {
            const plans: PlannedResource[][] = [];
            for (const { name } of shippedStacks()) plans.push([...(await planShipped(name)).resources]);
            plans.push([...(await planConfig(stackOf("cloudflare", mixed("eu"), { cloudflare: { mode: "pageRule", enterprise: true } }), "updates")).resources]);
            for (const resources of plans) {
                const zones = resources.filter((r) => /(^aws:route53\/zone:|^cloudflare:index\/zone:|:Zone$)/.test(r.type));
                assert.deepStrictEqual(zones.map((r) => r.urn), []);
            }
        });
    });

    describe("certificates are replaced create-before-delete", () => {
        it("every certificate is registered with deleteBeforeReplace explicitly false (the engine's view, not the source)", async () => {
            for (const name of ["dev", "cloudfront-cloudflare-dns", "cloudfront-manual-dns"]) {
                const plan = await planShipped(name);
                const certificates = plan.resources.filter((r) => r.type === "aws:acm/certificate:Certificate");
                assert.ok(certificates.length > 0, name);
                for (const c of certificates) {
                    assert.strictEqual(plan.options.get(c.urn)?.deleteBeforeReplace, false, `${name}: ${c.name}`);
                }
            }
        });

        it("nothing in any shipped stack asks to be deleted before its replacement exists", async () => {
            for (const { name } of shippedStacks()) {
                const plan = await planShipped(name);
                const early = plan.resources.filter((r) => plan.options.get(r.urn)?.deleteBeforeReplace === true).map((r) => r.urn);
                assert.deepStrictEqual(early, [], name);
            }
        });
    });
});
