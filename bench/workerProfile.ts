/*
 * What our Worker itself costs over the bare pass-through Worker, measured two ways, and per feature:
 *
 * - `callgrind` (default): each Worker runs in standalone workerd under `valgrind --tool=callgrind`; after a warm-up,
 *   the counters are zeroed, a fixed number of requests is sent, and the counters are dumped. Instructions per request
 *   are repeatable to about 1% whatever else the machine does (other processes do not change what workerd executes),
 *   but they leave out the kernel's share of the work (sockets), so they measure what the Worker adds, not what
 *   the whole request costs.
 * - `cpu`: each Worker runs natively in standalone workerd pinned to one core (the origin and the load generator to
 *   the other), interleaved rounds, workerd's user+system CPU time per request from /proc; medians. This is the
 *   figure `npm run bench` checks, with less noise from the bench's own processes.
 *
 * Features are attributed by turning them off in the SETTINGS binding of an otherwise identical Worker ("minus cache
 * bypass" is the vendor's site with `cache: "origin"`): the generated source stays exactly what is deployed.
 * `--source <file>` (repeatable) adds a variant per vendor that runs another Worker module (an experiment's copy of
 * the source) with the same settings.
 *
 *   node -r ts-node/register/transpile-only bench/workerProfile.ts [--mode callgrind|cpu] [--vendors amplitude,...]
 *       [--workloads event,asset] [--no-features] [--requests 1000] [--rounds 3] [--seconds 5] [--jobs 2] [--source f.mjs ...]
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { Command } from "commander";
import { WorkerSettings } from "../components/cloudflare/worker/settings";
import { freePort, startChild, stopAllChildren, stopChild, waitForPort } from "./children";
import { measure, median, requestHeaders, Workload, workloads } from "./load";
import { startOrigin } from "./origin";
import { totalCpuSeconds } from "./proc";
import { features, vendorHost, vendorPaths, vendorSite, WorkerVendor, workerVendors } from "./variants";
import { bareWorkerBundle, proxyWorkerBundle, WorkerBundle, workerdConfig } from "./workerd";

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

/** Writes a Worker's files (module, settings, capnp config) into `dir`; returns the listening port. */
async function writeWorker(dir: string, bundle: WorkerBundle, originAddress: string): Promise<number> {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, bundle.mainModule), bundle.source);
    if (bundle.settings !== undefined) fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify(bundle.settings));
    const port = await freePort();
    fs.writeFileSync(
        path.join(dir, "config.capnp"),
        workerdConfig({
            mainModule: bundle.mainModule,
            compatibilityDate: bundle.compatibilityDate,
            withSettings: bundle.settings !== undefined,
            listenPort: port,
            originAddress,
        }),
    );
    return port;
}

/** Sends exactly `amount` requests of `workload`; throws unless every one got a 2xx. */
async function drive(port: number, vendor: WorkerVendor, workload: Workload, amount: number, connections: number): Promise<number> {
    const result = await autocannon({
        url: `http://127.0.0.1:${port}${vendorPaths[vendor][workload.id]}`,
        method: workload.method,
        headers: requestHeaders(vendorHost[vendor], workload),
        body: workload.body,
        connections,
        pipelining: 1,
        amount,
        timeout: 120,
    });
    // A stray socket error under valgrind's slowness is tolerated (the count is per successful request); more is not.
    if (result["2xx"] < amount * 0.99 || result.non2xx > 0) {
        throw new Error(`${amount} requests to port ${port}: ${result["2xx"]} 2xx, ${result.non2xx} other, ${result.errors} errors`);
    }
    return result["2xx"];
}

function callgrindControl(pid: number, command: "-z" | "-d"): void {
    const r = spawnSync("callgrind_control", [command, String(pid)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`callgrind_control ${command} ${pid}: ${r.stderr || r.stdout}`);
}

/** Instructions per request of one Worker under callgrind, per workload and round. */
async function callgrindVariant(
    variant: ProfileVariant,
    originAddress: string,
    o: Options,
): Promise<Map<Workload["id"], number[]>> {
    const dir = path.join(workRoot, variant.id);
    const port = await writeWorker(dir, variant.bundle, originAddress);
    const out = path.join(dir, "callgrind.out");
    const logFd = fs.openSync(path.join(dir, "valgrind.log"), "w");
    const child = startChild("valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, workerdBinary, "serve", "config.capnp"], {
        cwd: dir,
        log: logFd,
    });
    fs.closeSync(logFd);
    const perRequest = new Map<Workload["id"], number[]>();
    try {
        await waitForPort(port, child, 120_000);
        let dumps = 0;
        for (const w of o.workloads) {
            // The same warm-up for every variant: the JIT reaches the same tier before counting starts.
            await drive(port, variant.vendor, w, o.warmup, o.connections);
            const counts: number[] = [];
            for (let round = 0; round < o.rounds; round++) {
                callgrindControl(child.pid!, "-z");
                const ok = await drive(port, variant.vendor, w, o.requests, o.connections);
                callgrindControl(child.pid!, "-d");
                dumps++;
                counts.push(readTotal(`${out}.${dumps}`) / ok);
            }
            perRequest.set(w.id, counts);
            log(`  ${variant.id} ${w.id}: ${counts.map((c) => Math.round(c).toLocaleString("en-US")).join(", ")} instructions/request`);
        }
    } finally {
        await stopChild(child);
    }
    return perRequest;
}

function readTotal(file: string): number {
    const text = fs.readFileSync(file, "utf8");
    const match = /^(?:totals|summary): (\d+)/m.exec(text);
    if (!match) throw new Error(`no totals in ${file}`);
    return Number(match[1]);
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
    if (mode === "callgrind" && spawnSync("valgrind", ["--version"]).status !== 0) {
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
