import { Readable } from "node:stream";
import { Miniflare, RequestInit, Response } from "miniflare";
import { WorkerSettings, workerSettings } from "../../../components/cloudflare/worker/settings";
import { workerCompatibilityDate, workerMainModule, workerModuleSource } from "../../../components/cloudflare/worker/source";
import { Site } from "../../../components/model/types";
import { RecordingOrigin, startRecordingOrigin } from "../../helpers/recordingOrigin";

export interface ProxyWorkerOptions {
    /** Where every subrequest of the Worker goes (`127.0.0.1:<port>`), whatever host its URL names. */
    readonly outbound: string;
    /**
     * Make requests sent straight to `entry` (raw sockets, node:http) arrive as `https://<site hostname><path>`, as
     * Cloudflare's edge would hand them over. Off by default, because it also turns `http://` dispatches into https.
     */
    readonly asSiteOverHttps?: boolean;
    /** Changes the site's SETTINGS binding (a shorter origin deadline, say). */
    readonly settings?: (settings: WorkerSettings) => WorkerSettings;
}

export interface ProxyWorker {
    readonly mf: Miniflare;
    /** Miniflare's own listener, for requests that dispatchFetch cannot send (raw request lines, odd headers). */
    readonly entry: URL;
    /** Sends `init` to `<scheme>://<site hostname><path>` through the Worker. */
    fetch(path: string, init?: RequestInit, scheme?: "https" | "http"): Promise<Response>;
    dispose(): Promise<void>;
}

/**
 * Runs the generated Worker for `site` in workerd (offline, about 0.3 s to start), its subrequests sent to `outbound`.
 * Miniflare's default outbound shim is off, so the origin sees exactly the headers the Worker sends.
 */
export async function startProxyWorker(site: Site, options: ProxyWorkerOptions): Promise<ProxyWorker> {
    const mf = new Miniflare({
        modules: [{ type: "ESModule", path: workerMainModule, contents: workerModuleSource() }],
        compatibilityDate: workerCompatibilityDate,
        cf: false,
        // Round-tripped through JSON, as the deployed json binding is.
        bindings: { SETTINGS: JSON.parse(JSON.stringify((options.settings ?? ((s) => s))(workerSettings(site)))) },
        outboundService: { external: { address: options.outbound, http: {} } },
        stripCfConnectingIp: false,
        upstream: options.asSiteOverHttps ? `https://${site.hostname}` : undefined,
        // workerd logs the requests it refuses itself (absolute-form targets); the tests assert on the responses.
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
            stdout.resume();
            stderr.resume();
        },
    });
    const entry = await mf.ready;
    return {
        mf,
        entry,
        fetch: (path, init, scheme = "https") => mf.dispatchFetch(`${scheme}://${site.hostname}${path}`, init),
        dispose: () => mf.dispose(),
    };
}

export interface ProxyFixture {
    readonly origin: RecordingOrigin;
    readonly worker: ProxyWorker;
}

/**
 * Call inside a describe block: starts a recording origin and the Worker for `site` before its tests, disposes
 * both after them, and clears the origin's record (and reply) before each test. Returns a getter for the pair.
 */
export function useProxyWorker(site: Site, options: Omit<ProxyWorkerOptions, "outbound"> = {}): () => ProxyFixture {
    let fixture: ProxyFixture | undefined;
    before(async () => {
        const origin = await startRecordingOrigin();
        fixture = { origin, worker: await startProxyWorker(site, { ...options, outbound: origin.address }) };
    });
    after(async () => {
        await fixture?.worker.dispose();
        await fixture?.origin.close();
    });
    beforeEach(() => fixture?.origin.reset());
    return () => {
        if (!fixture) throw new Error("the proxy worker is not started yet");
        return fixture;
    };
}
