import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { buildProxySpec, ProxyRequest } from "../model/proxySpec";
import { derivedPathPrefix, PathLayout, PathPlan } from "../model/publicPaths";
import { ProxySpec } from "../model/types";
import { quotaProblem, quotaStatus } from "../quotas/check";
import { VendorId, vendorIds } from "../model/types";
import { defaultProxyName } from "./names";
import { allowedKeys, defaultRegion, ProxyConfig, proxySchemas, StackConfig, stackConfigSchema } from "./schema";
import { secretPlaceholder } from "./secret";
import { amplitudeLayout } from "../vendors/amplitude";
import { datadogIntakeHosts, defaultDatadogSite } from "../vendors/datadog";
import { keepsViewerHost, stackRuleIssues, stackWarnings } from "./stackRules";

export const project = "first-party-proxy";
/** The project's config keys, in the order they are documented. */
export const configKeys = ["provider", "dns", "cloudflare", "cloudfront", "proxies", "quotas"] as const;
type ConfigKey = (typeof configKeys)[number];

/** What a structured key holds, for the message when its value is not structured. */
const structuredKeys: { readonly [k in Exclude<ConfigKey, "provider">]: string } = {
    dns: "a mapping {provider: route53 | cloudflare | manual, zone: <zone name> | zoneId: <id>}",
    cloudflare: "a mapping {accountId: <32 hex>, mode: worker | pageRule, enterprise: true | false, plan: free | pro | business | enterprise, workersPlan: free | paid, workerScripts: perSite | shared}",
    cloudfront: "a mapping {priceClass: PriceClass_All | PriceClass_200 | PriceClass_100, tags: {key: value}, sharedPolicies: {key: id}}",
    proxies: `a list of mappings [{vendor: ${vendorIds.join(" | ")}, domain: <hostname>, ...}]`,
    quotas: "a mapping {<quota>: <the account's limit> | {limit: <n>, used: <n held outside this stack>}}",
};

/** What a required key is, for the message when it is missing. */
const requiredKeyHints: Record<string, string> = {
    provider: "the CDN: aws | cloudflare",
    dns: structuredKeys.dns,
    proxies: structuredKeys.proxies,
    domain: "the hostname the proxy serves, e.g. e.example.com",
    vendor: `one of ${vendorIds.join(" | ")}`,
    tagId: "the Google tag ID or Tag Manager container ID, e.g. G-ABC123XYZ9 or GTM-XXXXXXX",
};

/** Why a key an entry does not take is not taken, where "unknown" alone would puzzle. */
const keyHints: { readonly [v in VendorId]?: Record<string, string> } = {
    datadog: {
        region: "Datadog has sites, not regions: give site (datadoghq.com, datadoghq.eu, us3.datadoghq.com, ...)",
    },
    vtex: {
        region: "VTEX has no regions: its CDN host is derived from domain",
        paths: "a VTEX proxy serves the whole store, so its paths are the store's own",
        pathPrefix: "a VTEX proxy serves the whole store, so its paths are the store's own",
        sharedHost: "a VTEX proxy is the store's hostname itself",
        clientIp: "a VTEX store is proxied by DNS (the viewer's Host), and the store needs the shopper's address",
    },
};

/** At most this many problems are spelled out in the error message; `issues` keeps them all. */
const maxListedIssues = 60;

export interface ConfigIssue {
    /** Full config key path, e.g. `first-party-proxy:proxies[1].domain`. */
    readonly key: string;
    readonly message: string;
}

/** Every problem of a stack's config at once; thrown before any resource is registered. */
export class ConfigError extends Error {
    constructor(readonly issues: readonly ConfigIssue[]) {
        const listed = issues.slice(0, maxListedIssues).map((i) => `  - ${i.key}: ${i.message}`);
        if (issues.length > maxListedIssues) listed.push(`  - ... and ${issues.length - maxListedIssues} more`);
        super(
            `Invalid first-party-proxy stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}); nothing was deployed:\n` +
                listed.join("\n"),
        );
        this.name = "ConfigError";
    }
}

export interface LoadedConfig {
    readonly config: StackConfig;
    readonly warnings: readonly string[];
}

/** Validates the project's config values (already decoded from YAML/JSON), keyed without the project prefix. */
export function parseStackConfig(raw: Record<string, unknown>): LoadedConfig {
    const issues: ConfigIssue[] = [];
    const parsed = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) issues.push(...parsed.error.issues.flatMap((i) => zodIssues(i, raw)));
    issues.push(...unknownVendorIssues(raw));
    issues.push(...stackRuleIssues(raw).map((i) => ({ key: keyOf(i.path), message: i.message })));
    if (issues.length > 0 || !parsed.success) throw new ConfigError(dedupe(issues));
    const planned = plannedIssues(parsed.data);
    if (planned.length > 0) throw new ConfigError(planned);
    return { config: parsed.data, warnings: stackWarnings(raw) };
}

/**
 * Rules on what a valid config expands to: every provider quota the stack can hit (components/quotas), checked
 * against the planned resources before any is registered. Page rules keep their own message: one per route.
 */
function plannedIssues(config: StackConfig): ConfigIssue[] {
    // What is counted does not depend on the stack's name (it only names the public path prefixes): any name will do.
    const specs = proxyRequests(config, "plan").map(buildProxySpec);
    const statuses = quotaStatus(config, specs);
    const issues: ConfigIssue[] = [];
    for (const status of statuses) {
        const problem = quotaProblem(status);
        if (!problem) continue;
        if (status.id === "pageRules") {
            issues.push({ key: keyOf(["proxies"]), message: pageRulesMessage(specs, status.limit, status.limitFrom) + `. ${problem}` });
        } else {
            issues.push({ key: keyOf(["quotas", status.id]), message: problem });
        }
    }
    return issues;
}

/** In page-rule mode every route of every proxy (but those served as proxied DNS) is one page rule. */
function pageRulesMessage(specs: readonly ProxySpec[], limit: number, limitFrom: string): string {
    const counts = specs
        .filter((spec) => spec.sites.length > 0 && !keepsViewerHost(spec.vendor) && spec.googleTagGateway === undefined)
        // The edge's own 404 outside a public prefix needs no page rule.
        .map((spec) => ({ name: spec.name, rules: spec.sites.reduce((n, s) => n + s.routes.filter((r) => r.answer === undefined).length, 0) }));
    const total = counts.reduce((n, c) => n + c.rules, 0);
    return (
        `in mode pageRule the zone needs ${total} page rules, more than the ${limit} Cloudflare allows (${limitFrom}) ` +
        `(one per route: ${counts.slice(0, 8).map((c) => `${c.name} ${c.rules}`).join(", ")}${counts.length > 8 ? ", ..." : ""}); ` +
        `use cloudflare.mode worker, or split the proxies across zones`
    );
}

/** Reads and validates the stack's config from the Pulumi engine (or the mocks' PULUMI_CONFIG). */
export function readStackConfig(): LoadedConfig {
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, unknown> = {};
    const issues: ConfigIssue[] = [];
    for (const [fullKey, value] of Object.entries(all)) {
        const [ns, key] = splitKey(fullKey);
        if (ns !== project) continue;
        if (!(configKeys as readonly string[]).includes(key)) {
            issues.push({ key: fullKey, message: unknownKeyMessage(key, configKeys, "the project") });
            continue;
        }
        raw[key] = key === "provider" ? value : decodeJson(fullKey, key as Exclude<ConfigKey, "provider">, value, issues);
    }
    if (issues.length > 0) {
        // Report the structured values that did decode too, so that one run lists every problem.
        try {
            parseStackConfig(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            // ...except what follows from a value that could not be read (it is "missing" only to the schema).
            const unreadable = issues.map((i) => i.key);
            issues.push(...e.issues.filter((i) => !unreadable.some((k) => i.key === k || i.key.startsWith(`${k}.`) || i.key.startsWith(`${k}[`))));
        }
        throw new ConfigError(dedupe(issues));
    }
    return parseStackConfig(raw);
}

/**
 * Turns validated proxies into the model's requests, naming each one. `stack` seeds the path prefix of proxies in
 * the public layout that name none, so it must be the stack's name (pulumi.getStack()).
 */
export function proxyRequests(config: StackConfig, stack: string): ProxyRequest[] {
    return config.proxies.map((p) => proxyRequest(p, stack));
}

/** Where a proxy serves the vendor's paths: public under its own or a derived prefix by default. */
function pathPlan(p: { paths?: PathLayout; pathPrefix?: string }, name: string, stack: string): PathPlan {
    const layout = p.paths ?? "public";
    const prefix = p.pathPrefix ?? (layout === "public" ? derivedPathPrefix(stack, name) : undefined);
    return prefix === undefined ? { layout } : { layout, prefix };
}

function proxyRequest(p: ProxyConfig, stack: string): ProxyRequest {
    if (p.vendor === "segment") {
        if (p.managed === "delegation") {
            return { kind: "segmentDelegation", name: p.name ?? defaultProxyName("segment", p.domain!), domain: p.domain!, nameServers: p.nameServers! };
        }
        if (p.managed === "cname") {
            return {
                kind: "segmentCname",
                name: p.name ?? defaultProxyName("segment", p.cdnDomain!),
                cdnDomain: p.cdnDomain!,
                apiDomain: p.apiDomain!,
                cdnTarget: p.cdnTarget!,
                apiTarget: p.apiTarget!,
            };
        }
        if (p.domain === undefined) {
            const name = p.name ?? defaultProxyName("segment", p.cdnDomain!);
            return {
                kind: "cdn",
                name,
                vendor: "segment",
                region: p.region ?? defaultRegion,
                layout: "split",
                hostnames: { cdn: p.cdnDomain!, api: p.apiDomain! },
                paths: pathPlan(p, name, stack),
                ...(p.clientIp ? { clientIp: p.clientIp } : {}),
            };
        }
    }
    const name = p.name ?? defaultProxyName(p.vendor, p.domain!);
    if (p.vendor === "posthog" && p.managed) {
        return { kind: "posthogManaged", name, region: p.region ?? defaultRegion, domain: p.domain, target: p.target! };
    }
    if (p.vendor === "custom") {
        return {
            kind: "custom",
            name,
            domain: p.domain,
            origins: p.origins,
            routes: p.routes,
            paths: pathPlan(p, name, stack),
            ...(p.sharedHost ? { sharedHost: true } : {}),
            ...(p.clientIp ? { clientIp: p.clientIp } : {}),
        };
    }
    if (p.vendor === "google") {
        return {
            kind: "googleTagGateway",
            name,
            domain: p.domain,
            tagId: p.tagId,
            measurementPath: p.measurementPath ?? derivedPathPrefix(stack, name),
            ...(p.setUpTag !== undefined ? { setUpTag: p.setUpTag } : {}),
            ...(p.clientIp ? { clientIp: p.clientIp } : {}),
        };
    }
    if (p.vendor === "vtex") {
        return { kind: "cdn", name, vendor: "vtex", region: defaultRegion, layout: "single", hostnames: { store: p.domain } };
    }
    return {
        kind: "cdn",
        name,
        vendor: p.vendor,
        region: ("region" in p ? p.region : undefined) ?? defaultRegion,
        layout: p.vendor === "amplitude" ? amplitudeLayout(p.products ?? ["sessionReplay"]) : "single",
        hostnames: { main: p.domain! },
        paths: pathPlan(p, name, stack),
        ...(p.sharedHost ? { sharedHost: true } : {}),
        ...("clientIp" in p && p.clientIp ? { clientIp: p.clientIp } : {}),
        ...(p.vendor === "datadog" ? { originDomains: { intake: datadogIntakeHosts[p.site ?? defaultDatadogSite] } } : {}),
    };
}

function splitKey(fullKey: string): [string, string] {
    const i = fullKey.indexOf(":");
    // The engine writes `project:config:key` in some versions; both forms name the same key.
    const rest = fullKey.slice(i + 1);
    return [fullKey.slice(0, i), rest.startsWith("config:") ? rest.slice("config:".length) : rest];
}

function decodeJson(fullKey: string, key: Exclude<ConfigKey, "provider">, value: string, issues: ConfigIssue[]): unknown {
    if (value === secretPlaceholder) {
        issues.push({
            key: fullKey,
            message:
                `is a secret as a whole, which the offline plan cannot read: keep ${structuredKeys[key]} in plain config and make ` +
                `only the field secret (pulumi config set --secret --path '${fullKey}.<field>' <value>)`,
        });
        return undefined;
    }
    try {
        return JSON.parse(value);
    } catch {
        issues.push({ key: fullKey, message: `must be ${structuredKeys[key]} (written as YAML, or as JSON text), got ${describe(value)}` });
        return undefined;
    }
}

function keyOf(path: readonly PropertyKey[]): string {
    let key = project + ":";
    path.forEach((part, i) => {
        key += typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`;
    });
    return key;
}

/** The value at `path` in the raw config, read without trusting its shape. */
function rawAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let value = raw;
    for (const part of path) {
        if (typeof value !== "object" || value === null || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
        value = (value as Record<PropertyKey, unknown>)[part];
    }
    return value;
}

function zodIssues(issue: z.core.$ZodIssue, raw: Record<string, unknown>): ConfigIssue[] {
    const path = [...issue.path];
    const got = "input" in issue ? issue.input : undefined;
    const last = path[path.length - 1];
    const missing = got === undefined && rawAt(raw, path) === undefined;
    switch (issue.code) {
        case "invalid_union":
            if ("discriminator" in issue && issue.discriminator) {
                const value = rawAt(raw, path);
                const options = ((issue as { options?: readonly unknown[] }).options ?? []).join(" | ");
                return [{ key: keyOf(path), message: value === undefined ? `is required; allowed: ${options}` : `got ${describe(value)}; allowed: ${options}` }];
            }
            break;
        case "invalid_value":
            if (missing) return [{ key: keyOf(path), message: `is required; allowed: ${issue.values.map(String).join(" | ")}` }];
            return [{ key: keyOf(path), message: `got ${describe(got)}; allowed: ${issue.values.map(String).join(" | ")}` }];
        case "unrecognized_keys":
            return issue.keys.map((k) => ({ key: keyOf([...path, k]), message: unrecognizedKeyMessage(k, path, raw) }));
        case "invalid_type":
            if (missing) {
                const hint = typeof last === "string" ? requiredKeyHints[last] : undefined;
                return [{ key: keyOf(path), message: `is required (${hint ?? issue.expected})` }];
            }
            return [{ key: keyOf(path), message: `got ${describe(got ?? rawAt(raw, path))}; expected ${expected(issue.expected)}` }];
        case "invalid_key":
            return issue.issues.map((inner) => ({ key: keyOf(path), message: `${inner.message} (got the key ${describe(got)})` }));
        case "too_big":
        case "too_small":
            return [{ key: keyOf(path), message: sizeMessage(issue, rawAt(raw, path)) }];
        case "custom":
            return [{ key: keyOf(path), message: typeof got === "string" ? `${issue.message} (got ${describe(got)})` : issue.message }];
    }
    return [{ key: keyOf(path), message: got === undefined ? issue.message : `${issue.message} (got ${describe(got)})` }];
}

function expected(type: string): string {
    return type === "object" ? "a mapping" : type === "array" ? "a list" : type;
}

function sizeMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, value: unknown): string {
    const count = (n: number, what: string) => ` (got ${n} ${what}${n === 1 ? "" : "s"})`;
    const size = Array.isArray(value) ? count(value.length, "entry").replace("entrys", "entries") : typeof value === "string" ? count(value.length, "character") : "";
    return `${issue.message}${size}`;
}

function unrecognizedKeyMessage(key: string, path: readonly PropertyKey[], raw: Record<string, unknown>): string {
    if (path.length === 2 && path[0] === "proxies") {
        const vendor = rawAt(raw, [...path, "vendor"]) as VendorId;
        const allowed = allowedKeys.proxy[vendor];
        if (allowed) {
            const hint = keyHints[vendor]?.[key] ?? otherVendorsHint(key, vendor);
            return unknownKeyMessage(key, allowed, `${/^[aeiou]/.test(vendor) ? "an" : "a"} ${vendor} proxy`) + (hint ? ` (${hint})` : "");
        }
    }
    const place = path.length === 1 ? String(path[0]) : "";
    const allowed = place in allowedKeys ? allowedKeys[place as "dns" | "cloudflare" | "cloudfront" | "quotas"] : path.length === 0 ? allowedKeys.root : undefined;
    return allowed ? unknownKeyMessage(key, allowed, place || "the project") : "unknown key";
}

/**
 * The rest of an entry whose vendor is not one we know: zod stops at the vendor, but what every vendor would refuse
 * (a bad domain, a key no proxy takes) is wrong whichever vendor was meant, so it is reported too.
 */
function unknownVendorIssues(raw: Record<string, unknown>): ConfigIssue[] {
    const proxies = raw.proxies;
    if (!Array.isArray(proxies)) return [];
    const everyKey = [...new Set(vendorIds.flatMap((v) => allowedKeys.proxy[v]))];
    return proxies.flatMap((entry, i) => {
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return [];
        if ((vendorIds as readonly unknown[]).includes((entry as { vendor?: unknown }).vendor)) return [];
        const path = ["proxies", i];
        const perVendor = vendorIds.map((vendor) => {
            const result = proxySchemas[vendor].safeParse({ ...entry, vendor }, { reportInput: true });
            return result.success ? [] : result.error.issues;
        });
        const signature = (issue: z.core.$ZodIssue) => `${issue.code}|${issue.path.join(".")}|${issue.message}`;
        const shared = perVendor[0].filter(
            (issue) => issue.code !== "unrecognized_keys" && perVendor.every((issues) => issues.some((other) => signature(other) === signature(issue))),
        );
        const unknownKeys = Object.keys(entry).filter((k) => k !== "vendor" && !everyKey.includes(k));
        return [
            ...shared.flatMap((issue) => zodIssues({ ...issue, path: [...path, ...issue.path] } as z.core.$ZodIssue, raw)),
            ...unknownKeys.map((k) => ({ key: keyOf([...path, k]), message: unknownKeyMessage(k, everyKey, "any proxy") })),
        ];
    });
}

function otherVendorsHint(key: string, vendor: VendorId): string | undefined {
    const takers = vendorIds.filter((v) => v !== vendor && allowedKeys.proxy[v].includes(key));
    return takers.length > 0 ? `${key} applies to ${takers.join(", ")} proxies only` : undefined;
}

/** `unknown key; allowed keys for <where>: a, b, c`, with a suggestion when the key is a near miss. */
function unknownKeyMessage(key: string, allowed: readonly string[], where: string): string {
    const suggestion = nearest(key, allowed);
    return `unknown key${suggestion ? ` (did you mean ${suggestion}?)` : ""}; allowed keys for ${where}: ${allowed.join(", ")}`;
}

function nearest(key: string, candidates: readonly string[]): string | undefined {
    const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const [k, c] = [norm(key), norm(candidate)];
        // Singular for plural (proxy, proxies; tag, tags) counts as a near miss too.
        const stem = k.replace(/(y|s)$/, "");
        const plural = stem.length >= 3 && k !== c && c.startsWith(stem) && c.length - k.length <= 3 && c.length > k.length;
        const d = k === c ? 0 : plural ? 1 : editDistance(k, c);
        if (d <= 2 && (best === undefined || d < best.distance)) best = { candidate, distance: d };
    }
    return best?.candidate;
}

function editDistance(a: string, b: string): number {
    if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 3;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

function describe(value: unknown): string {
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        return "(a value too deeply nested to show)";
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
    const seen = new Set<string>();
    return issues.filter((i) => {
        const k = `${i.key}\u0000${i.message}`;
        return seen.has(k) ? false : (seen.add(k), true);
    });
}
