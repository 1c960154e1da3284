// `npm run build`: the package as npm ships it. dist/ holds the JavaScript (tsc, CommonJS) and dist/types/ the
// declarations. The edge code (the Cloudflare Worker, the CloudFront Function) is bundled by esbuild when a program
// plans, from its TypeScript sources next to the module that bundles it: those sources, and the ones they import, are
// copied into dist/ at the same paths, so an installed package bundles byte for byte what this repository bundles.
// The declarations live apart (dist/types/) so that a TypeScript consumer never resolves those sources.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { buildSync } = require("esbuild");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });

/** Every .ts file in a folder named `edge` under components/: the entry points of the edge bundles. */
function edgeEntries(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return edgeEntries(full);
        return path.basename(dir) === "edge" && e.name.endsWith(".ts") ? [full] : [];
    });
}

const sources = new Set();
for (const entry of edgeEntries(path.join(root, "components"))) {
    const { metafile } = buildSync({ entryPoints: [entry], absWorkingDir: root, bundle: true, write: false, metafile: true, format: "esm", platform: "neutral", logLevel: "silent" });
    for (const input of Object.keys(metafile.inputs)) if (input.endsWith(".ts")) sources.add(input);
}
for (const source of [...sources].sort()) {
    const target = path.join(dist, source);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, source), target);
}
console.log(`first-party-proxy: built dist/ (${sources.size} edge sources copied for esbuild)`);
