import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { Measurement, workloads } from "../../bench/load";
import { growthRatio, PlanOutcome, ScaleSummary } from "../../bench/planScale";
import { BenchResults, programScaleHeading, renderProgramScaleSection, renderReport, spliceProgramScale, WorkloadResults } from "../../bench/report";
import { Variant } from "../../bench/variants";
import { committedReport, failedPlanTargets, failedTargets, reportPath } from "../../bench/verdict";

const root = path.resolve(__dirname, "../..");

/** One round of load at `rps` requests a second, `cpuUs` of Worker CPU per request. */
const round = (rps: number, cpuUs: number): Measurement => ({
    requests: rps * 2,
    failures: 0,
    seconds: 2,
    rps,
    p50Ms: 5,
    p99Ms: 20,
    proxyCpuUs: cpuUs,
    originCpuUs: 10,
    othersCpuShare: 0,
});

const bare: Variant = { id: "bare", label: "bare Worker", kind: "bare", vendor: "posthog" } as Variant;
const ours: Variant = { id: "posthog", label: "our Worker (PostHog)", kind: "ours", vendor: "posthog" } as Variant;

/** A run whose Worker keeps `share` of the bare Worker's throughput, CPU per request and instructions per request. */
function results(share: number): BenchResults {
    const workload: WorkloadResults = {
        workload: workloads[0],
        settings: { rounds: 3, durationSec: 2, connections: 50 },
        runs: [
            { variant: bare, path: "/e/", rounds: [round(1000, 100), round(1000, 100), round(1000, 100)] },
            { variant: ours, path: "/e/", rounds: [1, 2, 3].map(() => round(1000 * share, 100 / share)) },
        ],
    };
    return {
        machine: { cpuModel: "test", cores: 2, memoryBytes: 2 ** 30, kernel: "k", node: "v20", workerd: "w", nginx: "none", autocannon: "a", commit: "c", date: new Date(0).toISOString(), loadAverage: [0, 0] },
        workloads: [workload],
        instructions: {
            warmup: 3000,
            requests: 500,
            rounds: 3,
            runs: [{ workload: workloads[0].id, vendor: "posthog", bare: [400_000, 400_000, 400_000], ours: [1, 2, 3].map(() => 400_000 / share) }],
        },
        streaming: [],
        plan: [],
        testSuite: { note: "skipped" },
        totalSeconds: 100,
        budgetSeconds: 300,
        sections: [],
        problems: [],
    };
}

describe("bench verdict: what the exit status follows", () => {
    it("no failed target when the Worker keeps its share; the report says PASS", () => {
        const r = results(0.99);
        assert.deepStrictEqual(failedTargets(r), []);
        assert.match(renderReport(r), /Overall: CPU per request PASS, instructions PASS/);
    });

    it("names every failed target the report marks FAIL", () => {
        const r = results(0.8);
        const failed = failedTargets(r);
        assert.match(renderReport(r), /Overall: CPU per request FAIL, instructions FAIL/);
        assert.deepStrictEqual(failed.length, 2, failed.join("\n"));
        assert.match(failed[0], /posthog .*CPU per request, bare \/ ours 80% \(target 95%\)/);
        assert.match(failed[1], /posthog .*instructions per request, bare \/ ours 80% \(target 88%\)/);
    });

    it("holds CPU to 95% and instructions to 88%; throughput is not a target", () => {
        const failed = failedTargets(results(0.9));
        assert.deepStrictEqual(failed.length, 1, failed.join("\n"));
        assert.match(failed[0], /CPU per request, bare \/ ours 90% \(target 95%\)/);
    });

    it("instructions not counted fail their target, with the reason", () => {
        const r = results(0.99);
        const failed = failedTargets({ ...r, instructions: { ...r.instructions, runs: [], skipped: "valgrind is not installed" } });
        assert.deepStrictEqual(failed, ["posthog event: instructions per request, bare / ours not measured (target 88%): valgrind is not installed"]);
    });

    it("a run over its time budget fails", () => {
        const r = { ...results(0.99), totalSeconds: 400 };
        assert.match(failedTargets(r).join("\n"), /400 s without the test suite and instruction counts \(budget 300 s\)/);
    });

    it("writes to a git-ignored path unless asked to update the committed report", () => {
        const fallback = reportPath(root, {});
        assert.notStrictEqual(fallback, path.join(root, committedReport));
        const ignored = execFileSync("git", ["check-ignore", "-q", "--no-index", path.relative(root, fallback)], { cwd: root, stdio: "pipe" });
        assert.strictEqual(ignored.length, 0, "git check-ignore exits 0 for an ignored path");
        assert.strictEqual(reportPath(root, { updateReport: true }), path.join(root, committedReport));
        assert.strictEqual(reportPath(root, { out: "/tmp/r.md" }), "/tmp/r.md");
        assert.throws(() => reportPath(root, { out: "x.md", updateReport: true }), /--out <file> or --update-report, not both/);
    });

    it("our Worker buffering a streamed body fails, as the report's streaming verdict does", () => {
        const stream = (peak: number) => ({ label: "our Worker (PostHog)", bodyBytes: 64 * 2 ** 20, status: 200, originReceived: 64 * 2 ** 20, seconds: 1, mibPerSecond: 64, rssBeforeBytes: 50 * 2 ** 20, rssPeakBytes: peak });
        const streaming = { ...results(0.99), streaming: [stream(52 * 2 ** 20)] };
        const buffering = { ...results(0.99), streaming: [stream(120 * 2 ** 20)] };
        assert.match(renderReport(streaming), /Our Worker streams .*: PASS/);
        assert.doesNotMatch(failedTargets(streaming).join("\n"), /streaming/);
        assert.match(renderReport(buffering), /Our Worker streams .*: FAIL/);
        assert.match(failedTargets(buffering).join("\n"), /streaming: our Worker grew 109% of the body in memory \(target under 25%\)/);
    });

    describe("program scale", () => {
        const sample = (proxies: number, planMs: number, maxRssBytes: number): PlanOutcome => ({
            ok: true,
            wallMs: planMs + 2000,
            provider: "aws",
            proxies,
            resources: proxies * 8,
            planMs,
            planCpuMs: planMs * 0.8,
            maxRssBytes,
            heapUsedBytes: maxRssBytes / 2,
            quotas: [{ id: "cloudfrontDistributions", count: proxies, defaultLimit: 500 }],
            ...(proxies <= 200 ? { floor: { resources: proxies * 8, ms: planMs / 2, cpuMs: planMs * 0.4 } } : {}),
        });
        const scale = (largest: PlanOutcome): ScaleSummary => {
            const samples = [sample(10, 100, 200 * 2 ** 20), largest];
            return { provider: "aws", samples, loadAverage: [1.5, 2.5], growthRatio: growthRatio(samples) };
        };

        it("holds the largest size to 15 s and 1 GiB, and growth from 10 proxies to 2×", () => {
            assert.deepStrictEqual(failedPlanTargets([scale(sample(1000, 9_000, 900 * 2 ** 20))]), []);
            assert.deepStrictEqual(failedPlanTargets([scale(sample(1000, 16_000, 1200 * 2 ** 20))]), [
                "program scale, aws: 1000 proxies took 16.0 s to plan (target under 15 s)",
                "program scale, aws: 1000 proxies peaked at 1200 MiB resident (target under 1024 MiB)",
            ]);
            assert.match(failedPlanTargets([scale(sample(1000, 25_000, 500 * 2 ** 20))]).join("\n"), /grew 2\.50× from 10 proxies/);
        });

        it("--only program-scale rewrites the committed report's program-scale section and nothing else", () => {
            const section = renderProgramScaleSection([scale(sample(1000, 9_000, 900 * 2 ** 20))], { date: "2026-11-30T07:00:00.000Z", commit: "abc1234" });
            const old = [
                "# Benchmark results",
                "",
                "## Targets",
                "",
                "Overall: CPU per request PASS.",
                "",
                "Program scale, aws: 200 proxies plan in 7.7 s (under 60 s: PASS).",
                "",
                "## Streaming a large body",
                "",
                "streamed.",
                "",
                programScaleHeading,
                "",
                "| aws | 200 | old row |",
                "",
                "## Run time",
                "",
                "| total | 233 |",
                "",
            ].join("\n");
            const updated = spliceProgramScale(old, section);
            assert.match(updated, /## Targets\n\nOverall: CPU per request PASS\.\n\n## Streaming a large body\n\nstreamed\.\n\n## Program scale/, "the Worker targets and streaming kept, the stale verdict gone");
            assert.match(updated, /Measured on 2026-11-30T07:00:00\.000Z, commit abc1234\./);
            assert.match(updated, /Program scale, aws: 1000 proxies plan in 9\.0 s \(under 15 s: PASS; CPU time 7\.2 s\) with a peak RSS of 900\.0 MiB \(under 1 GiB: PASS\)/);
            assert.match(updated, /\| aws \| 1000 \| 8000 \| 8\.0 \| 9\.00 \| 7\.20 \| – \| – \| 9 \| 11\.0 \| 900\.0 MiB \| 450\.0 MiB \|/);
            assert.match(updated, /\| aws \| 10 \| 80 \| 8\.0 \| 0\.10 \| 0\.08 \| 0\.04 \| 2\.00× \| 10 \| 2\.1 \| 200\.0 MiB \| 100\.0 MiB \|/, "a smaller size shows the same resources registered bare");
            assert.match(updated, /Load average \(1 min\) before the first size \/ after the last: aws 1\.50 \/ 2\.50\./);
            assert.doesNotMatch(updated, /old row|200 proxies plan in 7\.7 s/);
            assert.match(updated, /\n## Run time\n\n\| total \| 233 \|\n$/, "the sections after it kept");
            assert.strictEqual(spliceProgramScale(updated, section), updated, "rewriting with the same section changes nothing");
            const withoutSection = spliceProgramScale("# Benchmark results\n\n## Run time\n\n| total | 1 |\n", section);
            assert.match(withoutSection, /# Benchmark results\n\n## Program scale[^]*\n## Run time\n/, "added before the run time when the report had none");
        });
    });
});
