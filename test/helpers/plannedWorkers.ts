import { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { Plan } from "../../components/plan/mockPlan";
import { ofType } from "./plan";

const types = { script: "cloudflare:index/workersScript:WorkersScript", route: "cloudflare:index/workersRoute:WorkersRoute" };
const inputs = (r: { inputs: Record<string, unknown> }) => r.inputs as Record<string, any>;

/**
 * Every WorkersScript of a plan in one workerd, from its planned content, compatibility settings and SETTINGS
 * binding (none for a shared script), on its planned route patterns, with every subrequest sent to `upstream` (host:port on loopback).
 */
export async function startPlannedWorkers(plan: Plan, upstream: string): Promise<Miniflare> {
    const routes = ofType(plan, types.route).map(inputs);
    const scripts = ofType(plan, types.script);
    if (scripts.length === 0) throw new Error("the plan has no WorkersScript");
    const mf = new Miniflare({
        workers: scripts.map((s) => {
            const script = inputs(s);
            // A shared script (cloudflare.workerScripts: shared) carries its sites in its content, and no binding.
            const binding = (script.bindings ?? []).find((b: any) => b.name === "SETTINGS");
            return {
                name: script.scriptName,
                modules: [{ type: "ESModule" as const, path: script.mainModule, contents: script.content }],
                compatibilityDate: script.compatibilityDate,
                compatibilityFlags: script.compatibilityFlags,
                bindings: binding ? { SETTINGS: JSON.parse(binding.json) } : {},
                routes: routes.filter((r) => r.script === script.scriptName).map((r) => r.pattern as string),
                outboundService: { external: { address: upstream, http: {} } },
            };
        }),
        cf: false,
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
            stdout.resume();
            stderr.resume();
        },
    });
    await mf.ready;
    return mf;
}
