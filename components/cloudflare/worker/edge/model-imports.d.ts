/*
 * The model's types (components/model/types.ts) import a type from publicPaths.ts, which hashes with Node's crypto at
 * plan time. None of that reaches the Worker (esbuild bundles only what the edge code calls), but type-checking the
 * edge code follows the import: this declares the one function publicPaths.ts uses, so that the edge project checks
 * without Node's types.
 */
declare module "crypto" {
    interface Hash {
        update(data: string): Hash;
        digest(): Uint8Array;
    }
    export function createHash(algorithm: string): Hash;
}
