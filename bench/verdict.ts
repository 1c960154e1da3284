import path from "node:path";
import { PlanOutcome, ScaleSummary } from "./planScale";
import { BenchResults, budgetedSeconds, cpuTargetShare, instructionTargetShare, planMemoryTarget, planSecondsTarget, targetChecks } from "./report";

/** The committed report, rewritten only with --update-report. */
export const committedReport = path.join("bench", "results.md");
/** Where a run writes its report unless told otherwise: git ignores bench/.work/, so a run leaves the tree clean. */
export const defaultReport = path.join("bench", ".work", "results.md");

/** The report file a run writes, from --out and --update-report. */
export function reportPath(projectDir: string, options: { readonly out?: string; readonly updateReport?: boolean }): string {
    if (options.out !== undefined && options.updateReport) throw new Error("give --out <file> or --update-report, not both");
    return path.resolve(projectDir, options.out ?? (options.updateReport ? committedReport : defaultReport));
}

/**
 * Every target the run missed, one line each: the Worker against the bare Worker (CPU per request and steady-state
 * instructions, per vendor and workload; see report.ts), the program's scale, and the time budget. Empty when all passed. `npm run bench` exits
 * non-zero unless this is empty (or --report-only is given).
 */
export function failedTargets(r: BenchResults): string[] {
    const failed: string[] = [];
    const checks = targetChecks(r.workloads, r.instructions);
    if (checks.length === 0) failed.push("no Worker target was measured (no bare Worker rounds)");
    const pct = (n: number) => (Number.isNaN(n) ? "not measured" : `${Math.round(n * 100)}%`);
    for (const c of checks) {
        if (!c.cpuPass) failed.push(`${c.vendor} ${c.workload}: CPU per request, bare / ours ${pct(c.cpuRatio)} (target ${pct(cpuTargetShare)})`);
        if (!c.instructionPass) {
            failed.push(
                `${c.vendor} ${c.workload}: instructions per request, bare / ours ${pct(c.instructionRatio)} (target ${pct(instructionTargetShare)})` +
                    (r.instructions.skipped ? `: ${r.instructions.skipped}` : ""),
            );
        }
    }
    failed.push(...failedPlanTargets(r.plan));
    // The report's streaming verdict: our Worker passes a large POST through whole without buffering it.
    const ours = r.streaming.find((s) => s.label.startsWith("our Worker"));
    if (ours && ours.rssPeakBytes !== undefined && ours.rssBeforeBytes !== undefined) {
        const share = (ours.rssPeakBytes - ours.rssBeforeBytes) / ours.bodyBytes;
        if (!(ours.status === 200 && ours.originReceived === ours.bodyBytes && share < 0.25)) {
            failed.push(`streaming: our Worker ${ours.status === 200 && ours.originReceived === ours.bodyBytes ? `grew ${Math.round(share * 100)}% of the body in memory (target under 25%)` : `did not pass the body through whole (status ${ours.status ?? "none"}, origin received ${ours.originReceived ?? 0} of ${ours.bodyBytes} bytes)`}`);
        }
    }
    const budgeted = budgetedSeconds(r);
    if (budgeted >= r.budgetSeconds) failed.push(`the bench took ${Math.round(budgeted)} s without the test suite and instruction counts (budget ${r.budgetSeconds} s)`);
    return failed;
}

/** The program-scale targets missed (issue 17): the largest size's plan time and peak memory, and linear growth. */
export function failedPlanTargets(plan: readonly ScaleSummary[]): string[] {
    const failed: string[] = [];
    for (const s of plan) {
        const ok = s.samples.filter((x): x is Extract<PlanOutcome, { ok: true }> => x.ok);
        const largest = ok[ok.length - 1];
        if (!largest) {
            failed.push(`program scale, ${s.provider}: no plan succeeded`);
            continue;
        }
        if (largest.planMs / 1000 >= planSecondsTarget) failed.push(`program scale, ${s.provider}: ${largest.proxies} proxies took ${(largest.planMs / 1000).toFixed(1)} s to plan (target under ${planSecondsTarget} s)`);
        if (largest.maxRssBytes >= planMemoryTarget) failed.push(`program scale, ${s.provider}: ${largest.proxies} proxies peaked at ${Math.round(largest.maxRssBytes / 2 ** 20)} MiB resident (target under ${planMemoryTarget / 2 ** 20} MiB)`);
        if (s.growthRatio !== undefined && s.growthRatio > 2) failed.push(`program scale, ${s.provider}: plan time per proxy grew ${s.growthRatio.toFixed(2)}× from 10 proxies (target within 2×)`);
    }
    return failed;
}
