// npm's `prepare` lifecycle: builds dist/ (JS and .d.ts) so that `npm install <git URL>` and `npm pack` get a
// usable package. It runs on `npm ci` as well; in this repository's own checkout nothing needs dist/ (tests and the
// stack program run the TypeScript sources), so `npm ci` here skips the compile (15-20 s). A git dependency is prepared
// in a clone of its own (INIT_CWD is the consumer's project there), so it is always built.
const { execFileSync } = require("child_process");
const path = require("path");

const ownCheckout = process.env.INIT_CWD !== undefined && path.resolve(process.env.INIT_CWD) === path.resolve(process.cwd());
if (process.env.npm_command === "ci" && ownCheckout) {
    console.log("first-party-proxy: npm ci in the repository itself, dist/ not built (npm run build builds it)");
} else {
    execFileSync(process.execPath, [path.join(__dirname, "build.js")], { stdio: "inherit" });
}
