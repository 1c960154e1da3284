/*
 * Stand-ins for the vendors' origins on 127.0.0.1: one HTTP server that answers by Host (the vendor hostname the proxy
 * or the page asked for) and upstream path, serving the real SDK files from node_modules and accepting events, with
 * plausible bodies where an SDK reads the answer (Segment's settings, PostHog's flags and remote config, Amplitude's
 * Session Replay config). Each vendor answers CORS as the real one does (the viewer's Origin echoed, credentials
 * allowed), so the browser judges the proxies' responses as it would the vendors'.
 */
import fs from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";
import { keys } from "./sdkRequests";

/** What reached a fake vendor. */
export interface Delivery {
    /** The vendor hostname (Host header) the request was sent to. */
    readonly host: string;
    readonly method: string;
    /** Path and query as the origin received them. */
    readonly path: string;
    readonly bytes: number;
    /** The page-side URL this came from, when the runner tagged it (x-blockers-id). */
    readonly id?: string;
}

export interface FakeVendors {
    /** `127.0.0.1:<port>`. */
    readonly address: string;
    readonly deliveries: Delivery[];
    /** Answers a request as the vendor at `host` would (also used for the anchor rows, where no proxy is in between). */
    answer(host: string, method: string, pathAndQuery: string, origin: string | undefined): Answer;
    close(): Promise<void>;
}

export interface Answer {
    readonly status: number;
    readonly headers: Record<string, string>;
    readonly body: Buffer;
}

const moduleDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

const js = (file: string): Answer => ({
    status: 200,
    headers: { "content-type": "application/javascript; charset=utf-8", "cache-control": "public, max-age=300" },
    body: fs.readFileSync(file),
});
const json = (value: unknown): Answer => ({ status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(value)) });
const notFound: Answer = { status: 404, headers: { "content-type": "text/plain" }, body: Buffer.from("not found") };

/** A file under `dir` named by the last segment of `p` (no traversal), or undefined. */
function fileIn(dir: string, p: string): string | undefined {
    const name = path.basename(p);
    const file = path.join(dir, name);
    return /^[\w.-]+$/.test(name) && fs.existsSync(file) ? file : undefined;
}

export const segmentSettings = (apiHost: string) => ({
    integrations: { "Segment.io": { apiKey: keys.segment, apiHost, unbundledIntegrations: [], addBundledMetadata: true, maybeBundledConfigIds: {} } },
    plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
});

const posthogRemoteConfig = {
    token: keys.posthog,
    supportedCompression: ["gzip", "gzip-js"],
    hasFeatureFlags: true,
    captureDeadClicks: false,
    capturePerformance: false,
    autocapture_opt_out: true,
    autocaptureExceptions: false,
    analytics: { endpoint: "/i/v0/e/" },
    elementsChainAsString: true,
    sessionRecording: { endpoint: "/s/", consoleLogRecordingEnabled: false, recorderVersion: "v2", sampleRate: null, minimumDurationMilliseconds: null },
    heatmaps: false,
    surveys: false,
    defaultIdentifiedOnly: true,
    siteApps: [],
};

const posthogFlags = {
    flags: {
        "blockers-flag": {
            key: "blockers-flag",
            enabled: true,
            variant: null,
            reason: { code: "condition_match", condition_index: 0, description: "Matched condition set 1" },
            metadata: { id: 1, version: 1, payload: null },
        },
    },
    errorsWhileComputingFlags: false,
    requestId: "00000000-0000-0000-0000-000000000000",
    ...posthogRemoteConfig,
};

const amplitudeReplayConfig = {
    configs: { sessionReplay: { sr_sampling_config: { sample_rate: 1, capture_enabled: true }, sr_privacy_config: { defaultMaskLevel: "medium" } } },
};

/** The vendors' answers by hostname family: the same for every region. */
function vendorAnswer(host: string, method: string, p: string): Answer {
    const pathname = p.split("?")[0];
    if (method === "OPTIONS") return { status: 204, headers: {}, body: Buffer.alloc(0) };
    // Segment's CDN: analytics.js, the settings, analytics-next's lazily loaded bundles.
    if (host === "cdn.segment.com") {
        const ajs = path.join(moduleDir("@segment/analytics-next"), "dist/umd");
        if (/^\/analytics\.js\/v1\/[^/]+\/analytics(\.min)?\.js$/.test(pathname)) return js(path.join(ajs, "standalone.js"));
        const settings = /^\/v1\/projects\/([^/]+)\/settings$/.exec(pathname);
        if (settings) return json(segmentSettings("api.segment.io/v1"));
        if (pathname.startsWith("/analytics-next/bundles/")) {
            const file = fileIn(ajs, pathname);
            return file ? js(file) : notFound;
        }
        return notFound;
    }
    // Segment's Tracking API.
    if (host === "api.segment.io" || /^events\.[a-z0-9]+\.segmentapis\.com$/.test(host)) {
        return /^\/v1\/(t|p|i|g|a|s|batch|b|m)$/.test(pathname) ? json({ success: true }) : notFound;
    }
    // PostHog's assets host: posthog-js's files and the remote config.
    if (/^(us|eu)-assets\.i\.posthog\.com$/.test(host)) {
        const file = pathname.startsWith("/static/") ? fileIn(path.join(moduleDir("posthog-js"), "dist"), pathname) : undefined;
        if (file) return js(file);
        if (/^\/array\/[^/]+\/config$/.test(pathname)) return json(posthogRemoteConfig);
        if (/^\/array\/[^/]+\/config\.js$/.test(pathname)) {
            const body = `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(keys.posthog)}]={config:${JSON.stringify(posthogRemoteConfig)},siteApps:[]}})();`;
            return { status: 200, headers: { "content-type": "application/javascript" }, body: Buffer.from(body) };
        }
        return notFound;
    }
    // PostHog's ingestion host: flags, events, recordings.
    if (/^(us|eu)\.i\.posthog\.com$/.test(host)) {
        if (pathname.startsWith("/flags") || pathname.startsWith("/decide")) return json(posthogFlags);
        if (/^\/(e|s|i\/v0\/e|batch|capture|engage|track|i\/v1\/logs|i\/v1\/metrics)\/?$/.test(pathname)) return json({ status: 1 });
        return notFound;
    }
    // Amplitude Session Replay: its config host and its ingestion host.
    if (/^sr-client-cfg\.(eu\.)?amplitude\.com$/.test(host)) return pathname.startsWith("/config") ? json(amplitudeReplayConfig) : notFound;
    if (/^api-sr\.(eu\.)?amplitude\.com$/.test(host)) return pathname === "/sessions/v2/track" ? json({ code: 200 }) : notFound;
    // Datadog's browser intake of every site: RUM batches and Session Replay segments, accepted as the intake does.
    if (/^browser-intake-[a-z0-9-]+\.(com|eu)$/.test(host)) return method === "POST" && /^\/api\/v2\/[a-z]+$/.test(pathname) ? { status: 202, headers: { "content-type": "application/json" }, body: Buffer.from("{}") } : notFound;
    // Mixpanel's CDN: the library its snippet loads (mixpanel-browser's snippet build).
    if (host === "cdn.mxpnl.com") return pathname === "/libs/mixpanel-2-latest.min.js" ? js(path.join(moduleDir("mixpanel-browser"), "dist/mixpanel.min.js")) : notFound;
    // Mixpanel's ingestion API: with verbose=1 it answers {status, error}.
    if (/^api-(js|eu)\.mixpanel\.com$/.test(host)) return /^\/(track|engage|groups|decide|flags|record)\/?$/.test(pathname) ? json({ status: 1, error: null }) : notFound;
    // Plausible's event API: 202 "ok".
    if (host === "plausible.io") return method === "POST" && pathname === "/api/event" ? { status: 202, headers: { "content-type": "text/plain" }, body: Buffer.from("ok") } : notFound;
    // Amplitude's HTTP V2 and Batch APIs (the Browser SDK's events).
    if (/^(api2|api\.eu)\.amplitude\.com$/.test(host)) return json({ code: 200, events_ingested: 1, payload_size_bytes: 1, server_upload_time: Date.now() });
    return notFound;
}

function withCors(answer: Answer, method: string, origin: string | undefined): Answer {
    if (!origin) return answer;
    const cors: Record<string, string> = { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", vary: "Origin" };
    if (method === "OPTIONS") {
        Object.assign(cors, {
            "access-control-allow-methods": "GET, HEAD, OPTIONS, POST, PUT",
            "access-control-allow-headers": "Content-Type, Authorization, X-Requested-With",
            "access-control-max-age": "600",
        });
    }
    return { ...answer, headers: { ...answer.headers, ...cors } };
}

export async function startFakeVendors(): Promise<FakeVendors> {
    const deliveries: Delivery[] = [];
    const answer = (host: string, method: string, p: string, origin: string | undefined) => withCors(vendorAnswer(host, method, p), method, origin);
    const server = http.createServer(async (req, res) => {
        let bytes = 0;
        for await (const chunk of req) bytes += (chunk as Buffer).length;
        const host = (req.headers.host ?? "").replace(/:\d+$/, "");
        const method = req.method ?? "GET";
        const id = req.headers["x-blockers-id"];
        deliveries.push({ host, method, path: req.url ?? "/", bytes, id: typeof id === "string" ? id : undefined });
        const a = answer(host, method, req.url ?? "/", req.headers.origin);
        res.writeHead(a.status, { ...a.headers, "content-length": a.body.length });
        res.end(a.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        deliveries,
        answer,
        close: async () => {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
