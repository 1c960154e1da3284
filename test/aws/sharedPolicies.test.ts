import * as assert from "assert";
import { sharedKey } from "../../components/aws/shared";
import { Plan } from "../../components/plan/mockPlan";
import { ofType, planConfig, TestConfig } from "../helpers/plan";
import { planConfigForPolicies } from "../policy/harness";

const T = {
    shared: "first-party-proxy:aws:CloudFrontShared",
    distribution: "aws:cloudfront/distribution:Distribution",
    cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    originRequestPolicy: "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
    function: "aws:cloudfront/function:Function",
};

const posthogs = (n: number, region = "us") =>
    Array.from({ length: n }, (_, i) => ({ vendor: "posthog", region, name: `ph-${i}`, domain: `e${i}.example.com` }));

const stackOf = (proxies: unknown[], cloudfront?: unknown): TestConfig => ({
    provider: "aws",
    dns: { provider: "route53", zone: "example.com" },
    proxies,
    ...(cloudfront ? { cloudfront } : {}),
});

/** Every policy id the distributions' behaviours reference, by kind. */
function referencedIds(plan: Plan): { cache: Set<string>; originRequest: Set<string> } {
    const cache = new Set<string>();
    const originRequest = new Set<string>();
    for (const d of ofType(plan, T.distribution)) {
        const i = d.inputs as any;
        for (const b of [...i.orderedCacheBehaviors, i.defaultCacheBehavior]) {
            cache.add(b.cachePolicyId);
            if (b.originRequestPolicyId) originRequest.add(b.originRequestPolicyId);
        }
    }
    return { cache, originRequest };
}

/** The cache and origin request policy ids a distribution's behaviours reference. */
function policyIdsOf(d: { inputs: Record<string, unknown> }): string[] {
    const i = d.inputs as any;
    return [...i.orderedCacheBehaviors, i.defaultCacheBehavior].flatMap((b: any) => [b.cachePolicyId, b.originRequestPolicyId].filter(Boolean));
}

describe("CloudFront policies shared by every proxy of a stack (CloudFrontShared)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planConfig(stackOf(posthogs(200)), "test");
    });

    it("200 PostHog proxies: 200 distributions, one custom cache policy and one origin request policy per 100 distributions (CloudFront's association quota), all under CloudFrontShared", () => {
        const distributions = ofType(plan, T.distribution);
        assert.strictEqual(distributions.length, 200);
        const caches = ofType(plan, T.cachePolicy);
        const forwards = ofType(plan, T.originRequestPolicy);
        assert.deepStrictEqual([caches.length, forwards.length], [2, 2], "a copy of each per group of 100 distributions");
        const shared = ofType(plan, T.shared);
        assert.strictEqual(shared.length, 1);
        for (const p of [...caches, ...forwards]) assert.strictEqual(p.parent, shared[0].urn);
        // Every distribution uses one copy of each; each copy serves 100 distributions, the first 100 the first copy.
        const users = (ids: string[]) => ids.map((id) => distributions.filter((d) => policyIdsOf(d).includes(id)).map((d) => d.name));
        for (const copies of [caches, forwards]) {
            const [first, second] = users(copies.map((p) => p.id!));
            assert.deepStrictEqual([first.length, second.length], [100, 100]);
            assert.ok(first.includes("ph-0-distribution") && second.includes("ph-199-distribution"));
        }
        for (const d of distributions) assert.strictEqual(caches.filter((c) => policyIdsOf(d).includes(c.id!)).length, 1, d.name);
    });

    it("CloudFront Functions too: a copy of each function per 100 distributions running it", () => {
        const functions = ofType(plan, T.function);
        const associated = (fn: { inputs: Record<string, unknown> }) =>
            ofType(plan, T.distribution).filter((d) => JSON.stringify(d.inputs).includes(String(fn.inputs.name))).length;
        assert.ok(functions.length > 0);
        for (const fn of functions) assert.strictEqual(associated(fn), 100, fn.name);
        assert.deepStrictEqual(new Set(functions.map((f) => f.name.replace(/-2$/, ""))).size * 2, functions.length, "each code twice");
    });

    it("names the policies by content and group (stack, key, the stack's suffix) and lists them in the sharedPolicies output", () => {
        const caches = ofType(plan, T.cachePolicy);
        const key = caches[0].name;
        assert.match(key, /^cache-[0-9a-f]{8}$/);
        assert.deepStrictEqual(caches.map((c) => c.name), [key, `${key}-2`]);
        for (const c of caches) assert.match(String((c.inputs as any).name), new RegExp(`^test-${c.name}-[0-9a-f]{6}$`));
        const forwards = ofType(plan, T.originRequestPolicy);
        assert.deepStrictEqual(plan.outputs.sharedPolicies, Object.fromEntries([...caches, ...forwards].map((p) => [p.name, p.id])));
    });

    it("the key is the content's hash: PostHog US and EU share the policies, the key does not depend on key order", async () => {
        const mixed = await planConfig(stackOf([...posthogs(3, "us"), ...posthogs(3, "eu").map((p, i) => ({ ...p, name: `eu-${i}`, domain: `eu${i}.example.com` }))]));
        assert.deepStrictEqual([ofType(mixed, T.cachePolicy).length, ofType(mixed, T.originRequestPolicy).length], [1, 1]);
        assert.strictEqual(sharedKey("cache", { a: 1, b: [2, 3] }), sharedKey("cache", { b: [2, 3], a: 1 }));
        assert.notStrictEqual(sharedKey("cache", { a: 1 }), sharedKey("origin-request", { a: 1 }));
    });

    it("upgrading keeps the first proxy's own policies: the shared ones take their former URNs as aliases", async () => {
        const policyPlan = await planConfigForPolicies(stackOf(posthogs(3)), "test");
        // Under the proxy's CloudFrontProxy where it is now (under its FirstPartyProxy), and where that component was
        // before FirstPartyProxy (at the stack's root), which is where the policies were created.
        const formerUrns = (kind: string, type: string) => [
            `urn:pulumi:test::first-party-proxy::first-party-proxy:index:FirstPartyProxy$first-party-proxy:aws:CloudFrontProxy$${type}::ph-0-${kind}-1`,
            `urn:pulumi:test::first-party-proxy::first-party-proxy:aws:CloudFrontProxy$${type}::ph-0-${kind}-1`,
        ];
        const cache = policyPlan.resources.find((r) => r.type === T.cachePolicy)!;
        const forward = policyPlan.resources.find((r) => r.type === T.originRequestPolicy)!;
        assert.deepStrictEqual(policyPlan.options.get(cache.urn)!.aliases, formerUrns("cache", T.cachePolicy));
        assert.deepStrictEqual(policyPlan.options.get(forward.urn)!.aliases, formerUrns("origin-request", T.originRequestPolicy));
    });

    it("a stack given another stack's policies by key (cloudfront.sharedPolicies) creates none and references those ids", async () => {
        const cache = ofType(plan, T.cachePolicy)[0];
        const forward = ofType(plan, T.originRequestPolicy)[0];
        const ids = { [cache.name]: "11111111-2222-4333-8444-555555555555", [forward.name]: "66666666-7777-4888-9999-000000000000" };
        const second = await planConfig(stackOf(posthogs(5), { sharedPolicies: ids }), "second");
        assert.deepStrictEqual([ofType(second, T.cachePolicy).length, ofType(second, T.originRequestPolicy).length], [0, 0]);
        const { cache: cacheIds, originRequest } = referencedIds(second);
        assert.ok(cacheIds.has(ids[cache.name]) && originRequest.has(ids[forward.name]));
        assert.deepStrictEqual(second.outputs.sharedPolicies, {}, "it created nothing to share");
    });
});
