/*
 * The client's address as `clientIp: anonymize` sends it: IPv4 cut to its /24, IPv6 to its /48, the rest zeroed.
 * Pure string work on CF-Connecting-IP (an address Cloudflare's edge wrote, never the viewer's own claim).
 */

/** `a.b.c.d` to `a.b.c.0`; undefined for anything that is not four decimal octets. */
function anonymizeIpv4(address: string): string | undefined {
    const parts = address.split(".");
    if (parts.length !== 4) return undefined;
    for (const part of parts) {
        if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    }
    return `${Number(parts[0])}.${Number(parts[1])}.${Number(parts[2])}.0`;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, an IPv4 tail as two groups); undefined if malformed. */
function ipv6Groups(address: string): number[] | undefined {
    // A zone index (fe80::1%eth0) names an interface, not part of the address.
    const bare = address.split("%")[0];
    const halves = bare.split("::");
    if (halves.length > 2) return undefined;
    const parse = (text: string, tailMayBeIpv4: boolean): number[] | undefined => {
        if (text === "") return [];
        const groups: number[] = [];
        const fields = text.split(":");
        for (let i = 0; i < fields.length; i++) {
            const field = fields[i];
            if (tailMayBeIpv4 && i === fields.length - 1 && field.includes(".")) {
                const v4 = anonymizeIpv4(field) === undefined ? undefined : field.split(".").map(Number);
                if (!v4) return undefined;
                groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
            } else if (/^[0-9a-fA-F]{1,4}$/.test(field)) {
                groups.push(parseInt(field, 16));
            } else {
                return undefined;
            }
        }
        return groups;
    };
    const head = parse(halves[0], halves.length === 1);
    const tail = halves.length === 2 ? parse(halves[1], true) : [];
    if (!head || !tail) return undefined;
    if (halves.length === 1) return head.length === 8 ? head : undefined;
    // `::` stands for at least one group of zeros.
    if (head.length + tail.length > 7) return undefined;
    return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * The /24 (IPv4) or /48 (IPv6) network of `address`, written as an address with the host part zeroed
 * (`203.0.113.0`, `2001:db8:85a3::`). undefined for anything that is not an IP address: the caller then sends none.
 */
export function anonymizeClientIp(address: string): string | undefined {
    const text = address.trim();
    if (!text.includes(":")) return anonymizeIpv4(text);
    const groups = ipv6Groups(text);
    if (!groups) return undefined;
    // An IPv4 client seen through an IPv4-mapped address (::ffff:a.b.c.d) is anonymized as IPv4.
    if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
        return anonymizeIpv4(`${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`);
    }
    return `${groups.slice(0, 3).map((g) => g.toString(16)).join(":")}::`;
}
