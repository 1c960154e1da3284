import * as assert from "assert";
import { proxiesPerBatch } from "../../components/stack";
import { planProgram } from "../../components/plan/mockPlan";
import { project } from "../../components/config/load";
import { quotaIds } from "../../components/quotas/limits";
import { buildStack } from "../../components/stack";
import { flattenConfig, TestConfig } from "../helpers/plan";

/*
 * The stack program creates its proxies in batches, yielding to the event loop between them, so that Pulumi can
 * answer the registrations of one batch before the next is made: what a large stack holds in flight (an Output with
 * its promises per output property of every resource waiting for its answer) stays bounded by a batch, instead of
 * growing with the stack (bench/results.md, Program scale, measures the memory this saves).
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require("@pulumi/pulumi/runtime/settings");

/**
 * Plans `config`, tracking Pulumi's operations under way (each resource from its construction to its registration's
 * answer, each invoke, each component's outputs: what Pulumi's runtime keeps the program alive for); returns the
 * most at once and the total.
 */
async function inFlight(config: TestConfig): Promise<{ most: number; total: number }> {
    let waiting = 0;
    let most = 0;
    let total = 0;
    const keepAlive = runtimeSettings.rpcKeepAlive;
    runtimeSettings.rpcKeepAlive = () => {
        total++;
        most = Math.max(most, ++waiting);
        const done: () => void = keepAlive();
        return () => {
            waiting--;
            done();
        };
    };
    try {
        await planProgram(flattenConfig(config), () => buildStack(), { project, stack: "batches" });
    } finally {
        runtimeSettings.rpcKeepAlive = keepAlive;
    }
    return { most, total };
}

const host = (i: number) => `e${i}.example.com`;

describe("the stack program creates its proxies in batches", () => {
    const raised = Object.fromEntries(quotaIds.map((id) => [id, 100_000]));
    const proxies = (n: number) =>
        Array.from({ length: n }, (_, i) => (i % 2 === 0 ? { vendor: "posthog", domain: host(i) } : { vendor: "vtex", domain: `www${i}.example.com` }));

    for (const [cdn, base, waitingPerProxy] of [
        ["CloudFront", { provider: "aws", dns: { provider: "route53", zone: "example.com" } }, 0],
        // Each hostname's record waits for the zone's shared rules (it turns proxied only once they exist), and those
        // settle after the last batch: one registration per proxy stays in flight until then.
        ["Cloudflare Workers", { provider: "cloudflare", dns: { provider: "cloudflare", zone: "example.com" }, cloudflare: { accountId: "0123456789abcdef0123456789abcdef" } }, 1],
    ] as const) {
        it(`${cdn}: registrations in flight stay within one batch of proxies${waitingPerProxy ? " (and each proxy's record waiting for the zone's rules)" : ""}, however many the stack has`, async () => {
            // The quotas are not what this is about: as an account that raised them all.
            const small = await inFlight({ ...base, quotas: raised, proxies: proxies(proxiesPerBatch) });
            const large = await inFlight({ ...base, quotas: raised, proxies: proxies(proxiesPerBatch * 8) });
            assert.ok(large.total > 7 * small.total, `the large stack registers ${large.total}, the small ${small.total}`);
            // Give or take the few shared resources (policies, functions, rulesets) a later batch is the first to need.
            const bound = small.most + 10 + waitingPerProxy * proxiesPerBatch * 7;
            assert.ok(large.most <= bound, `${large.most} in flight at once with ${proxiesPerBatch * 8} proxies (of ${large.total}); ${small.most} with ${proxiesPerBatch}`);
            assert.ok(large.most < large.total / 3, `${large.most} of ${large.total} in flight at once`);
        });
    }
});
