/*
 * Request targets: the path and query cut from the request URL, and the checks that keep every upstream request on
 * its configured origin.
 */

/**
 * Characters and sequences that let a path name another authority or climb out of its prefix. Most paths have none
 * of them, so the full check (isUnsafePath, which decodes the path) runs only when one is present.
 */
const suspiciousPath = /[%\\@]|\/\/|\/\.\.?(\/|$)/;

export function isSuspiciousPath(pathname: string): boolean {
    return suspiciousPath.test(pathname);
}

const percentEncoded = /%([0-9a-f]{2})/gi;
const dotSegment = /(^|\/)\.\.?(\/|$)/;

/**
 * Paths some parser could read as another authority, or that climb out of the routed (or rewritten) prefix once
 * decoded. Only called for suspicious paths.
 */
export function isUnsafePath(pathname: string): boolean {
    const decoded = pathname.replace(percentEncoded, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    for (const p of [pathname, decoded]) {
        if (p.startsWith("//") || p.includes("\\") || p.includes("@") || dotSegment.test(p)) return true;
    }
    return false;
}

/** One origin as the handler uses it: its base URL and that URL's origin, for the re-parse check below. */
export interface OriginAuthority {
    readonly baseUrl: string;
    readonly urlOrigin: string;
}

/**
 * The upstream URL, built from the configured origin and the upstream path only; undefined if it would leave that
 * origin. A path with none of the suspicious characters cannot name another authority or change when parsed again,
 * so only the others pay for parsing the result and comparing.
 */
export function upstreamUrl(origin: OriginAuthority, pathname: string, search: string, suspicious: boolean): string | undefined {
    const href = origin.baseUrl + pathname + search;
    if (!suspicious) return href;
    const target = new URL(href);
    return target.origin === origin.urlOrigin && target.pathname === pathname ? target.href : undefined;
}
