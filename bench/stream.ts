/*
 * Streaming: one large POST (64 MiB, PostHog's limit for session recordings) sent through a proxy to the origin,
 * which counts and discards the bytes. Measures the transfer rate and the proxy process's resident memory while the
 * body passes: a proxy that buffers whole bodies grows by about the body's size.
 */
import http from "node:http";
import { sampleRss, statusBytes } from "./proc";

export interface StreamResult {
    readonly label: string;
    readonly bodyBytes: number;
    readonly status?: number;
    /** What the origin counted (from its JSON reply), if the request reached it. */
    readonly originReceived?: number;
    readonly seconds: number;
    /** MiB/s of request body. */
    readonly mibPerSecond: number;
    /** The proxy's resident memory just before the request. */
    readonly rssBeforeBytes?: number;
    /** The highest resident memory seen during the request (sampled every 5 ms, and VmHWM). */
    readonly rssPeakBytes?: number;
    readonly error?: string;
}

const chunk = Buffer.alloc(64 * 1024, 0x61);

/**
 * POSTs `bodyBytes` to 127.0.0.1:`port``path` with a Content-Length (as browsers send) and no `Expect:
 * 100-continue`, writing 64 KiB chunks as fast as the socket takes them. `pid` is the proxy process to watch.
 */
export async function streamPost(label: string, port: number, host: string, path: string, bodyBytes: number, pid?: number): Promise<StreamResult> {
    const rssBeforeBytes = pid ? statusBytes(pid, "VmRSS") : undefined;
    const hwmBefore = pid ? statusBytes(pid, "VmHWM") : undefined;
    const sampler = pid ? sampleRss(pid, 5) : undefined;
    const started = performance.now();
    let outcome: { status?: number; body: string; error?: string };
    try {
        outcome = await send(port, host, path, bodyBytes);
    } catch (err) {
        outcome = { body: "", error: err instanceof Error ? err.message : String(err) };
    }
    const seconds = (performance.now() - started) / 1000;
    const sampledPeak = sampler?.stop();
    const hwmAfter = pid ? statusBytes(pid, "VmHWM") : undefined;
    // VmHWM is the peak since the process started: it tells the true peak only if it rose during the request.
    const hwmRose = hwmAfter !== undefined && hwmBefore !== undefined && hwmAfter > hwmBefore;
    let originReceived: number | undefined;
    try {
        originReceived = (JSON.parse(outcome.body) as { received?: number }).received;
    } catch {
        originReceived = undefined;
    }
    const complete = outcome.status === 200 && originReceived === bodyBytes;
    return {
        label,
        bodyBytes,
        status: outcome.status,
        originReceived,
        seconds,
        mibPerSecond: complete ? bodyBytes / 2 ** 20 / seconds : NaN,
        rssBeforeBytes,
        rssPeakBytes: sampledPeak === undefined ? undefined : Math.max(sampledPeak, hwmRose ? hwmAfter : 0),
        error: outcome.error ?? (complete ? undefined : `status ${outcome.status ?? "none"}, origin received ${originReceived ?? "nothing"}`),
    };
}

function send(port: number, host: string, path: string, bodyBytes: number): Promise<{ status?: number; body: string; error?: string }> {
    return new Promise((resolve, reject) => {
        const req = http.request({
            host: "127.0.0.1",
            port,
            path,
            method: "POST",
            agent: false,
            headers: {
                host,
                "content-type": "application/octet-stream",
                "content-length": String(bodyBytes),
                "x-forwarded-proto": "https",
            },
        });
        let status: number | undefined;
        req.on("response", (res) => {
            status = res.statusCode;
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status, body }));
            res.on("error", reject);
        });
        // A proxy that refuses the body (413) may answer and close before it is all written.
        req.on("error", (err) => (status !== undefined ? resolve({ status, body: "", error: err.message }) : reject(err)));
        let left = bodyBytes;
        const write = () => {
            while (left > 0) {
                const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
                left -= piece.length;
                if (!req.write(piece)) {
                    req.once("drain", write);
                    return;
                }
            }
            req.end();
        };
        write();
    });
}
