/*
 * One program-scale sample, in its own process: plans a generated stack of <n> proxies on <provider> under Pulumi's
 * mocks and prints one JSON line (PlanSample). Used by bench/planScale.ts; runnable alone:
 *
 *   node --max-semi-space-size=64 -r ts-node/register/transpile-only bench/planOnce.ts 200 aws [floor]
 *
 * (with the options of bin/planNodeOptions.js, as `npm run plan` has them)
 *
 * With `floor`, the same process then registers the plan's resources bare (bench/planFloor.ts): Pulumi's own share.
 */
import { project, proxyRequests } from "../components/config/load";
import { stackConfigSchema } from "../components/config/schema";
import { buildProxySpec } from "../components/model/proxySpec";
import { quotaStatus } from "../components/quotas/check";
import { planConfig } from "../test/helpers/plan";
import { planFloor } from "./planFloor";
import { benchStacks, CdnProvider, PlanSample, QuotaSample, scaleConfig } from "./planScale";

async function main(): Promise<void> {
    const n = Number(process.argv[2]);
    const provider = process.argv[3] as CdnProvider;
    const floor = process.argv[4] === "floor";
    if (!Number.isInteger(n) || n < 1 || !benchStacks.includes(provider) || (process.argv[4] !== undefined && !floor)) {
        throw new Error(`usage: bench/planOnce.ts <proxies> <${benchStacks.join("|")}> [floor]`);
    }
    const config = scaleConfig(n, provider);
    const quotas = defaultQuotaUse(n, provider);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const plan = await planConfig(config, `bench-${n}`);
    const planMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    const heapUsedBytes = process.memoryUsage().heapUsed;
    const sample: PlanSample = {
        provider,
        proxies: n,
        resources: plan.resources.length,
        planMs,
        // cpuUsage() is in microseconds.
        planCpuMs: (cpu.user + cpu.system) / 1000,
        // resourceUsage().maxRSS is in KiB.
        maxRssBytes,
        heapUsedBytes,
        quotas,
        ...(floor ? { floor: await planFloor(plan, project, `bench-${n}`) } : {}),
    };
    process.stdout.write(JSON.stringify(sample) + "\n");
}

/** What the stack takes of each quota, against the providers' defaults (as if no quota had been raised). */
function defaultQuotaUse(n: number, provider: CdnProvider): QuotaSample[] {
    const config = stackConfigSchema.parse(scaleConfig(n, provider, {}));
    return quotaStatus(config, proxyRequests(config, "test").map(buildProxySpec)).map((s) => ({ id: s.id, count: s.count, defaultLimit: s.limit }));
}

main().then(
    () => process.exit(0),
    (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
