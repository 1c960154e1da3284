import * as fs from "fs";

/**
 * An edge bundle (the Worker, the CloudFront Function's code) that `npm run build` wrote next to the compiled module
 * that needs it, or undefined when there is none (this repository runs the TypeScript sources and bundles them). An
 * installed package reads the bundle built from this repository's sources: esbuild would resolve the compiled
 * JavaScript in node_modules instead of the sources, and bundle different (CommonJS-wrapped) code.
 */
export function prebuiltBundle(file: string): string | undefined {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

/** Where the Worker's bundle is written, relative to components/cloudflare/worker/. */
export const workerBundleFile = "edge/worker.bundle.mjs";
/** Where the shared Worker's bundle is written, relative to components/cloudflare/worker/. */
export const sharedWorkerBundleFile = "edge/sharedWorker.bundle.mjs";
/** The edge modules of components/aws/edge/ that CloudFront Functions are bundled from. */
export const cloudFrontEdgeFiles = ["viewerRequest.ts", "ddforwardRequest.ts"] as const;
/** One of them: a function's code can only come from a module the build bundles. */
export type CloudFrontEdgeFile = (typeof cloudFrontEdgeFiles)[number];
/** Where the bundle of a CloudFront Function's edge module is written, relative to components/aws/. */
export const cloudFrontBundleFile = (file: string): string => `edge/${file.replace(/\.ts$/, "")}.bundle.js`;
