// The policy pack as the npm package ships it: dist/policy/, compiled to JavaScript. A user runs it from their own
// project with `pulumi up --policy-pack node_modules/first-party-proxy/dist/policy`. Pulumi starts a Node.js pack
// with ts-node, which compiles no TypeScript inside node_modules, so the installed pack must be JavaScript; its
// imports (@pulumi/policy, @pulumi/pulumi, @pulumi/aws, @pulumi/cloudflare) resolve from the package's dependencies.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const source = path.join(root, "policy");

/** Compiles policy/ into `outDir` with the files Pulumi reads there (PulumiPolicy.yaml, package.json). */
function buildPolicyPack(outDir) {
    fs.rmSync(outDir, { recursive: true, force: true });
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(source, "tsconfig.json"), "--outDir", outDir], { stdio: "inherit" });
    for (const file of ["PulumiPolicy.yaml", "package.json", "README.md"]) fs.copyFileSync(path.join(source, file), path.join(outDir, file));
    return outDir;
}

module.exports = { buildPolicyPack };

if (require.main === module) {
    buildPolicyPack(path.join(root, "dist", "policy"));
    console.log("first-party-proxy: built dist/policy (the policy pack, as JavaScript)");
}
