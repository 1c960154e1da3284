import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { Measurement, workloads } from "../../bench/load";
import { BenchResults, renderReport, WorkloadResults } from "../../bench/report";
import { Variant } from "../../bench/variants";
import { committedReport, failedTargets, reportPath } from "../../bench/verdict";

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

/** A run whose Worker keeps `share` of the bare Worker's throughput and CPU per request. */
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
        assert.match(renderReport(r), /Overall: throughput PASS, CPU per request PASS/);
    });

    it("names every failed target the report marks FAIL", () => {
        const r = results(0.8);
        const failed = failedTargets(r);
        assert.match(renderReport(r), /Overall: throughput FAIL, CPU per request FAIL/);
        assert.deepStrictEqual(failed.length, 2, failed.join("\n"));
        assert.match(failed[0], /posthog .*throughput 80% of the bare Worker's \(target 95%\)/);
        assert.match(failed[1], /posthog .*CPU per request, bare \/ ours 80%/);
    });

    it("a run over its time budget fails", () => {
        const r = { ...results(0.99), totalSeconds: 400 };
        assert.match(failedTargets(r).join("\n"), /400 s without the test suite \(budget 300 s\)/);
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
});
