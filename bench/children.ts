/*
 * Child processes of the bench: each is started in its own process group and stopped by that group's id, so that
 * nginx's workers go with their master. Whatever is still running when the bench exits (normally, on an error, or on
 * Ctrl-C) is killed.
 */
import { ChildProcess, spawn, SpawnOptions } from "node:child_process";
import net from "node:net";

const live = new Set<ChildProcess>();

/** Starts `command` in a new process group, tracked for cleanup. Its output goes to `log` (a file descriptor) or nowhere. */
export function startChild(command: string, args: readonly string[], options: SpawnOptions & { log?: number } = {}): ChildProcess {
    installCleanup();
    const { log, ...spawnOptions } = options;
    const child = spawn(command, args, {
        stdio: ["ignore", log ?? "ignore", log ?? "ignore"],
        ...spawnOptions,
        detached: true,
    });
    live.add(child);
    child.once("exit", () => live.delete(child));
    return child;
}

/** Stops a child and its process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
        live.delete(child);
        return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
    // Anything left in the group (e.g. an nginx worker that outlived its master).
    killGroup(child.pid, "SIGKILL");
    live.delete(child);
}

/** Stops every child still running. */
export async function stopAllChildren(): Promise<void> {
    await Promise.all([...live].map((c) => stopChild(c)));
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pgid, signal);
    } catch {
        // Already gone.
    }
}

let cleanupInstalled = false;

// Last resort, installed in a process once it starts a child: synchronous kills when that process goes away.
function installCleanup(): void {
    if (cleanupInstalled) return;
    cleanupInstalled = true;
    process.once("exit", () => {
        for (const child of live) if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
            process.exit(130);
        });
    }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Resolves once something accepts connections on 127.0.0.1:`port`; rejects after `timeoutMs` or if `child` exits. */
export async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`${child.spawnfile} exited (${child.exitCode ?? child.signalCode}) before listening on ${port}`);
        }
        if (await canConnect(port)) return;
        await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${child.spawnfile} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}
