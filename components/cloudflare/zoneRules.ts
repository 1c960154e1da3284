import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { Site } from "../model/types";
import { edgeResponseHeaderRules, OwnedSite } from "./edgeHeaderRules";

/**
 * Zone rules (Cloudflare Rulesets) generated from a site's route table, for the proxies that Cloudflare serves as
 * proxied DNS (VTEX, and every site in page-rule mode): HTTP→HTTPS redirects that spare the routes allowing plain
 * HTTP (VTEX's ACME challenge), cache bypass where the route disables caching, and Full (strict) TLS to the origin.
 *
 * Cloudflare allows one entry-point ruleset per phase per zone, so the rules of every proxy in the zone are collected
 * into one `ZoneRules` component, created once, that owns one Ruleset per phase.
 */

/** The phases we write to, in the order Cloudflare runs them for a request (and then its response). */
export const zonePhases = [
    "http_request_dynamic_redirect",
    "http_request_transform",
    "http_config_settings",
    "http_request_cache_settings",
    "http_response_headers_transform",
] as const;
export type ZonePhase = (typeof zonePhases)[number];

/** One rule as plain data; `owner` is the proxy that needs it. */
export interface ZoneRuleSpec {
    readonly phase: ZonePhase;
    /** The proxy (ProxySpec name) the rule serves. */
    readonly owner: string;
    /** Stable reference, unique in the zone: keeps the rule's identity across updates. */
    readonly ref: string;
    readonly description: string;
    readonly expression: string;
    readonly action: "redirect" | "set_config" | "set_cache_settings" | "rewrite";
    readonly actionParameters: cloudflare.types.input.RulesetRuleActionParameters;
}

/** A string literal in Cloudflare's Rules language. */
export function quote(value: string): string {
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

const pathField = "http.request.uri.path";

/**
 * A CloudFront path pattern as a Rules language condition on the path, or undefined for `*` (every path). Exact
 * paths use `eq`, trailing-`*` prefixes `starts_with` (all plans), inner `*` the case-sensitive `strict wildcard`.
 * `?` has no equivalent outside regular expressions (Business plans and up), so it is refused.
 */
export function pathCondition(pattern: string): string | undefined {
    if (pattern === "*") return undefined;
    if (pattern.includes("?")) throw new Error(`path pattern ${pattern}: "?" cannot be expressed as a Cloudflare rule; use "*"`);
    const p = pattern.startsWith("/") || pattern.startsWith("*") ? pattern : `/${pattern}`;
    const firstStar = p.indexOf("*");
    if (firstStar === -1) return `${pathField} eq ${quote(p)}`;
    if (firstStar === p.length - 1) return `starts_with(${pathField}, ${quote(p.slice(0, -1))})`;
    return `${pathField} strict wildcard ${quote(p)}`;
}

/**
 * For each route of `site`, the condition on the path alone for "this route is the first whose pattern matches" —
 * CloudFront's first-match order, written out because every matching zone rule applies. `undefined`: every path;
 * `"false"`: none (shadowed by an earlier catch-all).
 */
export function firstMatchPathConditions(site: Site): (string | undefined)[] {
    const paths = site.routes.map((r) => pathCondition(r.pathPattern));
    return paths.map((own, i) => {
        const earlier = paths.slice(0, i);
        if (earlier.some((c) => c === undefined)) return "false";
        const parts = [...(own ? [own] : []), ...earlier.map((c) => `not ${c}`)];
        return parts.length === 0 ? undefined : parts.join(" and ");
    });
}

/** For each route of `site`, the condition "this request is for the site and this route is the first that matches its path". */
export function routeConditions(site: Site): string[] {
    const host = `http.host eq ${quote(site.hostname)}`;
    return firstMatchPathConditions(site).map((path) => (path === "false" ? "false" : [host, ...(path ? [path] : [])].join(" and ")));
}

const refPart = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_");

/**
 * HTTP→HTTPS (301, query kept) for the routes that redirect; the others (VTEX's ACME challenge) stay reachable over
 * plain HTTP. Done here rather than by the zone's "Always Use HTTPS", which cannot spare a path.
 */
export function httpsRedirectRules(owner: string, site: Site): ZoneRuleSpec[] {
    const conditions = routeConditions(site);
    return site.routes.flatMap((route, i) =>
        route.viewerProtocol !== "redirect" || conditions[i] === "false"
            ? []
            : [
                  {
                      phase: "http_request_dynamic_redirect",
                      owner,
                      ref: `${refPart(owner)}-${refPart(site.role)}-https-${i}`,
                      description: `${owner}: ${site.hostname}${route.pathPattern === "*" ? "" : ` ${route.pathPattern}`} HTTP to HTTPS`,
                      expression: `(${conditions[i]} and not ssl)`,
                      action: "redirect",
                      actionParameters: {
                          fromValue: {
                              statusCode: 301,
                              targetUrl: { expression: `concat("https://", http.host, ${pathField})` },
                              preserveQueryString: true,
                          },
                      },
                  } satisfies ZoneRuleSpec,
              ],
    );
}

/** Cache bypass for the routes whose cache intent is `disabled`. */
export function cacheBypassRules(owner: string, site: Site): ZoneRuleSpec[] {
    const conditions = routeConditions(site);
    return site.routes.flatMap((route, i) =>
        route.cache.mode !== "disabled" || conditions[i] === "false"
            ? []
            : [
                  {
                      phase: "http_request_cache_settings",
                      owner,
                      ref: `${refPart(owner)}-${refPart(site.role)}-nocache-${i}`,
                      description: `${owner}: ${site.hostname}${route.pathPattern === "*" ? "" : ` ${route.pathPattern}`} never cached`,
                      expression: `(${conditions[i]})`,
                      action: "set_cache_settings",
                      actionParameters: { cache: false },
                  } satisfies ZoneRuleSpec,
              ],
    );
}

/**
 * TLS to the origin verified (Full (strict)) for the site's hostname, whatever the zone's SSL mode. In Full modes
 * Cloudflare reaches the origin with the visitor's scheme, so a plain-HTTP route (the ACME challenge) stays plain.
 */
export function strictSslRule(owner: string, site: Site): ZoneRuleSpec[] {
    if (!site.origins.some((o) => o.protocol === "https")) return [];
    return [
        {
            phase: "http_config_settings",
            owner,
            ref: `${refPart(owner)}-${refPart(site.role)}-ssl`,
            description: `${owner}: ${site.hostname} Full (strict) TLS to the origin`,
            expression: `(http.host eq ${quote(site.hostname)})`,
            action: "set_config",
            actionParameters: { ssl: "strict" },
        },
    ];
}

/** Rules grouped by phase in Cloudflare's order; throws on a ref used twice. */
export function rulesByPhase(rules: readonly ZoneRuleSpec[]): Map<ZonePhase, ZoneRuleSpec[]> {
    const seen = new Set<string>();
    for (const r of rules) {
        if (seen.has(r.ref)) throw new Error(`zone rule ref ${r.ref} is used twice; every proxy in a zone needs its own name`);
        seen.add(r.ref);
    }
    const grouped = new Map<ZonePhase, ZoneRuleSpec[]>();
    for (const phase of zonePhases) {
        const list = rules.filter((r) => r.phase === phase);
        if (list.length > 0) grouped.set(phase, list);
    }
    return grouped;
}

/**
 * Said in the outputs of every proxy whose rules ZoneRules holds; `plainHttpPaths` when some route of the proxy
 * must stay reachable over plain HTTP (VTEX's ACME challenge).
 */
export function zoneRulesNotes(phases: readonly ZonePhase[], plainHttpPaths: boolean): string[] {
    if (phases.length === 0) return [];
    return [
        `This stack owns the zone's entry-point rulesets for ${phases.join(", ")}: Cloudflare allows one per phase per zone, so rules of those phases created elsewhere (dashboard, other stacks) are replaced; import an existing ruleset or move its rules here.`,
        ...(plainHttpPaths
            ? [
                  `Keep the zone's "Always Use HTTPS" setting off: it would redirect every path, ACME challenges included (it overrides these rules); the redirect rules here send every other path to HTTPS.`,
              ]
            : []),
    ];
}

export interface ZoneRulesArgs {
    /** The Cloudflare zone the rulesets belong to. */
    readonly zoneId: pulumi.Input<string>;
    /** Every proxy's rules in the zone (from `cnameProxyZoneRules`, `pageRuleProxyZoneRules`). Default: none. */
    readonly rules?: readonly ZoneRuleSpec[];
    /** Sites whose edge CORS and security headers the zone's response header rules set (`edgeResponseHeaderRules`). */
    readonly edgeSites?: readonly OwnedSite[];
    /**
     * Open: proxies created later add their rules with `add()` until `seal()` (what several `FirstPartyProxy`s of one
     * zone do). Default: false, the rules are complete at construction.
     */
    readonly open?: boolean;
}

/**
 * The zone's entry-point rulesets, one per phase, holding the rules of every proxy in the zone. Create it once per
 * zone: Cloudflare refuses a second entry-point ruleset for a phase, and applying one replaces the phase's rules.
 * An open ZoneRules takes rules until it is sealed: a phase's Ruleset is registered as soon as one rule needs the
 * phase, and its rules (zone-wide response header rules name every hostname) are settled when it is sealed.
 */
export class ZoneRules extends pulumi.ComponentResource {
    public readonly rulesets: ReadonlyMap<ZonePhase, cloudflare.Ruleset>;
    private readonly name: string;
    private readonly zoneId: pulumi.Input<string>;
    private readonly rules: ZoneRuleSpec[] = [];
    private readonly edgeSites: OwnedSite[] = [];
    private readonly phaseRulesets = new Map<ZonePhase, cloudflare.Ruleset>();
    private readonly settled: Promise<Map<ZonePhase, ZoneRuleSpec[]>>;
    private settle!: (rules: Map<ZonePhase, ZoneRuleSpec[]>) => void;
    private fail!: (error: Error) => void;
    private sealedBy?: string;
    /** Once sealed: every rule's expression by ref, and by its base ref the union of a split rule's parts. */
    private expressions?: ReadonlyMap<string, string>;
    /** Before sealing: the refs of the rules added, zone-wide ones as each proxy's own sites need them. */
    private readonly addedRefs = new Set<string>();

    constructor(name: string, args: ZoneRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("first-party-proxy:cloudflare:ZoneRules", name, {}, opts);
        this.name = name;
        this.zoneId = args.zoneId;
        this.rulesets = this.phaseRulesets;
        this.settled = new Promise((resolve, reject) => {
            this.settle = resolve;
            this.fail = reject;
        });
        this.add("the zone", args.rules ?? [], args.edgeSites ?? []);
        if (!args.open) this.seal("construction");
        this.registerOutputs({ phases: this.settled.then((grouped) => [...grouped.keys()]) });
    }

    /**
     * Adds a proxy's rules (and the sites whose response headers zone-wide rules set) before the rules are sealed;
     * registers the Ruleset of every phase they are the first to need. Throws on a ref another proxy's rule holds.
     */
    add(owner: string, rules: readonly ZoneRuleSpec[], edgeSites: readonly OwnedSite[] = []): void {
        if (this.sealedBy !== undefined) {
            throw new Error(
                `${owner}: the zone's rulesets were settled (${this.sealedBy}) before its rules were added; ` +
                    `create every proxy of a Cloudflare zone together, with no await between them`,
            );
        }
        rulesByPhase([...this.rules, ...rules]);
        this.rules.push(...rules);
        this.edgeSites.push(...edgeSites);
        for (const r of [...rules, ...edgeResponseHeaderRules(edgeSites)]) {
            this.addedRefs.add(r.ref);
            this.rulesetFor(r.phase);
        }
    }

    /** Settles every phase's rules: those added so far, the zone-wide response header rules naming every site. */
    seal(by: string): void {
        if (this.sealedBy !== undefined) return;
        this.sealedBy = by;
        try {
            const all = [...this.rules, ...edgeResponseHeaderRules(this.edgeSites)];
            const grouped = rulesByPhase(all);
            this.expressions = heldExpressions(all);
            this.settle(grouped);
        } catch (error) {
            this.fail(error as Error);
        }
    }

    private rulesetFor(phase: ZonePhase): cloudflare.Ruleset {
        const existing = this.phaseRulesets.get(phase);
        if (existing) return existing;
        const ruleset = new cloudflare.Ruleset(
            `${this.name}-${phase.replace(/_/g, "-")}`,
            {
                zoneId: this.zoneId,
                kind: "zone",
                phase,
                name: `first-party-proxy ${phase}`,
                description: "Managed by first-party-proxy (Pulumi): edits made elsewhere are overwritten.",
                rules: pulumi.output(this.settled.then((grouped) => grouped.get(phase) ?? [])).apply((list) =>
                    list.map((r) => ({
                        ref: r.ref,
                        description: r.description,
                        expression: r.expression,
                        action: r.action,
                        actionParameters: r.actionParameters,
                        enabled: true,
                    })),
                ),
            },
            { parent: this },
        );
        this.phaseRulesets.set(phase, ruleset);
        return ruleset;
    }

    /**
     * The phases that hold at least one of `rules`, after checking that every one of them is here: the same rule, or
     * for a zone-wide rule shared by several proxies, one that names every hostname the given rule names. Before the
     * rules are sealed, a rule is here when a rule of its ref was added.
     */
    phasesFor(owner: string, rules: readonly ZoneRuleSpec[]): ZonePhase[] {
        const held = this.expressions;
        const missing = rules.filter((r) => (held ? !holdsRule(held.get(r.ref), r) : !this.addedRefs.has(r.ref)));
        if (missing.length > 0) {
            throw new Error(
                `${owner}: the zone's rulesets lack ${missing.map((r) => r.ref).join(", ")}; build ZoneRules from every proxy's zone rules before the proxies`,
            );
        }
        return zonePhases.filter((p) => rules.some((r) => r.phase === p));
    }
}

/**
 * Whether a zone rule of `rule`'s ref with expression `held` serves `rule`: the same expression, or a zone-wide rule
 * that names every hostname `rule` names.
 */
export function holdsRule(held: string | undefined, rule: ZoneRuleSpec): boolean {
    if (held === undefined) return false;
    return held === rule.expression || hostnamesIn(rule.expression).every((h) => hostnamesIn(held).includes(h));
}

/** Every rule's expression by ref; a zone-wide rule split into parts (`<ref>-part-<n>`) holds, by its base ref, what all its parts name. */
function heldExpressions(rules: readonly ZoneRuleSpec[]): Map<string, string> {
    const expressions = new Map<string, string>();
    for (const r of rules) {
        const base = r.ref.replace(/-part-\d+$/, "");
        const held = expressions.get(base);
        expressions.set(base, held === undefined ? r.expression : `${held} or ${r.expression}`);
        if (base !== r.ref) expressions.set(r.ref, r.expression);
    }
    return expressions;
}

/** The hostnames a rule expression names (`http.host eq "…"`, `http.host in {"…" …}`). */
function hostnamesIn(expression: string): string[] {
    const names: string[] = [];
    for (const m of expression.matchAll(/http\.host (?:eq ("(?:[^"\\]|\\.)*")|in \{([^}]*)\})/g)) {
        const quoted = m[1] ?? m[2];
        for (const q of quoted.matchAll(/"((?:[^"\\]|\\.)*)"/g)) names.push(q[1]);
    }
    return names;
}

/** Checks that the shared rulesets hold `rules`; returns their phases. */
export function requireZoneRules(owner: string, zoneRules: ZoneRules | undefined, rules: readonly ZoneRuleSpec[]): ZonePhase[] {
    if (!zoneRules) {
        throw new Error(`${owner}: needs zone rules (${rules.map((r) => r.ref).join(", ")}); pass the zone's ZoneRules built with them`);
    }
    return zoneRules.phasesFor(owner, rules);
}
