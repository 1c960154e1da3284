/** Labels of at most 63 letters, digits and inner hyphens; punycode (`xn--`) is the way to write IDNs. */
const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Why a string is not a public DNS hostname we can serve, or undefined when it is one. */
export function hostnameProblem(value: string): string | undefined {
    if (value.length === 0) return "is empty";
    if (value.length > 253) return "is longer than 253 characters";
    if (/[^\x21-\x7e]/.test(value)) return "has non-ASCII or blank characters; write internationalised names in punycode (xn--...)";
    if (value !== value.toLowerCase()) return "has upper-case letters; write hostnames in lower case";
    if (value.includes("*")) return "is a wildcard; each proxy serves one exact hostname";
    if (value.endsWith(".")) return "ends with a dot; leave the trailing dot off";
    if (/^[a-z]+:\/\//.test(value) || value.includes("/")) return "is a URL or path; give the bare hostname";
    const labels = value.split(".");
    if (labels.length < 2) return "is not a fully qualified name (it needs at least one dot)";
    const bad = labels.find((l) => !label.test(l));
    if (bad !== undefined) return `has an invalid label "${bad}" (letters, digits and inner hyphens, 1-63 characters)`;
    if (/^[0-9]+$/.test(labels[labels.length - 1])) return "is an IP address, not a hostname";
    return undefined;
}

/** Whether `hostname` is `zone` itself or a name below it. */
export function isInZone(hostname: string, zone: string): boolean {
    return hostname === zone || hostname.endsWith(`.${zone}`);
}

/** Labels that ad blockers' lists match on hostnames (REQUIREMENTS: warn, don't fail). */
export const adBlockedLabels = [
    "analytics",
    "tracking",
    "telemetry",
    "segment",
    "posthog",
    "amplitude",
    "ph",
    "track",
    "stats",
] as const;

/** The first ad-blocked label of a hostname, if any. */
export function adBlockedLabel(hostname: string): string | undefined {
    return hostname.split(".").find((l) => (adBlockedLabels as readonly string[]).includes(l));
}
