import { NamedList } from "../../blockers/engine";

/*
 * The lines of uBlock Origin's default lists that decide requests of the vendors' SDKs, copied verbatim from one
 * snapshot so that `npm test` needs no download: `npm run blockers` runs the whole lists (and names the lines that
 * hit, so this file can follow them when the lists change).
 */
export const snapshot = "Debian webext-ublock-origin-chromium 1.67.0+dfsg-1~deb12u1 (list files dated 2025-10-31)";

export interface SnapshotFilter {
    /** The list and its file in the package's assets directory. */
    readonly list: string;
    /** Line number in that file, in the snapshot above. */
    readonly line: number;
    readonly filter: string;
    /** What it does to the vendors' SDKs. */
    readonly hits: string;
}

export const snapshotFilters: readonly SnapshotFilter[] = [
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 271,
        filter: "/analytics.js/v1/*",
        hits: "Segment's analytics.js at /analytics.js/v1/<key>/analytics.min.js, on any hostname (the proxy's too)",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 2859,
        filter: "://posthog.$script,domain=~posthog.com",
        hits: "any script from a hostname whose first label is posthog (a proxy named posthog.<your domain>)",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 5683,
        filter: "||segment.com^$third-party",
        hits: "cdn.segment.com from your site (analytics.js, lazily loaded bundles)",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 5684,
        filter: "||segment.io^$third-party",
        hits: "api.segment.io from your site (events)",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 10740,
        filter: "||i.posthog.com^",
        hits: "PostHog's ingestion and assets hosts (<region>.i.posthog.com, <region>-assets.i.posthog.com)",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 3979,
        filter: "||amplitude.com^$third-party",
        hits: "every Amplitude host from your site (Session Replay's api-sr and sr-client-cfg included)",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 658,
        filter: "/collect?v=",
        hits: "Google Analytics 4 hits (<server>/g/collect?v=2...) on any hostname, Google tag gateway's measurement path too",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 1129,
        filter: "/gtag/js?",
        hits: "the Google tag's own loader path (/gtag/js?id=...) on any hostname",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 1134,
        filter: "/gtm.js",
        hits: "Tag Manager's own loader path (/gtm.js?id=...) on any hostname",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 9964,
        filter: "||browser-intake-datadoghq.com^",
        hits: "Datadog's US1 intake (RUM events, Session Replay segments) from any page",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 5219,
        filter: "||mxpnl.com^$third-party",
        hits: "Mixpanel's CDN (the library its snippet loads) from any other site",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 14009,
        filter: "||api-js.mixpanel.com^",
        hits: "Mixpanel's browser ingestion API (/track, /engage, /decide) from any page",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 5424,
        filter: "||plausible.io^$third-party",
        hits: "Plausible's script and event API from any other site",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 54019,
        filter: "@@||cdn.segment.com/v1/projects/",
        hits: "exception: Segment's settings on cdn.segment.com pass (useless without analytics.js)",
    },
    {
        list: "EasyPrivacy (thirdparties/easylist/easyprivacy.txt)",
        line: 54016,
        filter: "@@||cdn.segment.com/analytics-next/",
        hits: "exception: analytics-next's lazily loaded bundles on cdn.segment.com pass",
    },
];

/** The filters above as lists the engine loads, one per source list (comments citing line and snapshot). */
export function snapshotLists(): NamedList[] {
    const byList = new Map<string, string[]>();
    for (const f of snapshotFilters) {
        const lines = byList.get(f.list) ?? [`! Lines copied from ${f.list}, ${snapshot}`];
        lines.push(`! line ${f.line}: ${f.hits}`, f.filter);
        byList.set(f.list, lines);
    }
    return [...byList].map(([name, lines]) => ({ name, raw: lines.join("\n") + "\n" }));
}
