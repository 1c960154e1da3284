// The part of autocannon's programmatic API the bench uses (autocannon ships no types).
declare module "autocannon" {
    interface Options {
        url: string;
        method?: string;
        headers?: Record<string, string>;
        body?: string | Buffer;
        connections?: number;
        pipelining?: number;
        /** Seconds. */
        duration?: number;
        /** Send exactly this many requests, then stop (instead of running for `duration`). */
        amount?: number;
        /** Seconds before a request counts as timed out. */
        timeout?: number;
    }
    interface Histogram {
        average: number;
        mean: number;
        stddev: number;
        min: number;
        max: number;
        total: number;
        p50: number;
        p90: number;
        p99: number;
        [percentile: string]: number;
    }
    interface Result {
        /** Seconds. */
        duration: number;
        errors: number;
        timeouts: number;
        non2xx: number;
        resets: number;
        "2xx": number;
        statusCodeStats: Record<string, { count: number }>;
        /** Milliseconds, at 1 ms resolution. */
        latency: Histogram & { totalCount: number };
        requests: Histogram & { sent: number };
        throughput: Histogram;
    }
    function autocannon(options: Options): Promise<Result>;
    export = autocannon;
}
