/**
 * Which hostnames Cloudflare's free Universal SSL certificate covers on a proxied record: the zone apex and its
 * first-level subdomains (`example.com`, `*.example.com`), nothing deeper. Every proxied hostname the program serves
 * relies on it — page rules, VTEX's proxied CNAME, and Worker routes on their proxied record alike.
 */

/** How many labels `hostname` sits below `zone`: 0 for the apex, 1 for `x.zone`, 2 for `y.x.zone`. */
export function labelsBelowZone(hostname: string, zone: string): number {
    const host = hostname.toLowerCase().replace(/\.$/, "");
    const apex = zone.toLowerCase().replace(/\.$/, "");
    if (host === apex) return 0;
    if (!host.endsWith(`.${apex}`)) throw new Error(`${hostname} is not inside the zone ${zone}`);
    return host.slice(0, -(apex.length + 1)).split(".").length;
}

/** Whether Universal SSL's certificate (`zone`, `*.zone`) covers `hostname`. */
export function universalSslCovers(hostname: string, zone: string): boolean {
    return labelsBelowZone(hostname, zone) <= 1;
}

/**
 * Notes for proxied hostnames Universal SSL does not cover. With the zone given by id only, its name is unknown here:
 * the note then states the rule for the user to check.
 */
export function edgeCertificateNotes(hostnames: readonly string[], zoneName: string | undefined): string[] {
    if (zoneName === undefined) {
        return hostnames.length === 0
            ? []
            : [
                  `Universal SSL covers only the zone apex and its first-level subdomains: if ${hostnames.join(", ")} ${hostnames.length === 1 ? "is" : "are"} deeper than one label below the zone, order an Advanced Certificate (pack) for ${hostnames.length === 1 ? "it" : "them"}, or HTTPS fails.`,
              ];
    }
    return hostnames
        .filter((h) => !universalSslCovers(h, zoneName))
        .map((h) => {
            const parent = h.slice(h.indexOf(".") + 1);
            return `${h} is ${labelsBelowZone(h, zoneName)} labels below the zone ${zoneName}: Universal SSL covers only ${zoneName} and *.${zoneName}, so order an Advanced Certificate (pack) covering ${h} (or *.${parent}) in SSL/TLS > Edge Certificates, or HTTPS on it fails.`;
        });
}
