import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { Route, Site } from "../model/types";
import { edgeResponseHeaderRules, OwnedSite } from "./edgeHeaderRules";

/**
 * Zone rules (Cloudflare Rulesets) generated from a site's route table, for the proxies that Cloudflare serves as
 * proxied DNS (VTEX, and every site in page-rule mode): HTTP→HTTPS redirects that spare the routes allowing plain
 * HTTP (VTEX's ACME challenge), cache bypass where the route disables caching, and Full (strict) TLS to the origin.
 *
 * Cloudflare allows one entry-point ruleset per phase per zone, so the rules of every proxy in the zone are collected
 * into one `ZoneRules` component, created once, that owns one Ruleset per phase. A zone's plan caps the rules of each
 * phase (ten on Free), so these rules are shared by shape: the sites whose requests want the same action on the same
 * paths are named together in one rule (`http.host in {...}`), whatever the number of proxies (see `mergeZoneRules`).
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
    /**
     * Present on a rule shared by shape: the hostnames it names and what it asks of their requests besides the
     * hostname. Rules of one ref share the shape (the ref is derived from it) and are merged into one rule naming every
     * hostname (`mergeZoneRules`). Absent: the rule is one proxy's own (its ref unique in the zone).
     */
    readonly shared?: SharedShape;
}

/** What a rule shared by shape names: its hostnames, and the condition their requests must also meet. */
export interface SharedShape {
    readonly hostnames: readonly string[];
    /** The condition on the request besides its hostname (path, scheme); undefined for every request of the hostnames. */
    readonly condition?: string;
    /** What the rule does, for its description ("HTTP to HTTPS"). */
    readonly does: string;
}

/** Cloudflare's limit on the length of one rule expression. */
export const maxExpressionLength = 4096;

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

/**
 * The path condition for the requests of `site` whose first matching route (CloudFront's order) satisfies `wanted`:
 * undefined for every path, null for none. Where the wanted routes are the first ones, a request is theirs exactly
 * when it matches any of them, so their patterns alone say it (no "and not an earlier route").
 */
export function pathsWanting(site: Site, wanted: (r: Route) => boolean): string | undefined | null {
    const conditions = firstMatchPathConditions(site);
    const live = site.routes.map((r, i) => ({ wanted: wanted(r), condition: conditions[i], own: pathCondition(r.pathPattern) })).filter((r) => r.condition !== "false");
    const chosen = live.filter((r) => r.wanted);
    if (chosen.length === 0) return null;
    const firstUnwanted = live.findIndex((r) => !r.wanted);
    const leading = firstUnwanted === -1 || firstUnwanted === chosen.length;
    if (leading && chosen.some((r) => r.own === undefined)) return undefined;
    const parts = chosen.map((r) => (leading ? r.own! : r.condition!));
    return parts.map((c) => (parts.length === 1 ? c : `(${c})`)).join(" or ");
}

/** `conditions` joined with `and`, each that holds an `or` in parentheses; undefined when there are none. */
function allOf(conditions: readonly (string | undefined)[]): string | undefined {
    const present = conditions.filter((c): c is string => c !== undefined);
    if (present.length === 0) return undefined;
    return present.map((c) => (present.length > 1 && / or /.test(c) ? `(${c})` : c)).join(" and ");
}

/** A rule kind shared by shape: everything but the hostnames and the condition. */
interface SharedKind {
    readonly phase: ZonePhase;
    /** The ref's start; the shape's hash follows it. */
    readonly ref: string;
    readonly does: string;
    readonly action: ZoneRuleSpec["action"];
    readonly actionParameters: cloudflare.types.input.RulesetRuleActionParameters;
}

/** HTTP→HTTPS (301, query kept). */
const httpsRedirect: SharedKind = {
    phase: "http_request_dynamic_redirect",
    ref: "https-redirect",
    does: "HTTP to HTTPS",
    action: "redirect",
    actionParameters: {
        fromValue: {
            statusCode: 301,
            targetUrl: { expression: `concat("https://", http.host, ${pathField})` },
            preserveQueryString: true,
        },
    },
};

/** Never cached. */
const cacheBypass: SharedKind = {
    phase: "http_request_cache_settings",
    ref: "no-cache",
    does: "never cached",
    action: "set_cache_settings",
    actionParameters: { cache: false },
};

/** Full (strict) TLS to the origin. */
const strictSsl: SharedKind = {
    phase: "http_config_settings",
    ref: "strict-tls",
    does: "Full (strict) TLS to the origin",
    action: "set_config",
    actionParameters: { ssl: "strict" },
};

/** The ref of a shape: the kind's name and a hash of everything the rule does and asks but its hostnames. */
function shapeRef(kind: SharedKind, condition: string | undefined): string {
    const digest = createHash("sha256")
        .update(JSON.stringify([kind.phase, kind.action, kind.actionParameters, condition ?? null]))
        .digest("hex");
    return `${kind.ref}-${digest.slice(0, 8)}`;
}

/**
 * A shared rule's condition as its description says it: path patterns for the Rules language's path tests, the
 * scheme left to what the rule does ("HTTP to HTTPS"); undefined for every path.
 */
export function pathsText(condition: string | undefined): string | undefined {
    const text = (condition ?? "")
        .replace(/(^| and )not ssl$/, "")
        .replace(/starts_with\(http\.request\.uri\.path, "((?:[^"\\]|\\.)*)"\)/g, "$1*")
        .replace(/http\.request\.uri\.path (?:eq|strict wildcard) "((?:[^"\\]|\\.)*)"/g, "$1");
    return text === "" ? undefined : text;
}

/** The rule of `kind` for `hostnames` (in this order) and `condition`; `part` names one part of a split rule. */
function sharedRule(kind: SharedKind, owner: string, shapeRef: string, shared: Omit<SharedShape, "does">, part?: string): ZoneRuleSpec {
    const { hostnames, condition } = shared;
    const hosts = `http.host in {${hostnames.map(quote).join(" ")}}`;
    const count = `${hostnames.length} hostname${hostnames.length === 1 ? "" : "s"}`;
    const paths = pathsText(condition);
    const where = paths === undefined ? "" : paths.length <= 200 ? `, paths: ${paths}` : `, the paths of shape ${shapeRef}`;
    return {
        phase: kind.phase,
        owner,
        ref: part === undefined ? shapeRef : `${shapeRef}${sharedPartSuffix}${part}`,
        description: `first-party-proxy: ${kind.does}${where} (${count}${part === undefined ? "" : `, part ${part}`})`,
        expression: `(${allOf([hosts, condition])})`,
        action: kind.action,
        actionParameters: kind.actionParameters,
        shared: { hostnames, condition, does: kind.does },
    };
}

/** The site's rule of `kind` where its first matching route is `wanted`, shared with every site of that shape. */
function siteRule(kind: SharedKind, owner: string, site: Site, wanted: (r: Route) => boolean, scheme?: string): ZoneRuleSpec[] {
    const paths = pathsWanting(site, wanted);
    if (paths === null) return [];
    const condition = allOf([paths, scheme]);
    return [sharedRule(kind, owner, shapeRef(kind, condition), { hostnames: [site.hostname], condition })];
}

/**
 * HTTP→HTTPS (301, query kept) for the paths whose route redirects; the others (VTEX's ACME challenge) stay reachable
 * over plain HTTP. Done here rather than by the zone's "Always Use HTTPS", which cannot spare a path. One rule per
 * shape of the zone (see `mergeZoneRules`).
 */
export function httpsRedirectRules(owner: string, site: Site): ZoneRuleSpec[] {
    return siteRule(httpsRedirect, owner, site, (r) => r.viewerProtocol === "redirect", "not ssl");
}

/** Cache bypass for the paths whose route's cache intent is `disabled`, shared with the sites of that shape. */
export function cacheBypassRules(owner: string, site: Site): ZoneRuleSpec[] {
    return siteRule(cacheBypass, owner, site, (r) => r.cache.mode === "disabled");
}

/**
 * TLS to the origin verified (Full (strict)) for the site's hostname, whatever the zone's SSL mode. In Full modes
 * Cloudflare reaches the origin with the visitor's scheme, so a plain-HTTP route (the ACME challenge) stays plain.
 */
export function strictSslRule(owner: string, site: Site): ZoneRuleSpec[] {
    if (!site.origins.some((o) => o.protocol === "https")) return [];
    return siteRule(strictSsl, owner, site, () => true);
}

const sharedKinds: readonly SharedKind[] = [httpsRedirect, cacheBypass, strictSsl];

/** What follows a shared rule's ref in its parts: the bits of its hostnames' hashes that set them apart. */
const sharedPartSuffix = "-part-";

/**
 * The zone's rules with those shared by shape merged: the rules of one ref become one rule naming every hostname that
 * wants it (sorted), after the others (kept as they are, in order), in the order of their refs: the same rules
 * whatever the order of the proxies. A merged rule whose
 * expression would pass Cloudflare's 4,096 characters is split into parts by the hashes of its hostnames (`splitByHash`),
 * so adding or removing a hostname changes only the part that names it (and its sibling part where the two must be
 * split or may be joined). Throws on a ref used by two different rules.
 */
export function mergeZoneRules(rules: readonly ZoneRuleSpec[]): ZoneRuleSpec[] {
    const groups = new Map<string, { first: ZoneRuleSpec; hostnames: Set<string>; owners: Set<string> }>();
    const own: ZoneRuleSpec[] = [];
    for (const r of rules) {
        if (!r.shared) {
            own.push(r);
            continue;
        }
        const group = groups.get(r.ref);
        if (!group) {
            groups.set(r.ref, { first: r, hostnames: new Set(r.shared.hostnames), owners: new Set([r.owner]) });
            continue;
        }
        if (!sameShape(group.first, r)) throw new Error(`zone rule ref ${r.ref} is used by two different rules (${group.first.owner}, ${r.owner})`);
        for (const h of r.shared.hostnames) group.hostnames.add(h);
        group.owners.add(r.owner);
    }
    const shared = [...groups.keys()].sort(byCodePoint).flatMap((entry) => {
        const { first, hostnames, owners } = groups.get(entry)!;
        const kind = sharedKinds.find((k) => k.phase === first.phase && k.action === first.action)!;
        const owner = [...owners].sort().join(", ");
        const condition = first.shared!.condition;
        const build = (names: readonly string[], part?: string) => sharedRule(kind, owner, entry, { hostnames: names, condition }, part);
        const parts = splitByHash([...hostnames].sort(byCodePoint), (names) => build(names).expression.length <= maxExpressionLength);
        if (parts.length === 1) return [build(parts[0].hostnames)];
        return parts.map((p) => {
            if (p.hostnames.length === 1 && !(build(p.hostnames).expression.length <= maxExpressionLength)) {
                const long = build(p.hostnames);
                throw new Error(
                    `the zone rule ${entry} for ${p.hostnames[0]} needs a ${long.expression.length}-character expression; Cloudflare allows ${maxExpressionLength}`,
                );
            }
            return build(p.hostnames, p.bits);
        });
    });
    return [...own, ...shared];
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sameShape(a: ZoneRuleSpec, b: ZoneRuleSpec): boolean {
    return (
        a.phase === b.phase &&
        a.action === b.action &&
        a.shared?.condition === b.shared?.condition &&
        JSON.stringify(a.actionParameters) === JSON.stringify(b.actionParameters)
    );
}

/**
 * `hostnames` (sorted) in parts that `fits`: all together if they fit, otherwise split by the next bit of each
 * hostname's SHA-256 (the first bit, then the second within each half, ...) until every part fits. A part is
 * named by the bits its hostnames share, so it depends only on the hostnames it holds: a hostname added or removed
 * changes its own part alone, unless that part no longer fits (it is split in two) or now fits together with its
 * sibling (they are joined again). A single hostname that does not fit is returned alone (the caller refuses it).
 */
export function splitByHash(hostnames: readonly string[], fits: (hostnames: readonly string[]) => boolean): { bits?: string; hostnames: readonly string[] }[] {
    if (fits(hostnames)) return [{ hostnames }];
    const digests = new Map(hostnames.map((h) => [h, createHash("sha256").update(h).digest()]));
    const bit = (h: string, i: number) => (digests.get(h)![i >> 3] >> (7 - (i & 7))) & 1;
    const split = (names: readonly string[], bits: string): { bits: string; hostnames: readonly string[] }[] => {
        if (names.length === 0) return [];
        if (names.length === 1 || bits.length >= 256 || (bits.length > 0 && fits(names))) return [{ bits, hostnames: names }];
        const i = bits.length;
        return [...split(names.filter((h) => bit(h, i) === 0), `${bits}0`), ...split(names.filter((h) => bit(h, i) === 1), `${bits}1`)];
    };
    return split(hostnames, "");
}

/** Rules grouped by phase in Cloudflare's order; throws on a ref used twice (merge shared rules first: `mergeZoneRules`). */
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
    /** Once sealed: what each ref holds (a split rule's parts by their base ref too). */
    private held?: ReadonlyMap<string, HeldRule>;
    /** Before sealing: the refs of the rules added, zone-wide ones as each proxy's own sites need them. */
    private readonly addedRefs = new Set<string>();
    /** The first rule added of each ref: a ref is one proxy's, or one shape's that every rule of it shares. */
    private readonly firstOfRef = new Map<string, ZoneRuleSpec>();

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
        for (const r of rules) {
            const first = this.firstOfRef.get(r.ref);
            if (first && !(first.shared && r.shared)) {
                throw new Error(`zone rule ref ${r.ref} is used twice (${first.owner}, ${owner}); every proxy in a zone needs its own name`);
            }
            if (!first) this.firstOfRef.set(r.ref, r);
        }
        // The shared rules of one ref must have one shape; checked here so the proxy that breaks it is named.
        mergeZoneRules([...rules.filter((r) => r.shared).map((r) => this.firstOfRef.get(r.ref)!), ...rules]);
        this.rules.push(...rules);
        this.edgeSites.push(...edgeSites);
        for (const r of [...rules, ...edgeResponseHeaderRules(edgeSites)]) {
            this.addedRefs.add(r.ref);
            this.rulesetFor(r.phase);
        }
    }

    /**
     * Settles every phase's rules: those added so far, the rules shared by shape naming every hostname that wants
     * them, the zone-wide response header rules naming every site.
     */
    seal(by: string): void {
        if (this.sealedBy !== undefined) return;
        this.sealedBy = by;
        try {
            const all = [...mergeZoneRules(this.rules), ...edgeResponseHeaderRules(this.edgeSites)];
            const grouped = rulesByPhase(all);
            this.held = heldRules(all);
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
     * for a rule shared by several proxies (by shape, or zone-wide), one of its ref that names every hostname the given
     * rule names. Before the rules are sealed, a rule is here when a rule of its ref was added.
     */
    phasesFor(owner: string, rules: readonly ZoneRuleSpec[]): ZonePhase[] {
        const held = this.held;
        const missing = rules.filter((r) => (held ? !holds(held.get(r.ref), r) : !this.addedRefs.has(r.ref)));
        if (missing.length > 0) {
            throw new Error(
                `${owner}: the zone's rulesets lack ${missing.map((r) => r.ref).join(", ")}; build ZoneRules from every proxy's zone rules before the proxies`,
            );
        }
        return zonePhases.filter((p) => rules.some((r) => r.phase === p));
    }
}

/**
 * Whether a zone rule of `rule`'s ref with expression `held` serves `rule`: the same expression, or a rule shared by
 * several proxies (its ref says its shape) that names every hostname `rule` names.
 */
export function holdsRule(held: string | undefined, rule: ZoneRuleSpec): boolean {
    return holds(held === undefined ? undefined : { expression: held, hostnames: new Set(hostnamesIn(held)) }, rule);
}

/** What one ref holds in the zone: its expression (a split rule's parts joined by `or`) and the hostnames it names. */
interface HeldRule {
    readonly expression: string;
    readonly hostnames: ReadonlySet<string>;
}

function holds(held: HeldRule | undefined, rule: ZoneRuleSpec): boolean {
    if (held === undefined) return false;
    return held.expression === rule.expression || hostnamesIn(rule.expression).every((h) => held.hostnames.has(h));
}

/** What each ref holds; a rule split into parts (`<ref>-part-<n>`) holds, by its base ref, what all its parts name. */
function heldRules(rules: readonly ZoneRuleSpec[]): Map<string, HeldRule> {
    const held = new Map<string, { expression: string; hostnames: Set<string> }>();
    for (const r of rules) {
        const hostnames = hostnamesIn(r.expression);
        const base = r.ref.replace(/-part-\d+$/, "");
        const whole = held.get(base);
        if (whole) {
            whole.expression = `${whole.expression} or ${r.expression}`;
            for (const h of hostnames) whole.hostnames.add(h);
        } else {
            held.set(base, { expression: r.expression, hostnames: new Set(hostnames) });
        }
        if (base !== r.ref) held.set(r.ref, { expression: r.expression, hostnames: new Set(hostnames) });
    }
    return held;
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
