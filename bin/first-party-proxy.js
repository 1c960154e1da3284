#!/usr/bin/env node
// The package's command line: `first-party-proxy plan|verify [options]`. It runs the command in this process (a plan
// in a child with planNodeOptions, its output passed through), so its stdout is only what the command prints (no npm
// banner): `npx first-party-proxy plan --stack dev --json` is exactly one JSON document. From this repository it runs
// the TypeScript scripts under ts-node's transpile-only hook, as the npm scripts do; the installed package has no
// sources, and runs what `npm run build` compiled into dist/.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { Command } = require("commander");

const root = path.resolve(__dirname, "..");
const commands = {
    plan: ["scripts/plan.ts", "plan a stack offline under Pulumi's runtime mocks (no CLI, account or credentials)"],
    verify: ["scripts/verify.ts", "probe deployed proxies the way the vendors' own checkpoints do"],
};

const planNodeOptions = require("./planNodeOptions");

function run(name, args) {
    // V8's heap sizes are fixed when the process starts: a plan without its options runs again in a child that has them.
    if (name === "plan" && !planNodeOptions.every((o) => process.execArgv.includes(o))) {
        const child = spawnSync(process.execPath, [...process.execArgv, ...planNodeOptions, __filename, name, ...args], { stdio: "inherit" });
        if (child.error) throw child.error;
        process.exit(child.status ?? 1);
    }
    const [script] = commands[name];
    let file = path.join(root, script);
    if (fs.existsSync(file)) {
        require("ts-node").register({ transpileOnly: true, projectSearchDir: root });
    } else {
        file = path.join(root, "dist", script.replace(/\.ts$/, ".js"));
    }
    // The script parses process.argv as `node <script> <args…>`, as under `npm run <name> -- <args…>`.
    process.argv = [process.argv[0], file, ...args];
    require(file);
}

const cli = new Command("first-party-proxy")
    .description("Serve analytics vendors from your own domain: offline plan and post-deploy checks.")
    .enablePositionalOptions()
    .addHelpText("after", "\nEach command has its own --help, e.g. `first-party-proxy plan --help`.");
for (const [name, [, description]] of Object.entries(commands)) {
    cli.command(name)
        .description(description)
        .helpOption(false)
        .allowUnknownOption()
        .allowExcessArguments()
        .passThroughOptions()
        .argument("[options...]", `the options of ${name} (see \`first-party-proxy ${name} --help\`)`)
        .action((args) => run(name, args));
}
cli.parse();
