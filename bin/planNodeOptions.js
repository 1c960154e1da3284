"use strict";
// Node options the offline plan runs with (the bin, `npm run plan`, the benchmark) and the stack program too
// (Pulumi.yaml runtime.options.nodeargs). A plan allocates an Output with its promises per output property of every
// resource; young objects that die young are what V8's semi-space holds, and at its default size (16 MB) they are
// promoted and collected again by full garbage collections: at 1,000 proxies a third of the plan's CPU. 64 MB keeps
// them young (bench/results.md, Program scale).
module.exports = ["--max-semi-space-size=64"];
