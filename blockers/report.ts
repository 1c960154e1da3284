/* The markdown report of `npm run blockers`: a summary table, then every request of every row. */
import { SdkSettings } from "../components/model/types";
import { RecordedRequest } from "./browser";

export interface Row {
    readonly vendor: string;
    /** `cloudfront`, `cloudflare-worker`, or `vendor hosts` for an anchor. */
    readonly cdn: string;
    readonly layout: string;
    readonly sdk: SdkSettings;
    readonly requests: readonly RecordedRequest[];
    /** The vendor's events reached the fake vendor. */
    readonly events: boolean;
    /** Session recordings reached it (PostHog, Amplitude Session Replay). */
    readonly recordings?: boolean;
    /** Requests that went straight to a vendor host in a proxied row (e.g. Amplitude's analytics API): shown apart. */
    readonly bypass: (r: RecordedRequest) => boolean;
}

export interface RunInfo {
    readonly snapshot: string;
    /** The regression fixture's filters (test/blockers/snapshotFilters.ts), checked against the lists of this run. */
    readonly fixture: readonly { readonly filter: string; readonly list: string; readonly line: number; readonly found: string }[];
    readonly seconds: number;
    readonly date: string;
}

export interface RowSummary {
    readonly requests: number;
    readonly blocked: number;
    /** Requests that bypassed the proxy, and how many of those were blocked. */
    readonly bypassing: number;
    readonly bypassingBlocked: number;
    /** Blocked in-scope requests or undelivered events. */
    readonly fails: boolean;
}

export function rowSummary(row: Row): RowSummary {
    const inScope = row.requests.filter((r) => !row.bypass(r));
    const out = row.requests.filter((r) => row.bypass(r));
    const blocked = inScope.filter((r) => r.blocked).length;
    return {
        requests: inScope.length,
        blocked,
        bypassing: out.length,
        bypassingBlocked: out.filter((r) => r.blocked).length,
        fails: blocked > 0 || !row.events || row.recordings === false,
    };
}

const yesNo = (v: boolean | undefined) => (v === undefined ? "–" : v ? "yes" : "**no**");
const cell = (s: string) => s.replace(/\|/g, "\\|");

/** A URL short enough for a table: the query cut to 40 characters. */
export function shortUrl(url: string): string {
    const u = new URL(url);
    const query = u.search.length > 41 ? `${u.search.slice(0, 40)}…` : u.search;
    return `${u.origin}${u.pathname}${query}`;
}

export function summaryLine(row: Row): string {
    const s = rowSummary(row);
    const extra = s.bypassing ? ` (+${s.bypassing} straight to vendor hosts, ${s.bypassingBlocked} blocked)` : "";
    const rec = row.recordings === undefined ? "" : `, recordings delivered ${row.recordings ? "yes" : "no"}`;
    return `${row.vendor} · ${row.cdn} · ${row.layout}: ${s.requests} requests, ${s.blocked} blocked${extra}, events delivered ${row.events ? "yes" : "no"}${rec}`;
}

export function renderReport(rows: readonly Row[], info: RunInfo): string {
    const lines: string[] = [];
    lines.push("# Blocker survival: uBlock Origin's default lists against the vendors' real SDKs", "");
    lines.push(`Run ${info.date} by \`npm run blockers\` in ${info.seconds} s. Lists: ${info.snapshot}, loaded into uBlock Origin's own static network filtering engine (@gorhill/ubo-core).`, "");
    lines.push("Each row loads the vendor's real SDK in headless Chromium at https://www.example.com/ with the settings in the proxy's `sdk` output (anchors: the vendor's own hostnames), exercises it (an event, flags or config, a session recording), and decides every request with the engine: blocked requests are aborted, the rest go through the planned proxy to stand-ins of the vendor's origins.", "");
    lines.push("## Summary", "");
    lines.push("| vendor | CDN | layout | requests | blocked | events delivered | recordings delivered | bypassing the proxy (blocked) |");
    lines.push("|---|---|---|---:|---:|---|---|---|");
    for (const row of rows) {
        const s = rowSummary(row);
        lines.push(`| ${row.vendor} | ${row.cdn} | ${cell(row.layout)} | ${s.requests} | ${s.blocked ? `**${s.blocked}**` : 0} | ${yesNo(row.events)} | ${yesNo(row.recordings)} | ${s.bypassing ? `${s.bypassing} (${s.bypassingBlocked})` : "–"} |`);
    }
    lines.push("");
    const filters = new Map<string, Set<string>>();
    for (const row of rows) for (const r of row.requests) if (r.filter) (filters.get(`${r.filter}\u0000${r.list ?? "?"}`) ?? filters.set(`${r.filter}\u0000${r.list ?? "?"}`, new Set()).get(`${r.filter}\u0000${r.list ?? "?"}`)!).add(`${row.vendor} · ${row.cdn} · ${row.layout}`);
    lines.push("## Filters that decided a request", "");
    if (filters.size === 0) lines.push("None.", "");
    else {
        lines.push("| filter | list | rows |", "|---|---|---|");
        for (const [key, where] of filters) {
            const [filter, list] = key.split("\u0000");
            lines.push(`| \`${cell(filter)}\` | ${cell(list)} | ${[...where].map(cell).join("; ")} |`);
        }
        lines.push("");
    }
    const inFixture = new Set(info.fixture.map((f) => f.filter));
    const missing = [...filters.keys()].map((k) => k.split("\u0000")[0]).filter((f) => !inFixture.has(f) && ![...inFixture].some((x) => normalizeForCompare(x) === normalizeForCompare(f)));
    lines.push("## The regression fixture against these lists", "");
    lines.push("`npm test` checks the planned SDK URLs against the lines in test/blockers/snapshotFilters.ts. In this run's lists:", "");
    lines.push("| filter | list | fixture line | in these lists |", "|---|---|---:|---|");
    for (const f of info.fixture) lines.push(`| \`${cell(f.filter)}\` | ${cell(f.list)} | ${f.line} | ${cell(f.found)} |`);
    lines.push("");
    lines.push(missing.length ? `Filters that decided a request here but are not in the fixture (add them): ${missing.map((f) => `\`${cell(f)}\``).join(", ")}.` : "Every filter that decided a request here is in the fixture.", "");
    lines.push("## Every request", "");
    for (const row of rows) {
        lines.push(`### ${summaryLine(row)}`, "");
        lines.push("| method | URL | type | uBO | filter | result | delivered upstream |", "|---|---|---|---|---|---|---|");
        for (const r of row.requests) {
            const ubo = r.blocked ? "**blocked**" : r.filter ? "allowed (exception)" : "passed";
            const result = r.status !== undefined ? String(r.status) : r.error ?? "";
            const scope = row.bypass(r) ? " (bypasses the proxy)" : "";
            lines.push(`| ${r.method} | ${cell(shortUrl(r.url))}${scope} | ${r.uboType} | ${ubo} | ${r.filter ? `\`${cell(r.filter)}\`` : ""} | ${cell(result)} | ${r.delivered.map((d) => cell(shortUrl(`https://${d}`))).join("<br>")} |`);
        }
        lines.push("");
    }
    return lines.join("\n");
}

/** Filters as the engine prints them and as lists spell them differ in option names only (`$3p` / `$third-party`). */
function normalizeForCompare(filter: string): string {
    return filter.replace(/\$third-party/g, "$3p").replace(/,?domain=/g, ",from=").replace(/\$,/, "$");
}
