/*
 * What our Worker itself costs over the bare pass-through Worker, measured two ways, and per feature:
 *
 * - `callgrind` (default): each Worker runs in standalone workerd under `valgrind --tool=callgrind`, measured in steady
 *   state (bench/callgrind.ts): `--warmup` requests per workload uncounted, so that V8's optimising compiler (on its
 *   own threads, which callgrind counts) is done, then the counters are zeroed and `--requests` requests counted per
 *   round. Instructions per request are repeatable to about 1% whatever else the machine does, but they leave out the
 *   kernel's share of the work (sockets), so they measure what the Worker adds, not what the whole request costs.
 * - `cpu`: each Worker runs natively in standalone workerd pinned to one core (the origin and the load generator to
 *   the other), interleaved rounds, workerd's user+system CPU time per request from /proc; medians.
 * `npm run bench` checks both: CPU per request (bare / ours, at least 95%) and steady-state instructions (at least 88%).
 *
 * Features are attributed by turning them off in the SETTINGS binding of an otherwise identical Worker ("minus cache
 * bypass" is the vendor's site with `cache: "origin"`): the generated source stays exactly what is deployed.
 * `--source <file>` (repeatable) adds a variant per vendor that runs another Worker module (an experiment's copy of
 * the source) with the same settings.
 *
 *   node -r ts-node/register/transpile-only bench/workerProfile.ts [--mode callgrind|cpu] [--vendors amplitude,...]
 *       [--workloads event,asset] [--no-features] [--requests 1000] [--warmup 3000] [--rounds 3] [--seconds 5] [--jobs 2] [--source f.mjs ...]
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { WorkerSettings } from "../components/cloudflare/worker/settings";
import { callgrindAvailable, countInstructions, drive, writeWorker } from "./callgrind";
import { startChild, stopAllChildren, stopChild, waitForPort } from "./children";
import { measure, median, Workload, workloads } from "./load";
import { startOrigin } from "./origin";
import { features, vendorHost, vendorPaths, vendorSite, WorkerVendor, workerVendors } from "./variants";
import { bareWorkerBundle, proxyWorkerBundle, WorkerBundle } from "./workerd";

const projectDir = path.resolve(__dirname, "..");
const workRoot = path.join(projectDir, "bench", ".work", "profile");
const workerdBinary = path.join(projectDir, "node_modules", ".bin", "workerd");

interface ProfileVariant {
    readonly id: string;
    readonly label: string;
    readonly vendor: WorkerVendor;
    readonly bundle: WorkerBundle;
    /** The "ours" variant this one removes a feature from. */
    readonly minusOf?: string;
}

interface Options {
    readonly mode: "callgrind" | "cpu";
    readonly vendors: readonly WorkerVendor[];
    readonly workloads: readonly Workload[];
    readonly features: boolean;
    readonly requests: number;
    /** callgrind: requests sent before counting starts. */
    readonly warmup: number;
    readonly rounds: number;
    readonly seconds: number;
    readonly connections: number;
    readonly jobs: number;
    /** Other Worker modules (experiments' copies of the source), each run with every vendor's settings. */
    readonly sources: readonly string[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Bare, ours per vendor, and ours minus each feature the vendor's routes use. */
function profileVariants(o: Options): ProfileVariant[] {
    const variants: ProfileVariant[] = [];
    for (const vendor of o.vendors) {
        const bundle = proxyWorkerBundle(vendorSite(vendor));
        variants.push({ id: vendor, label: `ours: ${vendor}`, vendor, bundle });
        for (const file of o.sources) {
            const name = path.basename(file).replace(/\.m?js$/, "");
            variants.push({
                id: `${vendor}-${name}`,
                label: `${name} (${path.relative(process.cwd(), file)}) with ${vendor}'s settings`,
                vendor,
                bundle: { ...bundle, source: fs.readFileSync(file, "utf8") },
            });
        }
        if (!o.features) continue;
        const settings = bundle.settings as WorkerSettings;
        for (const f of features) {
            const without = f.off(settings);
            if (JSON.stringify(without) === JSON.stringify(settings)) continue;
            variants.push({
                id: `${vendor}-${f.id}`,
                label: `ours: ${vendor} minus ${f.label}`,
                vendor,
                bundle: { ...bundle, settings: without },
                minusOf: vendor,
            });
        }
    }
    return variants;
}

/** Instructions per request of one Worker under callgrind, per workload and round. */
function callgrindVariant(variant: ProfileVariant, originAddress: string, o: Options): Promise<Map<Workload["id"], number[]>> {
    return countInstructions(path.join(workRoot, variant.id), variant.bundle, variant.vendor, originAddress, { ...o, workerdBinary }, log);
}

/** workerd CPU µs per request, natively, pinned to core 1, interleaved rounds. */
async function cpuVariants(
    variants: readonly ProfileVariant[],
    bare: WorkerBundle,
    originAddress: string,
    originPid: number,
    o: Options,
): Promise<Map<string, Map<Workload["id"], number[]>>> {
    const started: { id: string; vendor: WorkerVendor; port: number; pid: number; stop: () => Promise<void> }[] = [];
    const results = new Map<string, Map<Workload["id"], number[]>>();
    try {
        const all = [{ id: "bare", vendor: "amplitude" as WorkerVendor, bundle: bare }, ...variants];
        for (const v of all) {
            const dir = path.join(workRoot, `cpu-${v.id}`);
            const port = await writeWorker(dir, v.bundle, originAddress);
            const child = startChild("taskset", ["-c", "1", workerdBinary, "serve", "config.capnp"], { cwd: dir });
            await waitForPort(port, child);
            started.push({ id: v.id, vendor: v.vendor, port, pid: child.pid!, stop: () => stopChild(child) });
            results.set(v.id, new Map(o.workloads.map((w) => [w.id, []])));
        }
        for (const w of o.workloads) {
            for (const s of started) await drive(s.port, s.vendor, w, 2000, o.connections);
            for (let round = 0; round < o.rounds; round++) {
                const order = started.map((_, i) => started[(i + round) % started.length]);
                for (const s of order) {
                    const m = await measure(
                        { port: s.port, host: vendorHost[s.vendor], path: vendorPaths[s.vendor][w.id], proxyPids: [s.pid], originPid },
                        w,
                        { connections: o.connections, durationSec: o.seconds },
                    );
                    if (m.failures > 0) throw new Error(`${s.id} ${w.id}: ${m.failures} failures`);
                    results.get(s.id)!.get(w.id)!.push(m.proxyCpuUs!);
                    log(`  ${w.id} round ${round + 1}/${o.rounds} ${s.id}: ${Math.round(m.proxyCpuUs!)} µs CPU/request, ${Math.round(m.rps)} req/s`);
                }
            }
        }
    } finally {
        for (const s of started) await s.stop();
    }
    return results;
}

function pinSelfAndOrigin(originPid: number): void {
    for (const pid of [process.pid, originPid]) spawnSync("taskset", ["-a", "-p", "-c", "0", String(pid)]);
}

function renderTable(
    o: Options,
    variants: readonly ProfileVariant[],
    results: Map<string, Map<Workload["id"], number[]>>,
): string {
    const unit = o.mode === "callgrind" ? "instructions/request" : "CPU µs/request";
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    const lines: string[] = [];
    for (const w of o.workloads) {
        const bare = median(results.get("bare")?.get(w.id) ?? []);
        lines.push(`### ${w.label}: ${unit}, median of ${o.rounds}`, "");
        lines.push("| Variant | median | per round | over bare | bare / this | feature's cost |", "| --- | ---: | --- | ---: | ---: | ---: |");
        lines.push(`| bare pass-through | ${fmt(bare)} | ${(results.get("bare")?.get(w.id) ?? []).map(fmt).join(", ")} | – | – | – |`);
        for (const v of variants) {
            const rounds = results.get(v.id)?.get(w.id) ?? [];
            const m = median(rounds);
            const of = v.minusOf === undefined ? undefined : median(results.get(v.minusOf)?.get(w.id) ?? []);
            lines.push(
                `| ${v.label} | ${fmt(m)} | ${rounds.map(fmt).join(", ")} | ${fmt(m - bare)} | ${Math.round((bare / m) * 100)}% | ` +
                    `${of === undefined ? "–" : fmt(of - m)} |`,
            );
        }
        lines.push("");
    }
    return lines.join("\n");
}

async function main(): Promise<void> {
    const cli = new Command("workerProfile")
        .option("--mode <mode>", "callgrind (instruction counts) or cpu (pinned workerd, CPU time)", "callgrind")
        .option("--vendors <list>", "comma-separated vendors", workerVendors.join(","))
        .option("--workloads <list>", "comma-separated workloads", workloads.map((w) => w.id).join(","))
        .option("--no-features", "only bare and ours, no per-feature variants")
        .option("--requests <n>", "callgrind: requests per round", "1000")
        .option("--warmup <n>", "callgrind: requests per workload before counting", "3000")
        .option("--rounds <n>", "rounds per variant and workload", "3")
        .option("--seconds <s>", "cpu: seconds per round", "5")
        .option("--connections <n>", "concurrent connections", "10")
        .option("--jobs <n>", "callgrind: Workers profiled at once", "2")
        .option("--source <file>", "another Worker module to run with each vendor's settings (repeatable)", (f: string, all: string[]) => [...all, f], [] as string[])
        .parse();
    const raw = cli.opts<Record<string, string | boolean>>();
    const int = (k: string) => {
        const n = Number(raw[k]);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--${k} must be a positive integer`);
        return n;
    };
    const mode = raw.mode === "cpu" ? "cpu" : raw.mode === "callgrind" ? "callgrind" : undefined;
    if (!mode) throw new Error("--mode is callgrind or cpu");
    const vendors = String(raw.vendors).split(",") as WorkerVendor[];
    for (const v of vendors) if (!workerVendors.includes(v)) throw new Error(`unknown vendor ${v}`);
    const wanted = String(raw.workloads).split(",");
    const o: Options = {
        mode,
        vendors,
        workloads: workloads.filter((w) => wanted.includes(w.id)),
        features: raw.features !== false,
        requests: int("requests"),
        warmup: int("warmup"),
        rounds: int("rounds"),
        seconds: int("seconds"),
        connections: int("connections"),
        jobs: int("jobs"),
        sources: (raw.source as unknown as string[]).map((f) => path.resolve(f)),
    };
    if (mode === "callgrind" && !callgrindAvailable()) {
        throw new Error("valgrind is not installed (Debian: apt-get install -y valgrind)");
    }
    fs.mkdirSync(workRoot, { recursive: true });
    const variants = profileVariants(o);
    const origin = await startOrigin(projectDir);
    const results = new Map<string, Map<Workload["id"], number[]>>();
    try {
        if (mode === "callgrind") {
            const queue = [{ id: "bare", label: "bare", vendor: "amplitude" as WorkerVendor, bundle: bareWorkerBundle() }, ...variants];
            const worker = async () => {
                for (let v = queue.shift(); v; v = queue.shift()) results.set(v.id, await callgrindVariant(v, origin.address, o));
            };
            await Promise.all(Array.from({ length: o.jobs }, worker));
        } else {
            pinSelfAndOrigin(origin.pid);
            for (const [id, r] of await cpuVariants(variants, bareWorkerBundle(), origin.address, origin.pid, o)) results.set(id, r);
        }
    } finally {
        await stopChild(origin.child);
    }
    process.stdout.write(renderTable(o, variants, results));
}

main()
    .catch((err: unknown) => {
        process.stderr.write(`workerProfile failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
    })
    .finally(() => stopAllChildren());
