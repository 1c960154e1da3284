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
    const clean = full
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/^-+|-+$/g, "");
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
