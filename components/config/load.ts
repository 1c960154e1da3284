import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProxyRequest } from "../model/proxySpec";
import { ProxyConfig, StackConfig, stackConfigSchema } from "./schema";
import { stackRuleIssues, stackWarnings } from "./stackRules";

export const project = "first-party-proxy";
/** The project's config keys, in the order they are documented. */
export const configKeys = ["provider", "dns", "cloudflare", "cloudfront", "proxies"] as const;
const objectKeys: ReadonlySet<string> = new Set(["dns", "cloudflare", "cloudfront", "proxies"]);

export interface ConfigIssue {
    /** Full config key path, e.g. `first-party-proxy:proxies[1].domain`. */
    readonly key: string;
    readonly message: string;
}

/** Every problem of a stack's config at once; thrown before any resource is registered. */
export class ConfigError extends Error {
    constructor(readonly issues: readonly ConfigIssue[]) {
        super(
            `Invalid first-party-proxy stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
                issues.map((i) => `  - ${i.key}: ${i.message}`).join("\n"),
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
    if (!parsed.success) issues.push(...parsed.error.issues.map(zodIssue));
    issues.push(...stackRuleIssues(raw).map((i) => ({ key: keyOf(i.path), message: i.message })));
    if (issues.length > 0 || !parsed.success) throw new ConfigError(dedupe(issues));
    return { config: parsed.data, warnings: stackWarnings(raw) };
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
            issues.push({ key: fullKey, message: `unknown key; allowed: ${configKeys.map((k) => `${project}:${k}`).join(", ")}` });
            continue;
        }
        raw[key] = objectKeys.has(key) ? decodeJson(fullKey, value, issues) : value;
    }
    if (issues.length > 0) throw new ConfigError(issues);
    return parseStackConfig(raw);
}

/** Turns validated proxies into the model's requests, naming each one. */
export function proxyRequests(config: StackConfig): ProxyRequest[] {
    return config.proxies.map(proxyRequest);
}

function proxyRequest(p: ProxyConfig): ProxyRequest {
    if (p.vendor === "segment") {
        if (p.managed === "delegation") {
            return { kind: "segmentDelegation", name: p.name ?? defaultName("segment", p.domain!), domain: p.domain!, nameServers: p.nameServers! };
        }
        if (p.managed === "cname") {
            return {
                kind: "segmentCname",
                name: p.name ?? defaultName("segment", p.cdnDomain!),
                cdnDomain: p.cdnDomain!,
                apiDomain: p.apiDomain!,
                cdnTarget: p.cdnTarget!,
                apiTarget: p.apiTarget!,
            };
        }
        if (p.domain === undefined) {
            return {
                kind: "cdn",
                name: p.name ?? defaultName("segment", p.cdnDomain!),
                vendor: "segment",
                region: p.region,
                layout: "split",
                hostnames: { cdn: p.cdnDomain!, api: p.apiDomain! },
            };
        }
    }
    const region = p.vendor === "vtex" ? "us" : p.region;
    const role = p.vendor === "vtex" ? "store" : "main";
    return {
        kind: "cdn",
        name: p.name ?? defaultName(p.vendor, p.domain!),
        vendor: p.vendor,
        region,
        layout: "single",
        hostnames: { [role]: p.domain! },
    };
}

/** `posthog` + `e.example.com` → `posthog-e-example-com`, trimmed to a length every resource name allows. */
function defaultName(vendor: string, hostname: string): string {
    return `${vendor}-${hostname.replace(/\./g, "-")}`.slice(0, 60).replace(/-+$/, "");
}

function splitKey(fullKey: string): [string, string] {
    const i = fullKey.indexOf(":");
    // The engine writes `project:config:key` in some versions; both forms name the same key.
    const rest = fullKey.slice(i + 1);
    return [fullKey.slice(0, i), rest.startsWith("config:") ? rest.slice("config:".length) : rest];
}

function decodeJson(key: string, value: string, issues: ConfigIssue[]): unknown {
    try {
        return JSON.parse(value);
    } catch {
        issues.push({ key, message: `must be a structured value (a YAML mapping or list), got ${JSON.stringify(value)}` });
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

function zodIssue(issue: z.core.$ZodIssue): ConfigIssue {
    const path = [...issue.path];
    const got = "input" in issue ? issue.input : undefined;
    switch (issue.code) {
        case "invalid_union":
            if ("discriminator" in issue && issue.discriminator) {
                const value = typeof got === "object" && got !== null ? (got as Record<string, unknown>).vendor : got;
                const options = (issue as { options?: readonly unknown[] }).options ?? [];
                return { key: keyOf(path), message: `got ${describe(value)}; allowed: ${options.join(" | ")}` };
            }
            break;
        case "invalid_value":
            return { key: keyOf(path), message: `got ${describe(got)}; allowed: ${issue.values.map(String).join(" | ")}` };
        case "unrecognized_keys":
            return { key: keyOf(path), message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` };
        case "invalid_type":
            if (got === undefined) return { key: keyOf(path), message: `is required (${issue.expected})` };
            return { key: keyOf(path), message: `got ${describe(got)}; expected ${issue.expected}` };
        case "custom":
            return { key: keyOf(path), message: typeof got === "string" ? `${issue.message} (got ${describe(got)})` : issue.message };
    }
    return { key: keyOf(path), message: got === undefined ? issue.message : `${issue.message} (got ${describe(got)})` };
}

function describe(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
    const seen = new Set<string>();
    return issues.filter((i) => {
        const k = `${i.key}\u0000${i.message}`;
        return seen.has(k) ? false : (seen.add(k), true);
    });
}
