/*
 * Program scale: how long the offline plan (the whole program under Pulumi's mocks) takes and how much memory it
 * needs for stacks of 1 to 1,000 proxies, on each CDN, with the resources per proxy and what each size takes of the
 * providers' quotas. Each size runs in a fresh child process
 * (bench/planOnce.ts), so that module loading, JIT warm-up and the heap start from zero every time.
 */
import os from "node:os";
import path from "node:path";
import { quotaIds } from "../components/quotas/limits";
import { TestConfig } from "../test/helpers/plan";
import { startChild, stopChild } from "./children";
import { FloorSample } from "./planFloor";

/** The Node options every plan runs with (`npm run plan`, the bin, the stack program through Pulumi.yaml). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const planNodeOptions: readonly string[] = require("../bin/planNodeOptions");

/** The stacks planned: CloudFront, Cloudflare Workers with a script per site (the default), and with shared scripts. */
export const benchStacks = ["aws", "cloudflare", "cloudflare-shared-scripts"] as const;
export type CdnProvider = (typeof benchStacks)[number];

export const benchZone = "example.com";
const accountId = "0123456789abcdef0123456789abcdef";

/** Every quota raised far beyond any size here, as an account that asked for more would have them. */
export const raisedQuotas = Object.fromEntries(quotaIds.map((id) => [id, 1_000_000]));

/**
 * The config of a stack with `n` proxies: a rotation of PostHog (US and EU), Segment on one host, Amplitude, Segment
 * on two hosts and VTEX, every hostname in one zone, with neutral labels (no ad-blocker warnings). `quotas` says
 * what the account allows: the providers' defaults (`{}`, which refuses the larger sizes, naming the quota) or
 * `raisedQuotas` (to time the plan itself at every size).
 */
export function scaleConfig(n: number, provider: CdnProvider, quotas: Record<string, number> = raisedQuotas): TestConfig {
    const host = (label: string, i: number) => `${label}${i}.${benchZone}`;
    const proxies = Array.from({ length: n }, (_, i) => {
        switch (i % 5) {
            case 0:
                return { vendor: "posthog", region: i % 2 === 0 ? "us" : "eu", domain: host("e", i) };
            case 1:
                return { vendor: "segment", domain: host("s", i) };
            case 2:
                return { vendor: "amplitude", domain: host("r", i), products: ["sessionReplay"] };
            case 3:
                return { vendor: "segment", cdnDomain: host("c", i), apiDomain: host("a", i) };
            default:
                return { vendor: "vtex", domain: host("www", i) };
        }
    });
    return provider === "aws"
        ? { provider, dns: { provider: "route53", zone: benchZone }, proxies, quotas }
        : {
              provider: "cloudflare",
              dns: { provider: "cloudflare", zone: benchZone },
              cloudflare: { accountId, mode: "worker", ...(provider === "cloudflare-shared-scripts" ? { workerScripts: "shared" } : {}) },
              proxies,
              quotas,
          };
}

/** What a stack takes of one quota, against the provider's default. */
export interface QuotaSample {
    readonly id: string;
    readonly count: number;
    readonly defaultLimit: number;
}

/** What one child reports (bench/planOnce.ts prints it as one JSON line). */
export interface PlanSample {
    readonly provider: CdnProvider;
    readonly proxies: number;
    /** Resources registered (components included). */
    readonly resources: number;
    /** The plan itself: from the program's start to its last resolved output. */
    readonly planMs: number;
    /**
     * CPU time (user and system, every thread of the process: GC included) over the same span. On a machine shared
     * with other work, plan time stretches with the load; CPU time much less.
     */
    readonly planCpuMs: number;
    /** Peak resident memory of the whole child process. */
    readonly maxRssBytes: number;
    readonly heapUsedBytes: number;
    /** Each quota of the CDN: what the stack takes, and the default (over it: a default account refuses the stack). */
    readonly quotas: readonly QuotaSample[];
    /** The same resources registered bare in the same process, after the plan (sizes up to `floorSizesUpTo`). */
    readonly floor?: FloorSample;
}

/** The sizes whose Pulumi floor is measured too: it about doubles a size's time, so only the smaller ones. */
export const floorSizesUpTo = 200;

export type PlanOutcome =
    | ({ readonly ok: true; /** Child process wall time, module loading included. */ readonly wallMs: number } & PlanSample)
    | { readonly ok: false; readonly provider: CdnProvider; readonly proxies: number; readonly error: string };

/** Plans a stack of `n` proxies on `provider` in a fresh Node process. */
export function planInChild(projectDir: string, n: number, provider: CdnProvider, timeoutMs = 120_000): Promise<PlanOutcome> {
    const started = performance.now();
    return new Promise((resolve) => {
        const child = startChild(
            process.execPath,
            [...planNodeOptions, "-r", "ts-node/register/transpile-only", path.join(projectDir, "bench", "planOnce.ts"), String(n), provider, ...(n <= floorSizesUpTo ? ["floor"] : [])],
            { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] },
        );
        const timer = setTimeout(() => void stopChild(child), timeoutMs);
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d: Buffer) => (stdout += d));
        child.stderr!.on("data", (d: Buffer) => (stderr += d));
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const wallMs = performance.now() - started;
            const line = stdout.trim().split("\n").pop() ?? "";
            if (code === 0) {
                try {
                    resolve({ ok: true, wallMs, ...(JSON.parse(line) as PlanSample) });
                    return;
                } catch {
                    // Fall through to the error below.
                }
            }
            const reason = signal ? `stopped by ${signal} after ${Math.round(wallMs / 1000)} s (time limit ${Math.round(timeoutMs / 1000)} s)` : `exit ${code}`;
            resolve({ ok: false, provider, proxies: n, error: `${reason}: ${firstLines(stderr || stdout)}` });
        });
    });
}

function firstLines(text: string): string {
    return text.trim().split("\n").slice(0, 3).join(" / ").slice(0, 300);
}

export interface ScaleSummary {
    readonly provider: CdnProvider;
    readonly samples: readonly PlanOutcome[];
    /** The machine's 1-minute load average before the first size and after the last: plan times follow it. */
    readonly loadAverage: readonly [number, number];
    /** Plan time per proxy at the largest size over the same at 10 proxies; linear growth keeps it near 1. */
    readonly growthRatio?: number;
}

/** Plans every size on `provider`, smallest first; stops at the first failure (the rest would fail the same way). */
export async function planScale(
    projectDir: string,
    provider: CdnProvider,
    sizes: readonly number[],
    timeLimitMs: () => number = () => 120_000,
): Promise<ScaleSummary> {
    const samples: PlanOutcome[] = [];
    const loadBefore = os.loadavg()[0];
    for (const n of sizes) {
        const outcome = await planInChild(projectDir, n, provider, timeLimitMs());
        samples.push(outcome);
        process.stderr.write(
            outcome.ok
                ? `  plan ${provider} ${n} proxies: ${Math.round(outcome.planMs)} ms (CPU ${Math.round(outcome.planCpuMs)} ms), ${outcome.resources} resources, max RSS ${Math.round(outcome.maxRssBytes / 2 ** 20)} MiB\n`
                : `  plan ${provider} ${n} proxies: FAILED ${outcome.error}\n`,
        );
        if (!outcome.ok) break;
    }
    return { provider, samples, loadAverage: [loadBefore, os.loadavg()[0]], growthRatio: growthRatio(samples) };
}

/** (plan ms / proxy at the largest size) / (plan ms / proxy at 10), or undefined without both. */
export function growthRatio(samples: readonly PlanOutcome[]): number | undefined {
    const ok = samples.filter((s): s is Extract<PlanOutcome, { ok: true }> => s.ok);
    const at10 = ok.find((s) => s.proxies === 10);
    const largest = ok.reduce<(typeof ok)[number] | undefined>((a, s) => (!a || s.proxies > a.proxies ? s : a), undefined);
    if (!at10 || !largest || largest.proxies <= 10) return undefined;
    return largest.planMs / largest.proxies / (at10.planMs / at10.proxies);
}
