/*
 * A shared Worker's site table (sharedWorker.ts): which site's settings serve a request, by its hostname and, on a
 * shared host (the user's own site, where each proxy owns a path prefix), the prefix its path starts with. Pure: no
 * Workers API, tested directly.
 */
import type { SharedWorkerSite, SharedWorkerSites, WorkerSettings } from "../settings";

/** The table by hostname, each hostname's sites with the longest path prefix first. */
export type SharedSiteIndex = ReadonlyMap<string, readonly SharedWorkerSite[]>;

export function indexSharedSites(sites: SharedWorkerSites): SharedSiteIndex {
    const index = new Map<string, readonly SharedWorkerSite[]>();
    for (const host of Object.keys(sites)) {
        index.set(host, [...sites[host]].sort((a, b) => (b.pathPrefix ?? "").length - (a.pathPrefix ?? "").length));
    }
    return index;
}

/**
 * The settings of the site that serves `href` (a request URL as the runtime serializes it: lower-case host, no
 * userinfo, dot segments resolved), or undefined when none does. Cut from the string, as proxy.ts cuts the path: no
 * URL parsing on the hot path.
 */
export function sharedSiteFor(index: SharedSiteIndex, href: string): WorkerSettings | undefined {
    const hostStart = href.indexOf("//") + 2;
    let pathStart = href.indexOf("/", hostStart);
    if (pathStart === -1) pathStart = href.length;
    let host = href.slice(hostStart, pathStart);
    // A port (Cloudflare proxies a few besides 443 and 80) is not part of the hostname a site is known by.
    const colon = host.lastIndexOf(":");
    if (colon !== -1 && !host.endsWith("]")) host = host.slice(0, colon);
    const candidates = index.get(host);
    if (candidates === undefined) return undefined;
    for (const site of candidates) {
        const prefix = site.pathPrefix;
        if (prefix === undefined) return site.settings;
        // `/k7` serves `/k7`, `/k7/...` and `/k7?...`, never `/k7x`.
        if (href.startsWith(prefix, pathStart)) {
            const next = href.charAt(pathStart + prefix.length);
            if (next === "" || next === "/" || next === "?") return site.settings;
        }
    }
    return undefined;
}
