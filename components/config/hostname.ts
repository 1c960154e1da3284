import { domainToASCII, domainToUnicode } from "url";

/** Labels of at most 63 letters, digits and inner hyphens; punycode (`xn--`) is the way to write IDNs. */
const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Why a string is not a public DNS hostname we can serve, or undefined when it is one. */
export function hostnameProblem(value: string): string | undefined {
    if (value.length === 0) return "is empty";
    if (value.length > 253) return `is ${value.length} characters long; a hostname has at most 253`;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return `is a URL; give the bare hostname${urlHost(value)}`;
    if (value.includes("/")) return "contains a path; give the bare hostname";
    if (/[^\x21-\x7e]/.test(value)) {
        const ascii = /\s/.test(value) ? "" : domainToASCII(value.toLowerCase());
        return `has non-ASCII or blank characters; write internationalised names in punycode${ascii ? ` (${ascii})` : " (xn--...)"}`;
    }
    if (value !== value.toLowerCase()) return `has upper-case letters; write hostnames in lower case (${value.toLowerCase()})`;
    if (value.includes("*")) return "is a wildcard; each proxy serves one exact hostname";
    if (value.includes(":")) return "has a port or colon; give the bare hostname";
    if (value.endsWith(".")) return "ends with a dot; leave the trailing dot off";
    const labels = value.split(".");
    if (labels.length < 2) return "is not a fully qualified name (it needs at least one dot)";
    if (labels.some((l) => l.length === 0)) return "has an empty label (two dots in a row, or a leading dot)";
    const bad = labels.find((l) => !label.test(l));
    if (bad !== undefined) return `has an invalid label "${bad.length > 40 ? bad.slice(0, 37) + "..." : bad}" (letters, digits and inner hyphens, 1-63 characters)`;
    if (/^[0-9]+$/.test(labels[labels.length - 1])) return "is an IP address, not a hostname";
    const badPunycode = labels.find((l) => l.startsWith("xn--") && !isPunycodeLabel(l));
    if (badPunycode !== undefined) return `has the label "${badPunycode}", which is not valid punycode`;
    return undefined;
}

/** An `xn--` label that decodes to Unicode and encodes back to itself. */
function isPunycodeLabel(l: string): boolean {
    const unicode = domainToUnicode(l);
    return unicode !== "" && domainToASCII(unicode) === l;
}

function urlHost(value: string): string {
    try {
        const host = new URL(value).hostname;
        return host ? ` (${host})` : "";
    } catch {
        return "";
    }
}

/** Whether `hostname` is `zone` itself or a name below it. */
export function isInZone(hostname: string, zone: string): boolean {
    return hostname === zone || hostname.endsWith(`.${zone}`);
}

/** Labels that ad blockers' lists match on hostnames (warn, don't fail). */
export const adBlockedLabels = [
    "analytics",
    "tracking",
    "telemetry",
    "segment",
    "posthog",
    "amplitude",
    "mixpanel",
    "plausible",
    "ph",
    "track",
    "stats",
] as const;

/** The first ad-blocked label of a hostname, if any. */
export function adBlockedLabel(hostname: string): string | undefined {
    return hostname.split(".").find((l) => (adBlockedLabels as readonly string[]).includes(l));
}
