/*
 * Load generation (autocannon, in this process) and what one measured run yields: successful requests per second,
 * latency percentiles, and the CPU time the proxy process spent per request (from /proc, before and after).
 */
import autocannon from "autocannon";
import { forwardedProtoHeader } from "./workerd";
import os from "node:os";
import { machineBusySeconds, totalCpuSeconds } from "./proc";

/** A request shape the bench sends, the same to every variant (only the path differs by vendor). */
export interface Workload {
    readonly id: "event" | "asset";
    readonly label: string;
    readonly method: "GET" | "POST";
    readonly body?: string;
    readonly contentType?: string;
}

/** A browser SDK's batch of events, about 1 KB of JSON. */
const eventBody = JSON.stringify({
    api_key: "phc_0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
    batch: Array.from({ length: 4 }, (_, i) => ({
        event: i === 0 ? "$pageview" : "button_clicked",
        distinct_id: "01890a5d-ac96-774b-bcce-7e36f3a5b3e2",
        timestamp: "2026-01-01T00:00:00.000Z",
        properties: { $current_url: "https://www.example.com/products/42?utm_source=news", $lib: "web", $lib_version: "1.200.0", i },
    })),
});

export const workloads: readonly Workload[] = [
    { id: "event", label: `POST ${eventBody.length} B JSON event batch, small JSON reply`, method: "POST", body: eventBody, contentType: "application/json" },
    { id: "asset", label: "GET 100 KB script", method: "GET" },
];

/** Headers a browser sends through Cloudflare's edge: the site's cookies (to be stripped) and the client IP header. */
export function requestHeaders(host: string, workload: Workload): Record<string, string> {
    const headers: Record<string, string> = {
        host,
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        accept: "*/*",
        origin: "https://www.example.com",
        referer: "https://www.example.com/products/42",
        cookie: `session=${"s".repeat(400)}; _ga=GA1.1.1234567890.1700000000; consent=analytics`,
        "cf-connecting-ip": "203.0.113.7",
        [forwardedProtoHeader.toLowerCase()]: "https",
    };
    if (workload.contentType) headers["content-type"] = workload.contentType;
    return headers;
}

export interface LoadOptions {
    readonly connections: number;
    readonly durationSec: number;
}

export interface Target {
    readonly port: number;
    /** The Host the requests carry (the proxy's own hostname). */
    readonly host: string;
    readonly path: string;
    /** Processes whose CPU time is the proxy's (workerd, or nginx's master and workers); empty for direct. */
    readonly proxyPids: readonly number[];
    readonly originPid: number;
}

/** One measured run of one variant. */
export interface Measurement {
    /** Successful (2xx) responses. */
    readonly requests: number;
    /** Errors, timeouts and non-2xx responses. */
    readonly failures: number;
    readonly seconds: number;
    readonly rps: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    /** Proxy CPU time per successful request, microseconds; undefined without a proxy process. */
    readonly proxyCpuUs?: number;
    readonly originCpuUs: number;
    /**
     * CPU used meanwhile by processes outside the bench (the machine's busy time minus the proxy's, the origin's and
     * the load generator's), as a share of all cores: other work on a shared machine shows here.
     */
    readonly othersCpuShare: number;
}

/** Runs `workload` against `target` for `options.durationSec` seconds. */
export async function measure(target: Target, workload: Workload, options: LoadOptions): Promise<Measurement> {
    const proxyBefore = totalCpuSeconds(target.proxyPids);
    const originBefore = totalCpuSeconds([target.originPid]);
    const selfBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    const result = await autocannon({
        url: `http://127.0.0.1:${target.port}${target.path}`,
        method: workload.method,
        headers: requestHeaders(target.host, workload),
        body: workload.body,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSec,
        timeout: 10,
    });
    const proxyCpu = totalCpuSeconds(target.proxyPids) - proxyBefore;
    const originCpu = totalCpuSeconds([target.originPid]) - originBefore;
    const self = process.cpuUsage(selfBefore);
    const machine = machineBusySeconds() - machineBefore;
    const others = machine - proxyCpu - originCpu - (self.user + self.system) / 1e6;
    const ok = result["2xx"];
    const perRequestUs = (cpuSeconds: number) => (ok > 0 ? (cpuSeconds * 1e6) / ok : NaN);
    return {
        requests: ok,
        failures: result.errors + result.timeouts + result.non2xx,
        seconds: result.duration,
        rps: ok / result.duration,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        proxyCpuUs: target.proxyPids.length > 0 ? perRequestUs(proxyCpu) : undefined,
        originCpuUs: perRequestUs(originCpu),
        othersCpuShare: Math.max(0, others) / (result.duration * os.cpus().length),
    };
}

/** The median of some numbers (NaN for none). */
export function median(values: readonly number[]): number {
    const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    if (sorted.length === 0) return NaN;
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
