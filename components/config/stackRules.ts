import { clientIpLimits } from "../model/clientIp";
import { VendorId, vendorIds } from "../model/types";
import { vendorPresets } from "../vendors";
import { adBlockedLabel, hostnameProblem, isInZone } from "./hostname";
import { effectiveProxyName } from "./names";
import { blockedSegmentFilter } from "../model/publicPaths";

/** A problem found by the rules that look across keys. `path` is relative to the project's config namespace. */
export interface RuleIssue {
    readonly path: (string | number)[];
    readonly message: string;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const own = (o: Raw, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);

/** The keys of a proxy entry that name a hostname the proxy serves (or Segment's managed mode points at Segment). */
export const hostKeys = ["domain", "cdnDomain", "apiDomain"] as const;

/** ACM refuses a certificate whose first domain name is longer than 64 characters; CloudFront needs one per host. */
export const acmMaxDomainLength = 64;

/** Keys that change an object's prototype when a program assigns them; refused wherever they appear. */
const pollutingKeys = new Set(["__proto__"]);

/** The config's deepest legitimate value (proxies[i].nameServers[j]) is 3 levels down; anything far deeper is hostile. */
export const maxConfigDepth = 16;

/**
 * Rules across keys: provider and DNS combinations, hostnames inside the zone, duplicates across proxies.
 * They read the raw config leniently so that they report alongside the schema's per-field problems.
 */
export function stackRuleIssues(raw: Raw): RuleIssue[] {
    return [...shapeIssues(raw), ...providerIssues(raw), ...hostnameIssues(raw), ...nameIssues(raw), ...sharedHostIssues(raw), ...clientIpIssues(raw), ...googleTagGatewayIssues(raw), ...edgeCodeIssues(raw)];
}

/**
 * Google tag gateway on Cloudflare is the zone's one gateway setting (measurement ID, endpoint, hideOriginalIp):
 * two proxies would fight over it, and Cloudflare serves the endpoint on every proxied hostname of the zone anyway.
 * `setUpTag` is Cloudflare's own (it adds the tag to the zone's pages). CloudFront's limits on `clientIp` are the
 * general rule's (clientIpIssues).
 */
function googleTagGatewayIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const gateways = proxiesOf(raw).filter(([p]) => own(p, "vendor") === "google");
    if (raw.provider === "cloudflare") {
        const [first, ...more] = gateways;
        for (const [, i] of more) {
            issues.push({
                path: ["proxies", i, "vendor"],
                message:
                    `a Cloudflare zone has one Google tag gateway setting, already set by proxies[${first[1]}]: Cloudflare serves its endpoint on every proxied hostname of the zone, ` +
                    `so one proxy covers them all (keep one; for another tag, load it through the same gateway or use a stack in another zone)`,
            });
        }
        for (const [p, i] of gateways) {
            if (own(p, "clientIp") === "anonymize") {
                issues.push({
                    path: ["proxies", i, "clientIp"],
                    message: "clientIp: anonymize is not available for Google tag gateway on Cloudflare: its zone setting can hide the visitor's address from Google (clientIp: drop, hideOriginalIp) but not shorten it; use forward or drop",
                });
            }
        }
    } else if (raw.provider === "aws") {
        for (const [p, i] of gateways) {
            if (own(p, "setUpTag") !== undefined) {
                issues.push({
                    path: ["proxies", i, "setUpTag"],
                    message: "setUpTag is Cloudflare's (its zone setting adds the tag to the zone's pages) and is not available with provider aws: paste the snippet from the outputs into your pages",
                });
            }
        }
    }
    return issues;
}

/** `clientIp: anonymize | drop` where the CDN sends the full address anyway; `drop` where the vendor needs the address. */
function clientIpIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const cloudflare = isObject(raw.cloudflare) ? raw.cloudflare : {};
    for (const [proxy, i] of proxiesOf(raw)) {
        const mode = own(proxy, "clientIp");
        if (mode !== "anonymize" && mode !== "drop") continue;
        // On Cloudflare the gateway is a zone setting, whatever the mode: googleTagGatewayIssues says what it honours.
        if (own(proxy, "vendor") === "google" && raw.provider === "cloudflare") continue;
        const path = ["proxies", i, "clientIp"];
        const vendor = own(proxy, "vendor");
        const needs = vendorIds.includes(vendor as VendorId) ? vendorPresets[vendor as VendorId].clientIpRequired : undefined;
        if (mode === "drop" && needs) {
            issues.push({ path, message: `clientIp: drop is not available for ${vendor}: ${needs}; use clientIp: forward or anonymize` });
        }
        if (raw.provider === "aws") {
            issues.push({
                path,
                message: `clientIp: ${mode} is not available with provider aws: ${clientIpLimits.aws}; use clientIp: forward, or provider cloudflare with cloudflare.mode worker, whose Worker sends the vendor only what clientIp allows`,
            });
        } else if (raw.provider === "cloudflare" && (own(cloudflare, "mode") ?? "worker") === "pageRule") {
            issues.push({ path, message: `clientIp: ${mode} needs cloudflare.mode worker: ${clientIpLimits.pageRule}` });
        }
    }
    return issues;
}

/** Vendors whose proxy needs code at the edge (Datadog's ddforward) in Cloudflare's page-rule mode, which has none. */
function edgeCodeIssues(raw: Raw): RuleIssue[] {
    const cloudflare = isObject(raw.cloudflare) ? raw.cloudflare : {};
    if (raw.provider !== "cloudflare" || own(cloudflare, "mode") !== "pageRule") return [];
    return proxiesOf(raw).flatMap(([proxy, i]) => {
        const vendor = own(proxy, "vendor");
        const why = vendorIds.includes(vendor as VendorId) ? vendorPresets[vendor as VendorId].edgeCodeRequired : undefined;
        return why ? [{ path: ["proxies", i, "vendor"], message: `${vendor} is not available with cloudflare.mode pageRule: ${why}; use cloudflare.mode worker (or provider aws)` }] : [];
    });
}

/**
 * `sharedHost: true` puts the proxy under a prefix of a hostname the user's site already serves: only a Workers
 * route on that prefix is built, so it needs the prefix, Cloudflare, and worker mode.
 */
function sharedHostIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const cloudflare = isObject(raw.cloudflare) ? raw.cloudflare : {};
    for (const [proxy, i] of proxiesOf(raw)) {
        if (own(proxy, "sharedHost") !== true) continue;
        const path = ["proxies", i, "sharedHost"];
        if (own(proxy, "pathPrefix") === undefined) {
            issues.push({ path: ["proxies", i, "pathPrefix"], message: "pathPrefix is required with sharedHost: true (the path the proxy takes on your site, e.g. /k7)" });
        }
        if (raw.provider === "aws") {
            issues.push({
                path,
                message:
                    "sharedHost is not available with provider aws: the site's own CloudFront distribution would need the proxy's behaviours, which this stack does not own; give the proxy its own hostname (e.g. e.example.com), use provider cloudflare, or spread cloudFrontSiteRoutes (this package's library) into your site's distribution in your own Pulumi program",
            });
        } else if (raw.provider === "cloudflare" && (own(cloudflare, "mode") ?? "worker") !== "worker") {
            issues.push({ path, message: "sharedHost needs cloudflare.mode worker (a Workers route on the prefix); page rules would take over the whole hostname" });
        }
    }
    return issues;
}

/**
 * `__proto__` anywhere (JSON.parse keeps it as a key, but any object spread or assignment would turn it into a
 * prototype), and values nested deeper than any key takes. Walked without recursion, so no input can exhaust the stack.
 */
function shapeIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const pending: { value: unknown; path: (string | number)[] }[] = [{ value: raw, path: [] }];
    while (pending.length > 0) {
        const { value, path } = pending.pop()!;
        if (typeof value !== "object" || value === null) continue;
        if (path.length > maxConfigDepth) {
            issues.push({ path: path.slice(0, 3), message: `holds values nested more than ${maxConfigDepth} levels deep; no config key takes more than 3` });
            continue;
        }
        const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
        for (const [key, child] of entries) {
            if (typeof key === "string" && pollutingKeys.has(key)) {
                issues.push({ path: [...path, key], message: `the key ${key} is not allowed anywhere in the config (it would replace an object's prototype)` });
            } else {
                pending.push({ value: child, path: [...path, key] });
            }
        }
    }
    return dedupeByPath(issues);
}

function dedupeByPath(issues: RuleIssue[]): RuleIssue[] {
    const seen = new Set<string>();
    return issues.filter((i) => {
        const key = `${JSON.stringify(i.path)} ${i.message}`;
        return seen.has(key) ? false : (seen.add(key), true);
    });
}

function providerIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const dns = isObject(raw.dns) ? raw.dns : {};
    const cloudflare = isObject(raw.cloudflare) ? raw.cloudflare : undefined;
    const dnsProvider = own(dns, "provider");

    if ((dnsProvider === "route53" || dnsProvider === "cloudflare") && own(dns, "zone") === undefined && own(dns, "zoneId") === undefined) {
        issues.push({
            path: ["dns", "zone"],
            message: `dns.zone (the zone's name) or dns.zoneId is required with dns.provider ${dnsProvider}: the zone is looked up, never created`,
        });
    }
    if (raw.provider === "cloudflare") {
        if (dnsProvider !== undefined && dnsProvider !== "cloudflare") {
            issues.push({
                path: ["dns", "provider"],
                message:
                    `provider cloudflare serves only hostnames in a Cloudflare zone: dns.provider must be cloudflare (got ${JSON.stringify(dnsProvider)})` +
                    (proxiesOf(raw).some(([p]) => keepsViewerHost(own(p, "vendor")))
                        ? "; VTEX keeps the store's Host on Cloudflare only as a proxied record in that zone"
                        : ""),
            });
        }
        const mode = cloudflare ? (own(cloudflare, "mode") ?? "worker") : "worker";
        if (cloudflare === undefined) {
            issues.push({
                path: ["cloudflare"],
                message: "cloudflare settings {accountId, mode: worker | pageRule, enterprise} are required with provider cloudflare",
            });
        } else if (mode === "worker" && own(cloudflare, "accountId") === undefined) {
            // Google tag gateway is a zone setting on Cloudflare: no Worker.
            const workers = proxiesOf(raw).filter(([p]) => own(p, "managed") === undefined && !keepsViewerHost(own(p, "vendor")) && own(p, "vendor") !== "google");
            if (workers.length > 0) {
                issues.push({
                    path: ["cloudflare", "accountId"],
                    message: `cloudflare.accountId is required in worker mode: the account owns the Workers of ${workers.map(([, i]) => `proxies[${i}]`).join(", ")}`,
                });
            }
        }
        if (mode === "pageRule" && (cloudflare === undefined || own(cloudflare, "enterprise") !== true)) {
            issues.push({
                path: ["cloudflare", "enterprise"],
                message:
                    "mode pageRule needs Page Rule Host header and resolve overrides, which Cloudflare allows only on Enterprise zones: " +
                    "set cloudflare.enterprise: true to confirm the zone is Enterprise, or use mode worker",
            });
        }
        if (raw.cloudfront !== undefined) {
            issues.push({ path: ["cloudfront"], message: "cloudfront settings apply only with provider aws (remove them, or set provider: aws)" });
        }
    } else if (raw.provider === "aws" && raw.cloudflare !== undefined) {
        issues.push({
            path: ["cloudflare"],
            message: "cloudflare settings apply only with provider cloudflare (for Cloudflare DNS in front of CloudFront use dns.provider: cloudflare)",
        });
    }
    return issues;
}

/**
 * Vendors whose upstream must see the viewer's Host (VTEX). On Cloudflare only proxied DNS keeps it — a Worker's
 * fetch sends the URL's host and a page rule would override it — so they are served that way in every mode.
 */
export function keepsViewerHost(vendor: unknown): boolean {
    return vendorIds.includes(vendor as VendorId) && Object.values(vendorPresets[vendor as VendorId].origins).some((o) => o.host === "viewer");
}

function proxiesOf(raw: Raw): [Raw, number][] {
    return Array.isArray(raw.proxies) ? raw.proxies.map((p, i) => [p, i] as [unknown, number]).filter((e): e is [Raw, number] => isObject(e[0])) : [];
}

function hostnameIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const dns = isObject(raw.dns) ? raw.dns : {};
    const zone = str(own(dns, "zone"));
    const proxies = proxiesOf(raw);

    // Subdomains delegated to Segment (managed: delegation) leave the zone: nothing else can live below them.
    const delegated = proxies
        .filter(([p]) => own(p, "managed") === "delegation" && str(own(p, "domain")) !== undefined)
        .map(([p, i]) => ({ domain: str(own(p, "domain"))!, where: `proxies[${i}].domain` }));

    const seenHost = new Map<string, string>();
    for (const [proxy, i] of proxies) {
        for (const key of hostKeys) {
            const host = str(own(proxy, key));
            if (host === undefined) continue;
            const where = `proxies[${i}].${key}`;
            const first = seenHost.get(host);
            if (first) {
                issues.push({ path: ["proxies", i, key], message: `hostname ${host} is already used by ${first}; each hostname belongs to one proxy` });
            } else {
                seenHost.set(host, where);
            }
            // The schema reports malformed hostnames; the rules below are about well-formed ones.
            if (hostnameProblem(host) !== undefined) continue;
            if (zone !== undefined && !isInZone(host, zone)) {
                issues.push({
                    path: ["proxies", i, key],
                    message: `hostname ${host} is not inside the DNS zone ${zone} (dns.zone); use a name ending in .${zone}, or a stack per zone`,
                });
            }
            const under = delegated.find((d) => host !== d.domain && isInZone(host, d.domain));
            if (under) {
                issues.push({
                    path: ["proxies", i, key],
                    message: `hostname ${host} is below ${under.domain}, which ${under.where} delegates to Segment: records there are Segment's, not this zone's`,
                });
            }
            if (raw.provider === "aws" && own(proxy, "managed") === undefined && host.length > acmMaxDomainLength) {
                issues.push({
                    path: ["proxies", i, key],
                    message: `hostname ${host} is ${host.length} characters; CloudFront needs an ACM certificate for it, and ACM takes at most ${acmMaxDomainLength}`,
                });
            }
        }
    }
    return issues;
}

/** Proxy names, given or derived, prefix every resource of the proxy: two equal ones would collide. */
function nameIssues(raw: Raw): RuleIssue[] {
    const issues: RuleIssue[] = [];
    const seen = new Map<string, { index: number; host: unknown }>();
    for (const [proxy, i] of proxiesOf(raw)) {
        const name = effectiveProxyName(proxy);
        if (name === undefined) continue;
        const host = own(proxy, "domain") ?? own(proxy, "cdnDomain");
        const first = seen.get(name);
        if (first === undefined) {
            seen.set(name, { index: i, host });
            continue;
        }
        const given = typeof own(proxy, "name") === "string";
        // Two entries for one hostname are already reported as such; their derived names say nothing more.
        if (!given && first.host === host) continue;
        issues.push({
            path: ["proxies", i, "name"],
            message: `name ${name}${given ? "" : " (derived from the vendor and hostname)"} is already used by proxies[${first.index}]; give each proxy a distinct name`,
        });
    }
    return issues;
}

/** Warnings that do not stop a deploy: hostnames and path segments ad blockers are likely to block. */
export function stackWarnings(raw: Raw): string[] {
    const warnings: string[] = [];
    for (const [proxy, i] of proxiesOf(raw)) {
        const prefix = str(own(proxy, "pathPrefix"));
        for (const segment of prefix?.split("/").filter(Boolean) ?? []) {
            const filter = blockedSegmentFilter(segment);
            if (filter) {
                warnings.push(
                    `first-party-proxy:proxies[${i}].pathPrefix: ${prefix} has the segment "${segment}", which uBlock Origin's default lists block on any hostname (${filter}); choose another, or leave pathPrefix out for one derived from the stack and proxy name`,
                );
            }
        }
        for (const key of hostKeys) {
            const host = str(own(proxy, key));
            const label = host && adBlockedLabel(host);
            if (label) {
                warnings.push(
                    `first-party-proxy:proxies[${i}].${key}: ${host} has the label "${label}", which ad blockers match; a neutral name (e.g. "e", "t", "edge") gets more events through`,
                );
            }
        }
    }
    const replayOnly = proxiesOf(raw).filter(([p]) => own(p, "vendor") === "amplitude" && own(p, "products") === undefined).map(([, i]) => `first-party-proxy:proxies[${i}].products`);
    if (replayOnly.length > 0) {
        // One warning for all of them: a large stack from before Analytics has many.
        const listed = replayOnly.length > 5 ? `${replayOnly.slice(0, 5).join(", ")} and ${replayOnly.length - 5} more` : replayOnly.join(", ");
        warnings.push(
            `${listed}: not set, so ${replayOnly.length === 1 ? "this proxy serves" : "these proxies serve"} Amplitude Session Replay only (as before Analytics) and the Browser SDK still sends its events and remote config to Amplitude's own hosts, which ad blockers block; set products: [analytics, sessionReplay] (or [analytics]) to proxy them too, or [sessionReplay] to keep Session Replay alone without this warning`,
        );
    }
    return warnings;
}
