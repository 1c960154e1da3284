/*
 * The local origin every bench variant ends at, standing in for a vendor endpoint: it answers POSTs with a small
 * JSON acknowledgement (as an ingestion API does), GETs of `*.js` with a 100 KB script (as an SDK CDN does), and
 * other GETs with small JSON (remote config). Request bodies are counted and discarded as they stream in, never
 * held. Responses are prepared once, so the origin costs as little CPU per request as Node allows.
 *
 * Run as its own process (`node -r ts-node/register/transpile-only bench/origin.ts <port>`), so that it does not
 * share an event loop with the load generator.
 */
import { ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { freePort, startChild, waitForPort } from "./children";

export const scriptBytes = 100 * 1024;

/** A 100 KB JavaScript file, like an SDK bundle (plain text, not compressed). */
export const scriptBody: Buffer = (() => {
    const line = "/* first-party-proxy bench asset */ (function(){var a=[];for(var i=0;i<8;i++)a.push(i*i);})();\n";
    return Buffer.from(line.repeat(Math.ceil(scriptBytes / line.length)).slice(0, scriptBytes));
})();

const configBody = Buffer.from(JSON.stringify({ config: { sampleRate: 0.1, enabled: true } }));

const scriptHeaders = {
    "content-type": "application/javascript; charset=utf-8",
    "content-length": String(scriptBody.length),
    "cache-control": "public, max-age=3600",
};

/** The request handler: routes on method and path only, as the answers do not depend on the Host. */
export function handleOriginRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    let received = 0;
    req.on("data", (chunk: Buffer) => {
        received += chunk.length;
    });
    req.on("end", () => {
        const pathname = (req.url ?? "/").split("?")[0];
        if (req.method === "GET" && pathname.endsWith(".js")) {
            res.writeHead(200, scriptHeaders);
            res.end(scriptBody);
            return;
        }
        const body = req.method === "GET" ? configBody : Buffer.from(`{"code":200,"received":${received}}`);
        res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
        res.end(body);
    });
}

/** Starts the origin in this process on 127.0.0.1:`port`. */
export function listenOrigin(port: number): Promise<http.Server> {
    const server = http.createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, handleOriginRequest);
    // Proxies keep upstream connections open between rounds.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 130_000;
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

export interface OriginProcess {
    readonly child: ChildProcess;
    readonly pid: number;
    readonly port: number;
    /** `127.0.0.1:<port>`. */
    readonly address: string;
}

/** Starts the origin as a child process and waits until it listens. */
export async function startOrigin(projectDir: string): Promise<OriginProcess> {
    const port = await freePort();
    const child = startChild(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(projectDir, "bench", "origin.ts"), String(port)], {
        cwd: projectDir,
        stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForPort(port, child);
    return { child, pid: child.pid!, port, address: `127.0.0.1:${port}` };
}

if (require.main === module) {
    const port = Number(process.argv[2]);
    if (!Number.isInteger(port) || port <= 0) {
        process.stderr.write("usage: bench/origin.ts <port>\n");
        process.exit(2);
    }
    listenOrigin(port).catch((err: unknown) => {
        process.stderr.write(`origin: ${String(err)}\n`);
        process.exit(1);
    });
}
