/*
 * Instructions per request of a Worker in steady state, counted by callgrind: the Worker runs in standalone workerd
 * under `valgrind --tool=callgrind`; each workload is first sent `warmup` requests uncounted (V8's optimising
 * compiler, which runs on its own threads and which callgrind would otherwise count, reaches the same tier for every
 * Worker), then the counters are zeroed (`callgrind_control -z`), `requests` requests are sent and the counters dumped
 * (`-d`), per round. Counts are repeatable to about 1% whatever else the machine does, but leave out the kernel's
 * share of the work (sockets): they measure what the Worker's own code costs, not the whole request.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { freePort, startChild, stopChild, waitForPort } from "./children";
import { requestHeaders, Workload } from "./load";
import { vendorHost, vendorPaths, WorkerVendor } from "./variants";
import { WorkerBundle, workerdConfig } from "./workerd";

export interface CallgrindOptions {
    readonly workerdBinary: string;
    readonly workloads: readonly Workload[];
    /** Requests per workload before counting starts. */
    readonly warmup: number;
    /** Requests per counted round. */
    readonly requests: number;
    readonly rounds: number;
    readonly connections: number;
}

/** Whether valgrind (and so callgrind) can be run here. */
export function callgrindAvailable(): boolean {
    return spawnSync("valgrind", ["--version"]).status === 0;
}

/** Writes a Worker's files (module, settings, capnp config) into `dir`; returns the listening port. */
export async function writeWorker(dir: string, bundle: WorkerBundle, originAddress: string): Promise<number> {
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

/** Sends exactly `amount` requests of `workload`; throws unless (nearly) every one got a 2xx. */
export async function drive(port: number, vendor: WorkerVendor, workload: Workload, amount: number, connections: number): Promise<number> {
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

function readTotal(file: string): number {
    const text = fs.readFileSync(file, "utf8");
    const match = /^(?:totals|summary): (\d+)/m.exec(text);
    if (!match) throw new Error(`no totals in ${file}`);
    return Number(match[1]);
}

/** Steady-state instructions per request of one Worker (in `dir`), per workload and round. */
export async function countInstructions(
    dir: string,
    bundle: WorkerBundle,
    vendor: WorkerVendor,
    originAddress: string,
    o: CallgrindOptions,
    log: (line: string) => void = () => {},
): Promise<Map<Workload["id"], number[]>> {
    const port = await writeWorker(dir, bundle, originAddress);
    const out = path.join(dir, "callgrind.out");
    const logFd = fs.openSync(path.join(dir, "valgrind.log"), "w");
    const child = startChild("valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, o.workerdBinary, "serve", "config.capnp"], {
        cwd: dir,
        log: logFd,
    });
    fs.closeSync(logFd);
    const perRequest = new Map<Workload["id"], number[]>();
    try {
        await waitForPort(port, child, 120_000);
        let dumps = 0;
        for (const w of o.workloads) {
            await drive(port, vendor, w, o.warmup, o.connections);
            const counts: number[] = [];
            for (let round = 0; round < o.rounds; round++) {
                callgrindControl(child.pid!, "-z");
                const ok = await drive(port, vendor, w, o.requests, o.connections);
                callgrindControl(child.pid!, "-d");
                dumps++;
                counts.push(readTotal(`${out}.${dumps}`) / ok);
            }
            perRequest.set(w.id, counts);
            log(`  ${path.basename(dir)} ${w.id}: ${counts.map((c) => Math.round(c).toLocaleString("en-US")).join(", ")} instructions/request`);
        }
    } finally {
        await stopChild(child);
    }
    return perRequest;
}
