import { Unprobed } from "./targets";
import { ReportRow } from "./types";

const columns = [
    { title: "Check", width: 28 },
    { title: "Result", width: 6 },
    { title: "Reason", width: 50 },
    { title: "Fix", width: 56 },
] as const;

/** The report as a text table, one block per proxy and hostname, long cells wrapped. */
export function renderReport(rows: readonly ReportRow[], unprobed: readonly Unprobed[] = []): string {
    const lines: string[] = [];
    const groups = new Map<string, ReportRow[]>();
    for (const row of rows) {
        const key = `${row.proxy}  ${row.host}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const rule = columns.map((c) => "-".repeat(c.width)).join("-+-");
    for (const [title, group] of groups) {
        lines.push(title, tableRow(columns.map((c) => c.title)), rule);
        for (const r of group) lines.push(tableRow([r.check, r.skipped ? "skip" : r.ok ? "pass" : "FAIL", r.detail, r.fix]));
        lines.push("");
    }
    for (const u of unprobed) lines.push(`${u.proxy}: not verified: ${u.reason}`, "");
    const failed = rows.filter((r) => !r.ok).length;
    const skipped = rows.filter((r) => r.skipped).length;
    lines.push(
        failed === 0
            ? `All ${rows.length - skipped} checks passed${skipped ? ` (${skipped} skipped)` : ""}.`
            : `${failed} of ${rows.length} checks failed${skipped ? ` (${skipped} skipped)` : ""}.`,
    );
    return lines.join("\n");
}

function tableRow(cells: readonly string[]): string {
    const wrapped = cells.map((cell, i) => wrap(cell, columns[i].width));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let line = 0; line < height; line++) {
        out.push(wrapped.map((w, i) => (w[line] ?? "").padEnd(columns[i].width)).join(" | ").trimEnd());
    }
    return out.join("\n");
}

/** Word-wraps text to `width`, breaking words longer than a line. */
export function wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/).filter(Boolean)) {
        for (let w = word; w.length > 0; ) {
            const room = line ? width - line.length - 1 : width;
            if (w.length <= room) {
                line = line ? `${line} ${w}` : w;
                w = "";
            } else if (!line && w.length > width) {
                lines.push(w.slice(0, width));
                w = w.slice(width);
            } else {
                lines.push(line);
                line = "";
            }
        }
    }
    if (line || lines.length === 0) lines.push(line);
    return lines;
}
