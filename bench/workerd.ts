/*
 * Workers under test, run in standalone workerd (one process per Worker, so that its CPU time is its own) and, for
 * reference, under Miniflare.
 *
 * Every subrequest a Worker makes goes to the local origin: the Worker's `globalOutbound` is an `external` service
 * at 127.0.0.1:<origin port> spoken to in plain HTTP. workerd sends an external service's requests in the protocol
 * the service declares, whatever the URL's scheme, with the URL's host as Host; so our Worker's
 * `fetch("https://us.i.posthog.com/i/v0/e/")` lands on the origin as `POST /i/v0/e/` with `Host: us.i.posthog.com`.
 *
 * The listening socket trusts `X-Forwarded-Proto` for the request URL's scheme (`forwardedProtoHeader`), so a request
 * sent with `X-Forwarded-Proto: https` reaches the Worker as `https://<Host><path>`, as Cloudflare's edge hands it
 * over after terminating TLS, and our Worker's HTTP-to-HTTPS redirect stays out of the way.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { WorkerSettings, workerSettings } from "../components/cloudflare/worker/settings";
import { workerCompatibilityDate, workerMainModule, workerModuleSource } from "../components/cloudflare/worker/source";
import { Site } from "../components/model/types";
import { freePort, startChild, stopChild, waitForPort } from "./children";
import { childPids, commandName } from "./proc";

/** The header the bench sends to say the client's connection was HTTPS. */
export const forwardedProtoHeader = "X-Forwarded-Proto";

/** Where the bare pass-through Worker sends everything (any host: the external service ignores it). */
export const bareUpstream = "https://origin.bench.invalid";

/** The floor of what any proxy Worker costs: every request passed on as it came, the response returned as is. */
export const bareWorkerSource = `export default {
    fetch(request) {
        const url = new URL(request.url);
        return fetch(${JSON.stringify(bareUpstream)} + url.pathname + url.search, request);
    },
};
`;

/** One Worker to serve: its ES module and an optional SETTINGS json binding. */
export interface WorkerBundle {
    readonly mainModule: string;
    readonly source: string;
    readonly settings?: unknown;
    readonly compatibilityDate: string;
}

/**
 * Our generated proxy Worker for `site`, exactly as the Cloudflare adapter uploads it; `settings` may change the
 * SETTINGS binding (to turn a feature off and measure what it costs).
 */
export function proxyWorkerBundle(site: Site, settings: (s: WorkerSettings) => WorkerSettings = (s) => s): WorkerBundle {
    return {
        mainModule: workerMainModule,
        source: workerModuleSource(),
        settings: settings(workerSettings(site)),
        compatibilityDate: workerCompatibilityDate,
    };
}

export function bareWorkerBundle(): WorkerBundle {
    return { mainModule: "bare.mjs", source: bareWorkerSource, compatibilityDate: workerCompatibilityDate };
}

export interface WorkerdConfigOptions {
    readonly mainModule: string;
    readonly compatibilityDate: string;
    /** Whether a SETTINGS json binding is embedded from `settings.json`. */
    readonly withSettings: boolean;
    readonly listenPort: number;
    /** `127.0.0.1:<port>` of the origin every subrequest goes to. */
    readonly originAddress: string;
}

/** The capnp config of a standalone workerd serving one Worker; the module and settings are embedded from files. */
export function workerdConfig(o: WorkerdConfigOptions): string {
    const q = (s: string) => JSON.stringify(s);
    const bindings = o.withSettings ? `[ (name = "SETTINGS", json = embed "settings.json") ]` : "[]";
    return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "proxy", worker = .proxyWorker),
    (name = "origin", external = (address = ${q(o.originAddress)}, http = ())),
  ],
  sockets = [
    (name = "http", address = ${q(`127.0.0.1:${o.listenPort}`)}, service = "proxy",
     http = (forwardedProtoHeader = ${q(forwardedProtoHeader)})),
  ],
);

const proxyWorker :Workerd.Worker = (
  modules = [ (name = ${q(o.mainModule)}, esModule = embed ${q(o.mainModule)}) ],
  compatibilityDate = ${q(o.compatibilityDate)},
  bindings = ${bindings},
  globalOutbound = "origin",
);
`;
}

export interface RunningWorker {
    /** The process whose CPU time and memory are the Worker's (workerd itself). */
    readonly pid: number;
    readonly port: number;
    stop(): Promise<void>;
}

const workerdBinary = (projectDir: string) => path.join(projectDir, "node_modules", ".bin", "workerd");

/** `workerd --version`, e.g. `workerd 2026-04-26`. */
export function workerdVersion(projectDir: string): string {
    return execFileSync(workerdBinary(projectDir), ["--version"], { encoding: "utf8" }).trim();
}

/** Writes the Worker's files into `dir` and serves it with standalone workerd. */
export async function startWorkerd(projectDir: string, dir: string, bundle: WorkerBundle, originAddress: string): Promise<RunningWorker> {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, bundle.mainModule), bundle.source);
    if (bundle.settings !== undefined) fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify(bundle.settings));
    const port = await freePort();
    const config = workerdConfig({
        mainModule: bundle.mainModule,
        compatibilityDate: bundle.compatibilityDate,
        withSettings: bundle.settings !== undefined,
        listenPort: port,
        originAddress,
    });
    fs.writeFileSync(path.join(dir, "config.capnp"), config);
    const log = fs.openSync(path.join(dir, "workerd.log"), "w");
    const child = startChild(workerdBinary(projectDir), ["serve", "config.capnp"], { cwd: dir, log });
    fs.closeSync(log);
    try {
        await waitForPort(port, child);
    } catch (err) {
        await stopChild(child);
        throw new Error(`${String(err)}; see ${path.join(dir, "workerd.log")}`);
    }
    return { pid: child.pid!, port, stop: () => stopChild(child) };
}

/**
 * The same Worker under Miniflare, for reference: Miniflare puts its own entry Worker in front, and its `upstream`
 * option makes requests arrive as `https://<site hostname><path>`. The pid is Miniflare's workerd child.
 */
export async function startMiniflare(site: Site, originAddress: string): Promise<RunningWorker> {
    const before = new Set(childPids(process.pid));
    const bundle = proxyWorkerBundle(site);
    const mf = new Miniflare({
        modules: [{ type: "ESModule", path: bundle.mainModule, contents: bundle.source }],
        compatibilityDate: bundle.compatibilityDate,
        cf: false,
        bindings: { SETTINGS: JSON.parse(JSON.stringify(bundle.settings)) },
        outboundService: { external: { address: originAddress, http: {} } },
        upstream: `https://${site.hostname}`,
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
            stdout.resume();
            stderr.resume();
        },
    });
    const entry = await mf.ready;
    const pid = childPids(process.pid).find((p) => !before.has(p) && commandName(p) === "workerd") ?? 0;
    return { pid, port: Number(entry.port), stop: () => mf.dispose() };
}
