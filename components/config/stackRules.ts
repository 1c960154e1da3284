import { adBlockedLabel, isInZone } from "./hostname";

/** A problem found by the rules that look across keys. `path` is relative to the project's config namespace. */
export interface RuleIssue {
    readonly path: (string | number)[];
    readonly message: string;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

const hostKeys = ["domain", "cdnDomain", "apiDomain"] as const;

/**
 * Rules across keys: provider and DNS combinations, hostnames inside the zone, duplicates across proxies.
 * They read the raw config leniently so that they report alongside the schema's per-field problems.
 */
export function stackRuleIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const dns = isObject(raw.dns) ? raw.dns : {};
    const cloudflare = isObject(raw.cloudflare) ? raw.cloudflare : undefined;
    const proxies = Array.isArray(raw.proxies) ? raw.proxies.filter(isObject) : [];
    const zone = str(dns.zone);

    if ((dns.provider === "route53" || dns.provider === "cloudflare") && dns.zone === undefined && dns.zoneId === undefined) {
        issues.push({ path: ["dns", "zone"], message: `dns.zone or dns.zoneId is required with dns.provider ${dns.provider}` });
    }
    if (raw.provider === "cloudflare") {
        if (dns.provider !== undefined && dns.provider !== "cloudflare") {
            issues.push({
                path: ["dns", "provider"],
                message: `provider cloudflare serves only hostnames in a Cloudflare zone: dns.provider must be cloudflare (got ${JSON.stringify(dns.provider)})`,
            });
        }
        const mode = cloudflare?.mode ?? "worker";
        if (cloudflare === undefined) {
            issues.push({ path: ["cloudflare"], message: "cloudflare settings (accountId, mode) are required with provider cloudflare" });
        } else if (mode === "worker" && cloudflare.accountId === undefined) {
            issues.push({ path: ["cloudflare", "accountId"], message: "cloudflare.accountId is required in worker mode (it owns the Workers)" });
        }
        if (mode === "pageRule" && cloudflare?.enterprise !== true) {
            issues.push({
                path: ["cloudflare", "enterprise"],
                message: "mode pageRule needs Host header and resolve overrides, which Cloudflare allows only on Enterprise zones: set cloudflare.enterprise: true to confirm, or use mode worker",
            });
        }
    } else if (raw.cloudflare !== undefined && raw.provider === "aws") {
        issues.push({ path: ["cloudflare"], message: "cloudflare settings apply only with provider cloudflare (for Cloudflare DNS use dns.provider: cloudflare)" });
    }

    const seenHost = new Map<string, string>();
    const seenName = new Map<string, number>();
    proxies.forEach((proxy, i) => {
        for (const key of hostKeys) {
            const host = str(proxy[key]);
            if (host === undefined) continue;
            const where = `proxies[${i}].${key}`;
            const first = seenHost.get(host);
            if (first) issues.push({ path: ["proxies", i, key], message: `hostname ${host} is already used by ${first}; each hostname belongs to one proxy` });
            else seenHost.set(host, where);
            if (zone !== undefined && !isInZone(host, zone)) {
                issues.push({ path: ["proxies", i, key], message: `hostname ${host} is not inside the DNS zone ${zone}` });
            }
        }
        const name = str(proxy.name);
        if (name !== undefined) {
            const first = seenName.get(name);
            if (first !== undefined) issues.push({ path: ["proxies", i, "name"], message: `name ${name} is already used by proxies[${first}]` });
            else seenName.set(name, i);
        }
    });
    return issues;
}

/** Warnings that do not stop a deploy: hostnames ad blockers are likely to block. */
export function stackWarnings(raw: Raw): string[] {
    const proxies = Array.isArray(raw.proxies) ? raw.proxies.filter(isObject) : [];
    const warnings: string[] = [];
    proxies.forEach((proxy, i) => {
        if (proxy.managed !== undefined) return;
        for (const key of hostKeys) {
            const host = str(proxy[key]);
            const label = host && adBlockedLabel(host);
            if (label) {
                warnings.push(
                    `first-party-proxy:proxies[${i}].${key}: ${host} has the label "${label}", which ad blockers match; a neutral name (e.g. "e", "t", "edge") gets more events through`,
                );
            }
        }
    });
    return warnings;
}
