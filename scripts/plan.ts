import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { project } from "../components/config/load";
import { planProgram, presentPlan } from "../components/plan/mockPlan";
import { renderMermaid } from "../components/plan/renderMermaid";
import { renderTree } from "../components/plan/renderTree";
import { defaultProjectDir, loadStackSettings, stackSettingsFile } from "../components/plan/stackSettings";

const projectDir = defaultProjectDir(__dirname);

const cli = new Command("plan")
    .description("Plan a stack offline under Pulumi's runtime mocks: no CLI, account or credentials needed.")
    .option("-s, --stack <name>", "stack whose Pulumi.<name>.yaml to read", "dev")
    .option("-c, --config-file <path>", "a stack settings file to read instead of Pulumi.<stack>.yaml")
    .option("--json", "print exactly one JSON document {resources, outputs, mock} on stdout")
    .option("--mermaid", "print a Mermaid flowchart of the planned resources: hostnames → CDN → routes → origins")
    .addHelpText("after", "\nExamples:\n  npx first-party-proxy plan --stack dev\n  npx first-party-proxy plan --config-file examples/cloudflare-worker.yaml --json\n  npx first-party-proxy plan --stack dev --mermaid");

async function main(): Promise<void> {
    cli.parse();
    const opts = cli.opts<{ stack: string; configFile?: string; json?: boolean; mermaid?: boolean }>();
    if (opts.json && opts.mermaid) throw new Error("give --json or --mermaid, not both");
    const file = opts.configFile ? path.resolve(opts.configFile) : stackSettingsFile(projectDir, opts.stack);
    const stack = opts.configFile ? path.basename(file).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, "") : opts.stack;
    if (!fs.existsSync(file)) {
        throw new Error(`No stack settings file ${file}: create it (see Pulumi.dev.yaml and examples/) or pass --config-file <path>`);
    }
    const { config, notes } = loadStackSettings(file);
    for (const note of notes) process.stderr.write(`note: ${note}\n`);

    // What the user reads or copies marks values only a deploy knows; ids stay as references.
    const raw = await planProgram(config, () => require("../program"), { project, stack });
    const plan = presentPlan(raw);
    if (opts.json) {
        process.stdout.write(JSON.stringify(plan, null, 2) + "\n");
    } else if (opts.mermaid) {
        process.stdout.write(renderMermaid(raw) + "\n");
    } else {
        process.stdout.write(renderTree(plan, `Stack ${stack} (${path.relative(process.cwd(), file) || file})`) + "\n\n");
        process.stdout.write("Outputs:\n" + JSON.stringify(plan.outputs, null, 2) + "\n");
    }
}

main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${message}\n`);
    process.exit(1);
});
