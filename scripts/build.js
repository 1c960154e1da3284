// `npm run build`: the package as npm ships it. dist/ holds the JavaScript (tsc, CommonJS) and dist/types/ the
// declarations. The edge code (the Cloudflare Worker, the CloudFront Function) is bundled by esbuild from its
// TypeScript sources; an installed package has no sources to bundle (and esbuild would take the compiled JavaScript
// in node_modules), so the bundles are built here, from the sources, with the very functions the program uses, and
// written next to the compiled modules that read them (components/prebuiltBundle.ts).
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });

require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
const { workerBundleFile, sharedWorkerBundleFile, cloudFrontEdgeFiles, cloudFrontBundleFile } = require("../components/prebuiltBundle");
const { bundleWorkerModule, sharedWorkerEntry } = require("../components/cloudflare/worker/source");
const { edgeBundle } = require("../components/aws/viewerRequestFunction");

const bundles = [
    [path.join(dist, "components/cloudflare/worker", workerBundleFile), bundleWorkerModule()],
    [path.join(dist, "components/cloudflare/worker", sharedWorkerBundleFile), bundleWorkerModule(sharedWorkerEntry)],
    ...cloudFrontEdgeFiles.map((file) => [path.join(dist, "components/aws", cloudFrontBundleFile(file)), edgeBundle(file)]),
];
for (const [file, text] of bundles) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}
// The policy pack, as JavaScript: `pulumi up --policy-pack node_modules/first-party-proxy/dist/policy`.
require("./buildPolicyPack").buildPolicyPack(path.join(dist, "policy"));
console.log(`first-party-proxy: built dist/ (JavaScript, declarations in dist/types/, ${bundles.length} edge bundles, the policy pack in dist/policy/)`);
