import { createHash } from "crypto";

/** Cloudflare's limit on a Worker script name. */
export const maxScriptNameLength = 63;

/**
 * The Worker script name for a site: `<stack>-<site name>`, unique per account across stacks. Cloudflare takes
 * lower-case letters, digits and inner hyphens, at most 63 characters; anything else becomes a hyphen, and a name
 * that is too long keeps its start and ends with a hash of the whole, so two long names never collide.
 */
export function workerScriptName(stack: string, siteName: string): string {
    const full = `${stack}-${siteName}`;
    const clean = cleanScriptName(full);
    if (clean.length === 0) throw new Error(`cannot derive a Worker script name from "${full}"`);
    if (clean.length <= maxScriptNameLength && clean === full) return clean;
    // Cleaned or shortened: the hash of the original keeps `a.b` and `a_b` (or two long names) apart.
    const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
    const room = maxScriptNameLength - hash.length - 1;
    return `${clean.slice(0, room).replace(/-+$/, "")}-${hash}`;
}

/** A site's resource name inside its proxy: the proxy's own name for one site, `<proxy>-<role>` for several. */
export function siteResourceName(proxyName: string, role: string, siteCount: number): string {
    return siteCount === 1 ? proxyName : `${proxyName}-${role}`;
}

/** Lower-case letters, digits and single inner hyphens: anything else becomes one hyphen. */
const cleanScriptName = (name: string): string =>
    name
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/^-+|-+$/g, "");

/**
 * The shared script of a site (`cloudflare.workerScripts: shared`): its vendor and site role (`posthog-main`,
 * `segment-cdn`), the layout every such site's route table follows.
 */
export const sharedScriptGroup = (vendor: string, role: string): string => cleanScriptName(`${vendor}-${role}`);

/**
 * The shared Worker script name of a group: `<prefix>-shared--<group>`. A per-site name (workerScriptName) never holds
 * two hyphens in a row, so the two kinds never collide, whatever the proxies are called: switching a stack between
 * them never has one script overwrite, then delete, the other. Too long, it keeps its start and ends with a hash.
 */
export function sharedWorkerScriptName(prefix: string, group: string): string {
    const head = `${cleanScriptName(prefix)}-shared`;
    const full = `${head}--${group}`;
    if (full.length <= maxScriptNameLength && cleanScriptName(prefix) === prefix) return full;
    const hash = createHash("sha256").update(`${prefix}|${group}`).digest("hex").slice(0, 8);
    const room = maxScriptNameLength - hash.length - 1 - group.length - 2;
    return `${head.slice(0, Math.max(room, 1)).replace(/-+$/, "")}--${group}-${hash}`.slice(0, maxScriptNameLength);
}
