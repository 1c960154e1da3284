import * as cloudflare from "@pulumi/cloudflare";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { acmeChallengePrefix, cloudflareAutoTtl, customOriginProblem, maxPageRulesPerZone, segmentApiHosts, vendorOfHost } from "./facts";

export type WorkersScriptProps = Unwrap<cloudflare.WorkersScriptArgs>;

/** The generated Worker's `SETTINGS` binding, as far as the policies read it. */
export interface WorkerSettingsView {
    readonly hostname?: unknown;
    /** A custom vendor's Worker: its origins are held to the custom vendor's guardrails, not the vendors' hosts. */
    readonly customVendor?: unknown;
    readonly origins: Record<string, { readonly baseUrl?: unknown }>;
    readonly routes: readonly {
        readonly pathPattern?: unknown;
        readonly originId?: unknown;
        readonly redirectHttp?: unknown;
        readonly cache?: unknown;
        readonly cors?: unknown;
        readonly queryTarget?: { readonly kind?: unknown };
    }[];
}

/**
 * The first line of a shared Worker's module (`cloudflare.workerScripts: shared`): its sites by hostname, as JSON
 * (components/cloudflare/worker/source.ts, sharedWorkerModuleSource).
 */
export const sharedSitesDeclaration = "const FIRST_PARTY_PROXY_SITES = ";

/**
 * Every site a Worker serves, as its settings: a one-site Worker's SETTINGS json binding, or each site a shared
 * Worker's module declares on its first line; or why they cannot be read.
 */
export function readWorkerSites(script: WorkersScriptProps): { sites: WorkerSettingsView[]; problem?: string } {
    const binding = (script.bindings ?? []).find((b) => b.name === "SETTINGS");
    const content = typeof script.content === "string" ? script.content : "";
    if (!binding && content.startsWith(sharedSitesDeclaration)) return readSharedSites(content);
    if (!binding) return { sites: [], problem: "has no SETTINGS binding (nor a shared Worker's sites), so the origins it fetches from cannot be checked" };
    if (binding.type !== "json" || typeof binding.json !== "string") return { sites: [], problem: `has a SETTINGS binding of type ${binding.type}, not json` };
    const settings = settingsView(binding.json);
    return typeof settings === "string" ? { sites: [], problem: `has a SETTINGS binding ${settings}` } : { sites: [settings] };
}

function readSharedSites(content: string): { sites: WorkerSettingsView[]; problem?: string } {
    const end = content.indexOf("\n");
    const declared = content.slice(sharedSitesDeclaration.length, end === -1 ? content.length : end).replace(/;$/, "");
    let table: unknown;
    try {
        table = JSON.parse(declared);
    } catch {
        return { sites: [], problem: "declares shared sites that are not valid JSON" };
    }
    if (typeof table !== "object" || table === null || Array.isArray(table)) return { sites: [], problem: "declares shared sites that are not a mapping by hostname" };
    const sites: WorkerSettingsView[] = [];
    for (const [host, entries] of Object.entries(table)) {
        if (!Array.isArray(entries) || entries.length === 0) return { sites: [], problem: `declares no site for ${host}` };
        for (const entry of entries as { settings?: unknown }[]) {
            const settings = settingsView(JSON.stringify(entry?.settings ?? null));
            if (typeof settings === "string") return { sites: [], problem: `declares a site for ${host} ${settings}` };
            if (settings.hostname !== host) return { sites: [], problem: `declares a site for ${host} whose hostname is ${JSON.stringify(settings.hostname)}` };
            sites.push(settings);
        }
    }
    return sites.length === 0 ? { sites, problem: "declares no shared sites" } : { sites };
}

/** Settings read from JSON, or what is wrong with them. */
function settingsView(json: string): WorkerSettingsView | string {
    let parsed: unknown;
    try {
        parsed = JSON.parse(json);
    } catch {
        return "that is not valid JSON";
    }
    const s = parsed as Partial<WorkerSettingsView>;
    if (typeof s !== "object" || s === null || typeof s.origins !== "object" || s.origins === null || !Array.isArray(s.routes)) {
        return "without origins and routes";
    }
    return s as WorkerSettingsView;
}

/** `https://host` with nothing else, or undefined. */
export function bareHttpsHost(baseUrl: unknown): string | undefined {
    if (typeof baseUrl !== "string") return undefined;
    let url: URL;
    try {
        url = new URL(baseUrl);
    } catch {
        return undefined;
    }
    const bare = url.protocol === "https:" && url.port === "" && url.username === "" && url.password === "" && url.search === "" && url.hash === "";
    return bare && `https://${url.hostname}` === baseUrl.replace(/\/$/, "") ? url.hostname : undefined;
}

export const cloudflareProxiedRecordTtlAuto: ResourceValidationPolicy = {
    name: "cloudflare-proxied-record-ttl-auto",
    description: "Proxied Cloudflare DNS records have ttl 1 (automatic), the only TTL Cloudflare accepts for them.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(cloudflare.DnsRecord, (r, _, reportViolation) => {
        if (r.proxied === true && r.ttl !== cloudflareAutoTtl) {
            reportViolation(`record ${r.name} ${r.type} is proxied with ttl ${r.ttl}: proxied records need ttl 1 (automatic).`);
        }
    }),
};

export const cloudflarePageRuleSslStrict: ResourceValidationPolicy = {
    name: "cloudflare-page-rule-ssl-strict",
    description:
        "Page rules that send traffic to a vendor's HTTPS origin set SSL to strict (Segment's Tracking API otherwise fails CORS preflights).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(cloudflare.PageRule, (rule, _, reportViolation) => {
        const origin = rule.actions?.resolveOverride ?? rule.actions?.hostHeaderOverride;
        const vendor = vendorOfHost(origin);
        if (vendor === undefined || vendor === "vtex" || rule.actions?.ssl === "strict") return;
        const why = segmentApiHosts.includes(origin!)
            ? "Segment's Tracking API needs SSL strict, or CORS preflights fail"
            : "the origin's certificate must be verified";
        reportViolation(`page rule ${rule.target} sends traffic to ${origin} with ssl ${rule.actions?.ssl ?? "unset"}: set ssl strict (${why}).`);
    }),
};

function pageRulesByZone(resources: readonly PolicyResource[]): Map<string, PolicyResource[]> {
    const zones = new Map<string, PolicyResource[]>();
    for (const r of resources.filter((x) => x.isType(cloudflare.PageRule))) {
        const zone = String(r.props.zoneId);
        zones.set(zone, [...(zones.get(zone) ?? []), r]);
    }
    return zones;
}

export const cloudflarePageRuleLimit: StackValidationPolicy = {
    name: "cloudflare-page-rule-limit",
    description: `A zone holds at most ${maxPageRulesPerZone} page rules (Cloudflare's Enterprise limit).`,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const [zone, rules] of pageRulesByZone(args.resources)) {
            if (rules.length > maxPageRulesPerZone) {
                reportViolation(
                    `zone ${zone} gets ${rules.length} page rules, more than the ${maxPageRulesPerZone} Cloudflare allows: use mode worker for some proxies, or split them across zones.`,
                );
            }
        }
    },
};

/** Whether page rule target `a` matches every URL target `b` matches (`*` is the only wildcard). */
export function pageTargetCovers(a: string, b: string): boolean {
    const strip = (t: string) => t.replace(/^\*?https?:\/\//, "").replace(/^\*:\/\//, "");
    const pattern = strip(a)
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
    // b's own wildcards become a character a's literals never match: only a's wildcards can absorb them.
    return new RegExp(`^${pattern}$`, "s").test(strip(b).replace(/\*/g, "\u0000"));
}

export const cloudflarePageRuleOrder: StackValidationPolicy = {
    name: "cloudflare-page-rule-order",
    description:
        "Within a zone, page rule priorities are set and distinct, and every specific rule outranks the catch-all rules that also match its URLs (only the highest-priority match applies).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const [zone, rules] of pageRulesByZone(args.resources)) {
            const byPriority = new Map<number, PolicyResource>();
            for (const r of rules) {
                const p = r.props.priority;
                if (typeof p !== "number") {
                    reportViolation(`page rule ${r.props.target} in zone ${zone} has no priority: set one, so the order does not depend on creation order.`, r.urn);
                    continue;
                }
                const same = byPriority.get(p);
                if (same) reportViolation(`page rules ${same.props.target} and ${r.props.target} in zone ${zone} share priority ${p}.`, r.urn);
                byPriority.set(p, r);
            }
            for (const general of rules) {
                for (const specific of rules) {
                    if (general === specific || general.props.target === specific.props.target) continue;
                    if (!pageTargetCovers(general.props.target, specific.props.target)) continue;
                    if (typeof general.props.priority === "number" && typeof specific.props.priority === "number" && specific.props.priority <= general.props.priority) {
                        reportViolation(
                            `page rule ${specific.props.target} (priority ${specific.props.priority}) never applies: ${general.props.target} (priority ${general.props.priority}) matches all its URLs and must rank below it.`,
                            specific.urn,
                        );
                    }
                }
            }
        }
    },
};

export const cloudflareWorkerNotOpenProxy: ResourceValidationPolicy = {
    name: "cloudflare-worker-not-open-proxy",
    description:
        "Proxy Workers fetch only from the vendors' documented HTTPS hosts listed in their SETTINGS binding (a custom vendor's: public DNS names, never an IP, loopback, private or link-local name), so they cannot be used to reach any other site.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(cloudflare.WorkersScript, (script, _, reportViolation) => {
        const { sites, problem } = readWorkerSites(script);
        if (problem) {
            reportViolation(`Worker ${script.scriptName} ${problem}.`);
            return;
        }
        for (const settings of sites) checkOrigins(script, settings, reportViolation);
    }),
};

/** A site's origins are vendors' documented hosts (a custom vendor's: public names), and its routes name them. */
function checkOrigins(script: WorkersScriptProps, settings: WorkerSettingsView, reportViolation: (message: string) => void): void {
    for (const [id, origin] of Object.entries(settings.origins)) {
        const host = bareHttpsHost(origin?.baseUrl);
        if (settings.customVendor === true) {
            const problem = host === undefined ? "not a bare https://<host>" : customOriginProblem(host);
            if (problem) {
                reportViolation(`Worker ${script.scriptName} origin ${id} is ${JSON.stringify(origin?.baseUrl)}: ${problem}; a custom vendor's Worker may only fetch https://<a public DNS name>.`);
            }
            continue;
        }
        const vendor = vendorOfHost(host);
        if (host === undefined || vendor === undefined || vendor === "vtex") {
            reportViolation(
                `Worker ${script.scriptName} origin ${id} is ${JSON.stringify(origin?.baseUrl)}: a proxy Worker may only fetch https://<a vendor's documented host> (no path, port or credentials).`,
            );
        }
    }
    for (const route of settings.routes) {
        if (typeof route.originId !== "string" || !(route.originId in settings.origins)) {
            reportViolation(`Worker ${script.scriptName} route ${String(route.pathPattern)} names origin ${String(route.originId)}, which its SETTINGS do not define.`);
        }
    }
}

export const cloudflareWorkerRedirectsHttp: ResourceValidationPolicy = {
    name: "cloudflare-worker-redirects-http",
    description: "Proxy Workers redirect plain HTTP to HTTPS on every route.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(cloudflare.WorkersScript, (script, _, reportViolation) => {
        for (const route of readWorkerSites(script).sites.flatMap((settings) => settings.routes)) {
            if (route.redirectHttp !== true) {
                reportViolation(`Worker ${script.scriptName} route ${String(route.pathPattern)} serves plain HTTP: set redirectHttp.`);
            }
        }
    }),
};

/** The hostname a Worker route pattern (`host/*`, optionally with a scheme) runs on; undefined for a wildcard host. */
export function routePatternHost(pattern: unknown): string | undefined {
    const host = String(pattern ?? "")
        .replace(/^https?:\/\//, "")
        .split("/")[0];
    return host === "" || host.includes("*") ? undefined : host.toLowerCase();
}

export const cloudflareWorkerRouteProxied: StackValidationPolicy = {
    name: "cloudflare-worker-route-proxied",
    description:
        "Every Worker route names a Worker of the stack and runs on a proxied DNS record for its hostname, which waits for the route: a route on a missing or unproxied record never runs, and a record proxied before its route exists sends viewers to the bare origin (with their own Host). A route on a path prefix of the user's own site (sharedHost) relies on the site's record.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const scripts = new Set(args.resources.filter((r) => r.isType(cloudflare.WorkersScript)).map((r) => r.props.scriptName));
        const records = args.resources.filter((r) => r.isType(cloudflare.DnsRecord));
        for (const route of args.resources.filter((r) => r.isType(cloudflare.WorkersRoute))) {
            const pattern = String(route.props.pattern);
            if (typeof route.props.script !== "string" || !scripts.has(route.props.script)) {
                reportViolation(`Worker route ${pattern} runs ${JSON.stringify(route.props.script ?? null)}, which is no Worker of this stack: name the proxy's script.`, route.urn);
            }
            const host = routePatternHost(pattern);
            if (host === undefined) continue;
            // A route on a path prefix (`www.example.com/k7/*`) is a proxy on the user's own site (sharedHost): the
            // site's record is theirs, outside this stack, and already proxied.
            if (!pattern.endsWith(`${host}/*`)) continue;
            const record = records.find((r) => String(r.props.name).replace(/\.$/, "").toLowerCase() === host && r.props.zoneId === route.props.zoneId);
            if (!record) {
                reportViolation(`Worker route ${pattern} has no DNS record for ${host} in its zone: a route runs only where Cloudflare's proxy answers; add a proxied record.`, route.urn);
            } else if (record.props.proxied !== true) {
                reportViolation(`Worker route ${pattern} runs on ${host} ${record.props.type}, which is not proxied, so the route never runs: set proxied true (ttl 1).`, record.urn);
            } else if (!record.dependencies.some((d) => d.urn === route.urn)) {
                reportViolation(
                    `record ${host} does not depend on the Worker route ${pattern}: switching an existing hostname to Workers, it would turn proxied before the route exists; make it depend on the route.`,
                    record.urn,
                );
            }
        }
    },
};

/** A zone rule as the policies read it from a Ruleset's inputs. */
type RulesetRuleView = {
    readonly expression: string;
    readonly action?: string;
    readonly enabled?: boolean;
    readonly actionParameters?: { readonly headers?: Record<string, { readonly operation?: string }> };
};

/** The enabled rules with an expression and `action` in the stack's Rulesets of `phase`, each with its ruleset. */
function enabledZoneRules(resources: readonly PolicyResource[], phase: string, action: string): { ruleset: PolicyResource; rule: RulesetRuleView }[] {
    return resources
        .filter((r) => r.isType(cloudflare.Ruleset) && r.props.phase === phase)
        .flatMap((r) => ((r.props.rules ?? []) as Partial<RulesetRuleView>[]).map((rule) => ({ ruleset: r, rule })))
        .filter((x): x is { ruleset: PolicyResource; rule: RulesetRuleView } => x.rule.action === action && x.rule.enabled !== false && typeof x.rule.expression === "string");
}

export const cloudflareWorkerEdgeCorsHeaders: StackValidationPolicy = {
    name: "cloudflare-worker-edge-cors-headers",
    description:
        "A Worker with edge CORS routes (PostHog assets, Amplitude) has a response header rule in the zone that sets Access-Control-Allow-Origin for its hostname: the Worker answers preflights only, and returns the origin's other responses unchanged.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const corsRules = enabledZoneRules(args.resources, "http_response_headers_transform", "rewrite")
            .map(({ rule }) => rule)
            .filter((rule) => rule.actionParameters?.headers?.["access-control-allow-origin"]?.operation === "set");
        for (const script of args.resources.filter((r) => r.isType(cloudflare.WorkersScript))) {
            for (const settings of readWorkerSites(script.props as WorkersScriptProps).sites) {
                if (typeof settings.hostname !== "string" || !settings.routes.some((r) => r.cors === "edgePreflight")) continue;
                const host = settings.hostname;
                if (!corsRules.some((rule) => rule.expression.includes(`"${host}"`))) {
                    reportViolation(
                        `Worker ${script.props.scriptName} answers CORS preflights for ${host}, but no enabled response header rule sets Access-Control-Allow-Origin for ${host}: browsers would refuse its other responses; add ${host} to the zone's http_response_headers_transform rules.`,
                        script.urn,
                    );
                }
            }
        }
    },
};

const pathField = "http.request.uri.path";

/** Whether a Rules-language expression names `host`: `http.host eq "<host>"`, or `"<host>"` in an `http.host in {...}` set. */
export function expressionNamesHost(expression: string, host: string): boolean {
    if (expression.includes(`http.host eq "${host}"`)) return true;
    return [...expression.matchAll(/http\.host in \{([^}]*)\}/g)].some(([, set]) => set.includes(`"${host}"`));
}

/** Whether a Rules-language expression can match a request for `host` whose path starts with `prefix`. */
export function expressionMayMatchPath(expression: string, host: string, prefix: string): boolean {
    if (!expressionNamesHost(expression, host)) return false;
    const conditions = [...expression.matchAll(/(not\s+)?starts_with\(http\.request\.uri\.path,\s*"([^"]*)"\)/g)];
    for (const [, negated, value] of conditions) {
        // `not starts_with(path, p)` excludes the prefix when the prefix itself starts with p.
        if (negated && prefix.startsWith(value)) return false;
        // `starts_with(path, p)` with p neither a prefix of ours nor below it cannot match ours.
        if (!negated && !prefix.startsWith(value) && !value.startsWith(prefix)) return false;
    }
    const exact = [...expression.matchAll(new RegExp(`(not\\s+)?${pathField.replace(/\./g, "\\.")} eq "([^"]*)"`, "g"))];
    if (exact.some(([, negated, value]) => !negated && !value.startsWith(prefix))) return false;
    return true;
}

export const cloudflareVtexAcmeOverHttp: StackValidationPolicy = {
    name: "cloudflare-vtex-acme-over-http",
    description:
        "A VTEX store proxied by Cloudflare redirects viewers to HTTPS, except /.well-known/acme-challenge/*, which must reach VTEX over plain HTTP so it can issue the store's certificate.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const stores = args.resources.filter(
            (r) => r.isType(cloudflare.DnsRecord) && r.props.proxied === true && vendorOfHost(r.props.content) === "vtex",
        );
        const redirects = enabledZoneRules(args.resources, "http_request_dynamic_redirect", "redirect");
        for (const store of stores) {
            const host = String(store.props.name);
            // Its own rule, or the rule shared by every store of its shape (`http.host in {...}`).
            const own = redirects.filter(({ rule }) => expressionNamesHost(rule.expression, host));
            if (own.length === 0) {
                reportViolation(`VTEX store ${host} is proxied but no redirect rule sends its plain-HTTP viewers to HTTPS.`, store.urn);
            }
            for (const { ruleset, rule } of own) {
                if (expressionMayMatchPath(rule.expression, host, acmeChallengePrefix)) {
                    reportViolation(
                        `redirect rule "${rule.expression}" can redirect ${host}${acmeChallengePrefix}*: add "not starts_with(${pathField}, \\"${acmeChallengePrefix}\\")" so VTEX's certificate challenge stays on plain HTTP.`,
                        ruleset.urn,
                    );
                }
            }
        }
    },
};

export const cloudflareUrlRewritesPathOnly: StackValidationPolicy = {
    name: "cloudflare-url-rewrites-path-only",
    description:
        "URL Rewrite Rules (http_request_transform) only rewrite a public path prefix to the vendor's: they set the path, never the query, and match one hostname, so no rule can send a request anywhere but that hostname's own page rules.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const { ruleset, rule } of enabledZoneRules(args.resources, "http_request_transform", "rewrite")) {
            const uri = (rule.actionParameters as { uri?: { path?: unknown; query?: unknown } } | undefined)?.uri;
            if (!uri?.path) reportViolation(`URL rewrite rule "${rule.expression}" rewrites no path: it has no place in this stack's rules.`, ruleset.urn);
            if (uri?.query) reportViolation(`URL rewrite rule "${rule.expression}" rewrites the query string: the vendor must get the viewer's query unchanged.`, ruleset.urn);
            if (!/^\(?http\.host eq "[^"]+"/.test(rule.expression)) {
                reportViolation(`URL rewrite rule "${rule.expression}" does not start with one hostname (http.host eq "..."): it would rewrite other sites of the zone.`, ruleset.urn);
            }
        }
    },
};

/** Cloudflare's Google tag gateway endpoint: one absolute path segment of letters and digits (its API's rule). */
const gatewayEndpoint = /^\/[A-Za-z0-9]+$/;

export const cloudflareGoogleTagGatewayOnePerZone: StackValidationPolicy = {
    name: "cloudflare-google-tag-gateway-one-per-zone",
    description:
        "A zone has one Google tag gateway setting: the stack declares at most one per zone (two would overwrite each other, and deleting one turns the gateway off for both), with an endpoint of one path segment of letters and digits and a Google tag or container ID.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const byZone = new Map<string, PolicyResource[]>();
        for (const r of args.resources.filter((r) => r.isType(cloudflare.GoogleTagGateway))) {
            const zone = String(r.props.zoneId);
            byZone.set(zone, [...(byZone.get(zone) ?? []), r]);
            const endpoint = r.props.endpoint;
            if (typeof endpoint !== "string" || !gatewayEndpoint.test(endpoint)) {
                reportViolation(`Google tag gateway ${r.name}: endpoint ${JSON.stringify(endpoint)} is not one path segment of letters and digits starting with / (e.g. /metrics).`, r.urn);
            }
            if (typeof r.props.measurementId !== "string" || !/^(G|GT|AW|DC|GTM)-[A-Z0-9]+$/.test(r.props.measurementId)) {
                reportViolation(`Google tag gateway ${r.name}: measurementId ${JSON.stringify(r.props.measurementId)} is not a Google tag ID (G-...) or Tag Manager container ID (GTM-...).`, r.urn);
            }
        }
        for (const [zone, settings] of byZone) {
            if (settings.length > 1) {
                reportViolation(`zone ${zone} gets ${settings.length} Google tag gateway settings (${settings.map((s) => s.name).join(", ")}); a zone has one: keep one proxy per zone.`);
            }
        }
    },
};
