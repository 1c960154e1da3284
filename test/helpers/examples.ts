import * as path from "path";
import { Plan, planProgram } from "../../components/plan/mockPlan";

/*
 * The TypeScript examples (examples/<name>/index.ts) as their users run them: each imports the package by its name,
 * `first-party-proxy`, which here resolves to the repository's own main (index.ts), as tsconfig.json's `paths` does
 * for the type check. Only imports made from examples/ are redirected.
 */

const examples = path.resolve(__dirname, "../../examples");
const main = path.resolve(__dirname, "../../index.ts");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require("module") as { _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string };
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
    const fromExample = request === "first-party-proxy" && parent?.filename?.startsWith(examples + path.sep);
    return resolve.call(this, fromExample ? main : request, parent, ...rest);
};

/** How to run examples/<name>/index.ts: its project's flat config (keys given without the prefix) and the program. */
export function exampleRun(name: string, config: Record<string, string>, stack = "dev") {
    const file = path.join(examples, name, "index.ts");
    const flat: Record<string, string> = { "aws:region": "eu-west-1" };
    for (const [key, value] of Object.entries(config)) flat[`${name}:${key}`] = value;
    const program = () => {
        // A new program run each time: the module runs again.
        delete require.cache[require.resolve(file)];
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(file);
    };
    return { config: flat, program, at: { project: name, stack } };
}

/** Plans examples/<name>/index.ts under mocks with its project's config. */
export function planExample(name: string, config: Record<string, string>, stack = "dev"): Promise<Plan> {
    const run = exampleRun(name, config, stack);
    return planProgram(run.config, run.program, run.at);
}
