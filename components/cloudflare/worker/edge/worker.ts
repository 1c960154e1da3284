/*
 * The one-site proxy Worker: its site's settings are the `SETTINGS` json binding (../settings.ts). Bundled by esbuild
 * into the single ES module a per-site WorkersScript uploads (see ../source.ts).
 *
 * Every request pays for what runs here, so the hot path avoids work a plain proxy would do without thinking: see the
 * comments on each trick in proxy.ts, and measure changes with bench/workerProfile.ts.
 */
import type { WorkerSettings } from "../settings";
import { proxy } from "./proxy";

interface Env {
    readonly SETTINGS: WorkerSettings;
}

export default {
    fetch(request, env) {
        return proxy(request, env.SETTINGS);
    },
} satisfies ExportedHandler<Env>;
