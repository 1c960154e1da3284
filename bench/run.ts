/*
 * `npm run bench`: proxy overhead (direct, nginx, bare Worker, our Worker per vendor, Miniflare), streaming of a
 * large body, steady-state instruction counts of the Workers (callgrind), program scale (offline plan of 1-1,000
 * proxies per CDN) and the test suite's wall time; writes bench/results.md. Everything runs against 127.0.0.1, within
 * a 5-minute budget (the instruction counts and the test suite aside), and every child process is stopped on the way
 * out, error or not.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { callgrindAvailable, countInstructions } from "./callgrind";
import { startChild, stopAllChildren, stopChild } from "./children";
import { LoadOptions, measure, Measurement, Target, Workload, workloads } from "./load";
import { ensureNginx, nginxVersion, RunningNginx, startNginx } from "./nginx";
import { OriginProcess, startOrigin } from "./origin";
import { benchStacks, planScale, ScaleSummary } from "./planScale";
import {
    BenchResults,
    InstructionResults,
    LoadSettings,
    MachineInfo,
    renderProgramScaleSection,
    renderReport,
    spliceProgramScale,
    TestSuiteResult,
    VariantRuns,
    WorkloadResults,
} from "./report";
import { streamPost, StreamResult } from "./stream";
import { committedReport, defaultReport, failedPlanTargets, failedTargets, reportPath } from "./verdict";
import {
    ablationVariants,
    bareVariant,
    directVariant,
    miniflareVariant,
    nginxVariant,
    ourVariants,
    Variant,
    variantPath,
    vendorHost,
    vendorSite,
    WorkerVendor,
} from "./variants";
import { bareWorkerBundle, proxyWorkerBundle, RunningWorker, startMiniflare, startWorkerd, workerdVersion } from "./workerd";

const projectDir = path.resolve(__dirname, "..");
const workRoot = path.join(projectDir, "bench", ".work");
/** Everything but the test suite must finish within this; the test suite has its own limit. */
const budgetMs = 5 * 60 * 1000;
const testSuiteLimitMs = 5 * 60 * 1000;
const streamBytes = 64 * 2 ** 20;
const planSizes = [1, 10, 100, 200, 500, 1000] as const;

interface Options {
    readonly rounds: number;
    readonly seconds: number;
    readonly connections: number;
    readonly skipTestSuite: boolean;
    readonly out: string;
    /** Exit 0 even when a target fails. */
    readonly reportOnly: boolean;
}


const cli = new Command("bench")
    .description(
        "Benchmark the proxies on 127.0.0.1 and write the report to bench/.work/results.md (git-ignored; --update-report " +
            "rewrites the committed bench/results.md): about 3-4 minutes, plus the test suite's own time (--skip-test-suite " +
            "to leave it out). Exits 1 when a target fails, unless --report-only.",
    )
    .option("--rounds <n>", "interleaved rounds per variant and workload", "5")
    .option("--seconds <s>", "seconds per round", "2")
    .option("--connections <n>", "concurrent connections of the load generator", "50")
    .option("--skip-test-suite", "do not time `npm test`")
    .option("--out <file>", `where to write the report (default ${defaultReport})`)
    .option("--update-report", `write the committed report, ${committedReport}`)
    .option("--report-only", "exit 0 even when a target fails (the report still says FAIL)")
    .option(
        "--only <part>",
        "run one part alone: program-scale (the offline plans of 1-1,000 proxies per CDN, about 2-4 minutes); with " +
            "--update-report it rewrites only that section of the committed report",
    );

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
    cli.parse();
    const raw = cli.opts<{ rounds: string; seconds: string; connections: string; skipTestSuite?: boolean; out?: string; updateReport?: boolean; reportOnly?: boolean; only?: string }>();
    if (raw.only !== undefined) {
        if (raw.only !== "program-scale") throw new Error(`--only takes program-scale, got ${JSON.stringify(raw.only)}`);
        await programScaleOnly(reportPath(projectDir, raw), raw.updateReport === true, raw.reportOnly === true);
        return;
    }
    const options: Options = {
        rounds: positiveInt(raw.rounds, "--rounds"),
        seconds: positiveInt(raw.seconds, "--seconds"),
        connections: positiveInt(raw.connections, "--connections"),
        skipTestSuite: raw.skipTestSuite === true,
        out: reportPath(projectDir, raw),
        reportOnly: raw.reportOnly === true,
    };
    const started = Date.now();
    const deadline = started + budgetMs;
    fs.rmSync(path.join(workRoot, "run"), { recursive: true, force: true });
    const problems: string[] = [];
    const sections: { name: string; seconds: number }[] = [];
    const nginx = ensureNginx(log);
    const nginxBin = nginx.bin;
    const nginxSkipped = nginx.bin === undefined ? nginx.reason : undefined;
    if (nginx.bin !== undefined && nginx.installed) sections.push({ name: "installing nginx (apt-get)", seconds: (Date.now() - started) / 1000 });

    const timed = async <T>(name: string, part: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
            return await part();
        } finally {
            sections.push({ name, seconds: (Date.now() - t0) / 1000 });
        }
    };

    const loadBefore = os.loadavg()[0];
    const origin = await startOrigin(projectDir);
    log(`bench: origin on ${origin.address}`);
    const proxyResults = await timed("proxy overhead (start-up, warm-up, rounds, Miniflare)", () => proxyOverhead(origin, nginxBin, options, problems));
    const loadAfter = os.loadavg()[0];
    const streaming = await timed("streaming", () => streamingCheck(origin, nginxBin, problems));
    const instructions = await timed("instruction counts (callgrind)", () => instructionCounts(origin, options, problems));
    await stopChild(origin.child);

    const plan = await timed("program scale", () => programScale(deadline, problems));
    const testSuite = options.skipTestSuite
        ? { note: "skipped with --skip-test-suite" }
        : await timed("test suite", () => timeTestSuite());

    const results: BenchResults = {
        machine: machineInfo(new Date(started), nginxBin, [loadBefore, loadAfter]),
        workloads: proxyResults,
        instructions,
        nginxSkipped,
        streaming,
        plan,
        testSuite,
        totalSeconds: (Date.now() - started) / 1000,
        budgetSeconds: budgetMs / 1000,
        sections,
        problems,
    };
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, renderReport(results));
    log(`bench: wrote ${path.relative(process.cwd(), options.out)} in ${Math.round(results.totalSeconds)} s`);
    const failed = failedTargets(results);
    for (const f of failed) log(`bench: FAIL ${f}`);
    if (failed.length > 0 && !options.reportOnly) {
        log(`bench: ${failed.length} target${failed.length === 1 ? "" : "s"} failed (exit 1; --report-only exits 0)`);
        process.exitCode = 1;
    }
}

/** Callgrind's counts: requests per workload before counting, per counted round, and rounds. */
const callgrindSettings = { warmup: 3000, requests: 500, rounds: 3, connections: 10 } as const;

/**
 * Steady-state instructions per request of the bare Worker and ours for each vendor and workload, under callgrind
 * (bench/callgrind.ts), two Workers at a time. Without valgrind the counts are skipped, and the instruction targets fail.
 */
async function instructionCounts(origin: OriginProcess, o: Options, problems: string[]): Promise<InstructionResults> {
    const base = { runs: [], ...callgrindSettings };
    if (!callgrindAvailable()) return { ...base, skipped: "valgrind is not installed (Debian: apt-get install -y valgrind)" };
    const options = { ...callgrindSettings, workloads, workerdBinary: path.join(projectDir, "node_modules", ".bin", "workerd") };
    const workers = [
        { id: "bare", vendor: "amplitude" as WorkerVendor, bundle: bareWorkerBundle() },
        ...ourVariants.map((v) => ({ id: v.vendor, vendor: v.vendor, bundle: proxyWorkerBundle(vendorSite(v.vendor)) })),
    ];
    const counts = new Map<string, Map<Workload["id"], number[]>>();
    try {
        const queue = [...workers];
        const job = async () => {
            for (let w = queue.shift(); w; w = queue.shift()) {
                const dir = path.join(workRoot, "run", `callgrind-${w.id}`);
                counts.set(w.id, await countInstructions(dir, w.bundle, w.vendor, origin.address, options, log));
            }
        };
        await Promise.all([job(), job()]);
    } catch (err) {
        problems.push(`instruction counts failed: ${String(err)}`);
        return { ...base, skipped: `counting failed (${String(err)})` };
    }
    const bare = counts.get("bare")!;
    const runs = ourVariants.flatMap((v) =>
        workloads.map((w) => ({ workload: w.id, vendor: v.vendor, bare: bare.get(w.id) ?? [], ours: counts.get(v.vendor)?.get(w.id) ?? [] })),
    );
    return { ...base, runs };
}

/** Starts every proxy, runs the interleaved rounds of both workloads, then Miniflare once, and stops them all. */
async function proxyOverhead(origin: OriginProcess, nginxBin: string | undefined, o: Options, problems: string[]): Promise<WorkloadResults[]> {
    const targets = new Map<string, Omit<Target, "path">>();
    const stops: (() => Promise<void>)[] = [];
    const load: LoadOptions = { connections: o.connections, durationSec: o.seconds };
    const settings: LoadSettings = { rounds: o.rounds, durationSec: o.seconds, connections: o.connections };
    try {
        targets.set(directVariant.id, { port: origin.port, host: vendorHost.amplitude, proxyPids: [], originPid: origin.pid });
        if (nginxBin) {
            try {
                const nginx: RunningNginx = await startNginx(nginxBin, path.join(workRoot, "run", "nginx"), origin.address);
                stops.push(nginx.stop);
                targets.set(nginxVariant.id, { port: nginx.port, host: vendorHost.amplitude, proxyPids: nginx.pids, originPid: origin.pid });
            } catch (err) {
                problems.push(`nginx did not start, its rows are missing: ${String(err)}`);
            }
        }
        const bare = await startWorkerd(projectDir, path.join(workRoot, "run", "bare"), bareWorkerBundle(), origin.address);
        stops.push(bare.stop);
        targets.set(bareVariant.id, { port: bare.port, host: vendorHost.amplitude, proxyPids: [bare.pid], originPid: origin.pid });
        for (const v of ourVariants) {
            const worker = await startWorkerd(projectDir, path.join(workRoot, "run", v.id), proxyWorkerBundle(vendorSite(v.vendor)), origin.address);
            stops.push(worker.stop);
            targets.set(v.id, { port: worker.port, host: vendorHost[v.vendor], proxyPids: [worker.pid], originPid: origin.pid });
        }
        for (const v of ablationVariants) {
            const bundle = proxyWorkerBundle(vendorSite(v.vendor), v.feature!.off);
            const worker = await startWorkerd(projectDir, path.join(workRoot, "run", v.id), bundle, origin.address);
            stops.push(worker.stop);
            targets.set(v.id, { port: worker.port, host: vendorHost[v.vendor], proxyPids: [worker.pid], originPid: origin.pid });
        }
        const variants = [directVariant, nginxVariant, bareVariant, ...ourVariants, ...ablationVariants].filter((v) => targets.has(v.id));
        const target = (v: Variant, w: Workload): Target => ({ ...targets.get(v.id)!, path: variantPath(v, w) });

        log(`bench: warming up ${variants.length} variants`);
        for (const v of variants) await measure(target(v, workloads[0]), workloads[0], { ...load, durationSec: 1 });

        const measured: { workload: Workload; runs: VariantRuns[] }[] = [];
        for (const w of workloads) {
            const inWorkload = variants.filter((v) => v.feature?.appliesTo?.(w) ?? true);
            const runs = new Map<string, { variant: Variant; path: string; rounds: Measurement[] }>(
                inWorkload.map((v) => [v.id, { variant: v, path: variantPath(v, w), rounds: [] }]),
            );
            for (let round = 0; round < o.rounds; round++) {
                // Rotate the order every round, so that no variant always runs right after the same other one.
                const order = inWorkload.map((_, i) => inWorkload[(i + round) % inWorkload.length]);
                for (const v of order) {
                    const m = await measure(target(v, w), w, load);
                    runs.get(v.id)!.rounds.push(m);
                    log(
                        `  ${w.id} round ${round + 1}/${o.rounds} ${v.id}: ${Math.round(m.rps)} req/s, p99 ${m.p99Ms} ms` +
                            (m.proxyCpuUs === undefined ? "" : `, ${Math.round(m.proxyCpuUs)} µs CPU/req`) +
                            (m.failures ? `, ${m.failures} failures` : ""),
                    );
                }
            }
            measured.push({ workload: w, runs: [...runs.values()] });
        }

        const reference = await miniflareReference(origin, load, problems);
        return measured.map(({ workload, runs }) => ({
            workload,
            settings,
            runs: [...runs, ...reference.filter((r) => r.workload === workload.id).map((r) => r.runs)],
        }));
    } finally {
        for (const stop of stops.reverse()) await stop();
    }
}

/** One round per workload of our Amplitude Worker under Miniflare, for reference. */
async function miniflareReference(
    origin: OriginProcess,
    load: LoadOptions,
    problems: string[],
): Promise<{ workload: Workload["id"]; runs: VariantRuns }[]> {
    const rows: { workload: Workload["id"]; runs: VariantRuns }[] = [];
    let mf: RunningWorker | undefined;
    try {
        mf = await startMiniflare(vendorSite(miniflareVariant.vendor), origin.address);
        for (const w of workloads) {
            const t: Target = {
                port: mf.port,
                host: vendorHost[miniflareVariant.vendor],
                path: variantPath(miniflareVariant, w),
                proxyPids: mf.pid ? [mf.pid] : [],
                originPid: origin.pid,
            };
            await measure(t, w, { ...load, durationSec: 1 });
            const m = await measure(t, w, load);
            log(`  ${w.id} miniflare: ${Math.round(m.rps)} req/s`);
            rows.push({ workload: w.id, runs: { variant: miniflareVariant, path: t.path, rounds: [m] } });
        }
    } catch (err) {
        problems.push(`Miniflare reference row failed: ${String(err)}`);
    } finally {
        await mf?.stop();
    }
    return rows;
}

/** A 64 MiB POST direct, through our PostHog Worker (fresh workerd) and through the seed's nginx. */
async function streamingCheck(origin: OriginProcess, nginxBin: string | undefined, problems: string[]): Promise<StreamResult[]> {
    log("bench: streaming 64 MiB");
    const results: StreamResult[] = [];
    const host = vendorHost.posthog;
    results.push(await streamPost("direct to origin", origin.port, host, "/s/", streamBytes));
    let worker: RunningWorker | undefined;
    try {
        worker = await startWorkerd(projectDir, path.join(workRoot, "run", "stream-posthog"), proxyWorkerBundle(vendorSite("posthog")), origin.address);
        // Load the isolate first, so that the baseline includes it.
        await streamPost("warm-up", worker.port, host, "/s/", 1024, worker.pid);
        results.push(await streamPost("our Worker: posthog (`/s/`)", worker.port, host, "/s/", streamBytes, worker.pid));
    } catch (err) {
        problems.push(`streaming through our Worker failed: ${String(err)}`);
    } finally {
        await worker?.stop();
    }
    if (nginxBin) {
        let nginx: RunningNginx | undefined;
        try {
            nginx = await startNginx(nginxBin, path.join(workRoot, "run", "stream-nginx"), origin.address);
            const workerPid = nginx.pids[1] ?? nginx.pids[0];
            results.push(await streamPost("nginx, seed config (`/sessions/v2/track`)", nginx.port, vendorHost.amplitude, "/sessions/v2/track", streamBytes, workerPid));
        } catch (err) {
            problems.push(`streaming through nginx failed: ${String(err)}`);
        } finally {
            await nginx?.stop();
        }
    }
    return results;
}

/**
 * `--only program-scale`: the plans alone, their section written to `out` (the committed report: spliced in place of
 * its program-scale section, the rest kept as the last full run wrote it).
 */
async function programScaleOnly(out: string, updateReport: boolean, reportOnly: boolean): Promise<void> {
    const started = Date.now();
    const problems: string[] = [];
    const plan = await programScale(started + budgetMs, problems);
    const { date, commit } = machineInfo(new Date(started), undefined, [0, 0]);
    const section = renderProgramScaleSection(plan, { date, commit });
    const text = updateReport
        ? spliceProgramScale(fs.readFileSync(out, "utf8"), section)
        : ["# Benchmark results: program scale only", "", ...section, ...problems.map((p) => `- ${p}`), ""].join("\n");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    log(`bench: wrote the program-scale section to ${path.relative(process.cwd(), out)} in ${Math.round((Date.now() - started) / 1000)} s`);
    const failed = failedPlanTargets(plan);
    for (const f of failed) log(`bench: FAIL ${f}`);
    if (failed.length > 0 && !reportOnly) process.exitCode = 1;
}

/** Plans 1-1,000 proxies per CDN, each in a fresh process; Cloudflare is detected by planning it (the program refuses it until it exists). */
async function programScale(deadline: number, problems: string[]): Promise<ScaleSummary[]> {
    log("bench: program scale");
    const summaries: ScaleSummary[] = [];
    // A size may take up to two minutes, or what is left of the budget if that is more.
    const timeLimit = () => Math.max(120_000, deadline - Date.now());
    for (const provider of benchStacks) {
        const summary = await planScale(projectDir, provider, planSizes, timeLimit);
        const failed = summary.samples.find((s) => !s.ok);
        if (failed && !failed.ok) problems.push(`plan ${provider} ${failed.proxies} proxies: ${failed.error}`);
        summaries.push(summary);
    }
    return summaries;
}

/** Runs `npm test` once as a child process (stopped if it runs past its own time limit). */
function timeTestSuite(): Promise<TestSuiteResult> {
    log(`bench: npm test (at most ${testSuiteLimitMs / 1000} s)`);
    const started = Date.now();
    return new Promise((resolve) => {
        const child = startChild("npm", ["test", "--silent"], { cwd: projectDir });
        const timer = setTimeout(() => void stopChild(child), testSuiteLimitMs);
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const seconds = (Date.now() - started) / 1000;
            resolve(
                signal
                    ? { seconds, exitCode: null, note: `stopped at its ${testSuiteLimitMs / 1000} s limit` }
                    : { seconds, exitCode: code, note: code === 0 ? undefined : "(failing tests: run `npm test` to see them)" },
            );
        });
    });
}

function machineInfo(date: Date, nginxBin: string | undefined, loadAverage: [number, number]): MachineInfo {
    const cpus = os.cpus();
    const git = (args: string[]) => {
        try {
            return execFileSync("git", args, { cwd: projectDir, encoding: "utf8" }).trim();
        } catch {
            return "";
        }
    };
    const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const autocannonVersion: string = require("autocannon/package.json").version;
    return {
        cpuModel: cpus[0]?.model ?? "unknown",
        cores: cpus.length,
        memoryBytes: os.totalmem(),
        kernel: `${os.type()} ${os.release()}`,
        node: process.version,
        workerd: workerdVersion(projectDir),
        nginx: nginxBin ? nginxVersion(nginxBin) : "not installed",
        autocannon: autocannonVersion,
        commit: `${git(["rev-parse", "--short", "HEAD"]) || "unknown"}${dirty ? " (with uncommitted changes in the working tree)" : ""}`,
        date: date.toISOString(),
        loadAverage,
    };
}

function positiveInt(value: string, name: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
    return n;
}

main()
    .catch((err: unknown) => {
        process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
    })
    .finally(() => stopAllChildren());
