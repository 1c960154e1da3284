import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { certificateProvider, certificateRegion } from "./aws/certificateProvider";
import { CloudFrontShared } from "./aws/shared";
import { ViewerRequestFunctions } from "./aws/viewerRequestFunctions";
import { CloudflareProxyKind } from "./cloudflare/builder";
import { cnameProxyZoneRules } from "./cloudflare/cnameProxy";
import { edgeResponseHeaderRules, OwnedSite } from "./cloudflare/edgeHeaderRules";
import { enterprisePageRuleLimit, planPageRules, PlannedPageRule, validatePageRules } from "./cloudflare/pageRules";
import { pageRuleProxyZoneRules } from "./cloudflare/pageRuleProxy";
import { sharedWorkerScriptName } from "./cloudflare/names";
import { SharedWorkerScript, SharedWorkerScripts } from "./cloudflare/sharedWorkerScript";
import { ZoneRules, ZoneRuleSpec } from "./cloudflare/zoneRules";
import { DnsConfig, StackConfig } from "./config/schema";
import { DnsZone, lookupZone } from "./dns/zone";
import { ProxySpec } from "./model/types";
import { quotaProblems } from "./quotas/check";
import { WorkersPlan } from "./quotas/limits";

/*
 * What the proxies of one program share, however they were declared (stack config or user code): one zone look-up
 * per zone, one us-east-1 provider for the ACM certificates, one random suffix for account-wide names, per AWS
 * provider the CloudFront policies (CloudFrontShared, one per distinct content) and CloudFront Functions
 * (ViewerRequestFunctions, one per distinct code), on Cloudflare one set of entry-point rulesets per zone, page
 * rule priorities that are unique in the zone and, with `workerScripts: shared`, one Worker script per vendor layout
 * (SharedWorkerScript), and the provider quotas they count against together. The first proxy
 * that needs a shared resource creates it, with its own parent and providers; later ones reuse it.
 */

/** Resource options of the proxy that first needed a shared resource, which the resource is created with. */
export interface ShareOptions {
    readonly parent?: pulumi.Resource;
    readonly providers?: pulumi.ComponentResourceOptions["providers"];
}

/** The CloudFront resources the proxies of one AWS provider (account) share. */
interface CloudFrontShares {
    readonly policies: CloudFrontShared;
    readonly functions: ViewerRequestFunctions;
    /** The `cloudfront.sharedPolicies` the policies were created with, as JSON with sorted keys. */
    readonly existing: string;
}

/** Proxies whose provider quotas are counted together, with the config of the last one (its limits apply). */
interface QuotaGroup {
    config: StackConfig;
    readonly specs: ProxySpec[];
}

interface ProgramShares {
    readonly zones: Map<string, DnsZone>;
    readonly cloudflareZones: Map<string, CloudflareZoneShare>;
    /** By AWS provider (the default one keyed by defaultProviderKey). */
    readonly cloudFront: Map<object, CloudFrontShares>;
    /** By quota scope: the AWS provider (account), or the Cloudflare zone. */
    readonly quotaGroups: Map<string, QuotaGroup>;
    /** Proxies whose quotas the program already checked as a whole (the stack program's, from its config). */
    readonly quotasChecked: Set<string>;
    /** Per Cloudflare zone, the proxy holding its one Google tag gateway setting. */
    readonly tagGateways: Map<string, string>;
    /** How many holds keep shares from sealing (holdShareSeals), and the seals waiting for the last to be released. */
    sealHolds: number;
    readonly heldSeals: (() => void)[];
    /** Shared Worker scripts (`cloudflare.workerScripts: shared`), by script name. */
    readonly workerScripts: Map<string, SharedWorkerScript>;
    /** The account the program's shared Worker scripts belong to, once a proxy with a known account id joined. */
    workerScriptsAccount?: { readonly accountId: string; readonly proxy: string };
    usEast1?: aws.Provider;
    nameSuffix?: pulumi.Output<string>;
}

const defaultProviderKey = {};

const programs = new Map<string, ProgramShares>();

/** The shares of the running program (one per project and stack: a deployment runs one program per process). */
function shares(): ProgramShares {
    const key = `${pulumi.getProject()}/${pulumi.getStack()}`;
    let found = programs.get(key);
    if (!found) {
        found = { zones: new Map(), cloudflareZones: new Map(), cloudFront: new Map(), quotaGroups: new Map(), quotasChecked: new Set(), tagGateways: new Map(), sealHolds: 0, heldSeals: [], workerScripts: new Map() };
        programs.set(key, found);
    }
    return found;
}

/** Forgets every share: a new program run starts in this process (the offline plan runs many). */
export function forgetProgramShares(): void {
    programs.clear();
}

/**
 * Keeps the program's shares open (a Cloudflare zone's rules, page rule priorities) until the returned release is
 * called, instead of sealing them once the code creating the proxies returns: for a program that creates its proxies
 * in batches, yielding to the event loop between them (buildStack does). Seals that came due meanwhile run, in
 * order, in the microtask after the last release.
 */
export function holdShareSeals(): () => void {
    const s = shares();
    s.sealHolds++;
    let released = false;
    return () => {
        if (released) return;
        released = true;
        if (--s.sealHolds > 0) return;
        const due = s.heldSeals.splice(0);
        if (due.length > 0) queueMicrotask(() => due.forEach((seal) => seal()));
    };
}

/** Runs `seal` once the code creating the proxies returns (a microtask, before anything it awaits), or once every hold is released. */
function scheduleShareSeal(seal: () => void): void {
    const s = shares();
    if (s.sealHolds > 0) s.heldSeals.push(seal);
    else queueMicrotask(seal);
}

/** The DNS zone, looked up once per program. */
export function sharedZone(dns: DnsConfig): DnsZone {
    const key = `${dns.provider}|${dns.zone ?? ""}|${dns.zoneId ?? ""}`;
    const { zones } = shares();
    let zone = zones.get(key);
    if (!zone) {
        zone = lookupZone(dns);
        zones.set(key, zone);
    }
    return zone;
}

/** The AWS provider in us-east-1 that every CloudFront proxy's certificates are created with. */
export function sharedCertificateProvider(opts: ShareOptions): aws.Provider {
    const s = shares();
    s.usEast1 ??= certificateProvider(certificateRegion, { parent: opts.parent });
    return s.usEast1;
}

/** CloudFront policy names are account-wide: a random suffix, fixed at the first deploy, keeps stacks apart. */
export function sharedNameSuffix(opts: ShareOptions): pulumi.Output<string> {
    const s = shares();
    s.nameSuffix ??= new random.RandomId("name-suffix", { byteLength: 3 }, { parent: opts.parent }).hex;
    return s.nameSuffix;
}

/** The AWS provider a proxy's options give (`providers: {aws}` or `providers: [awsProvider]`), if any. */
export function awsProviderOf(opts: ShareOptions): aws.Provider | undefined {
    const providers = opts.providers;
    if (providers === undefined) return undefined;
    const list = Array.isArray(providers) ? providers : Object.values(providers);
    // By type token too: a program may load another copy of @pulumi/aws than this package's.
    return list.find((p): p is aws.Provider => p instanceof aws.Provider || (p as unknown as { __pulumiType?: string }).__pulumiType === "pulumi:providers:aws");
}

/** The Cloudflare provider a proxy's options give, if any (by type token, as awsProviderOf). */
function cloudflareProviderOf(opts: ShareOptions): cloudflare.Provider | undefined {
    const providers = opts.providers;
    if (providers === undefined) return undefined;
    const list = Array.isArray(providers) ? providers : Object.values(providers);
    return list.find((p): p is cloudflare.Provider => (p as unknown as { __pulumiType?: string }).__pulumiType === "pulumi:providers:cloudflare");
}

/**
 * The program's shared Worker scripts (`cloudflare.workerScripts: shared`) for scripts named with `prefix`: one per
 * vendor layout (sharedScriptGroup), created with the first proxy that needs it, its account and options, and
 * settled when the program's shares seal.
 */
export function sharedWorkerScripts(prefix: string, accountId: pulumi.Input<string>, workersPlan: WorkersPlan | undefined, opts: ShareOptions): SharedWorkerScripts {
    const { workerScripts } = shares();
    return {
        scriptFor(group) {
            const scriptName = sharedWorkerScriptName(prefix, group);
            let found = workerScripts.get(scriptName);
            if (!found) {
                const provider = cloudflareProviderOf(opts);
                found = new SharedWorkerScript(
                    { accountId, scriptName, workersPlan, scheduleSeal: scheduleShareSeal },
                    { parent: opts.parent, ...(provider ? { provider } : {}) },
                );
                workerScripts.set(scriptName, found);
            }
            return found;
        },
    };
}

/**
 * Why proxy `name` cannot join the program's shared Worker scripts with `accountId` (when known at plan time): an
 * earlier proxy joined them with another account. Undefined when it can; the first known account is kept.
 */
export function sharedWorkerScriptsProblem(name: string, accountId: string): string | undefined {
    const s = shares();
    s.workerScriptsAccount ??= { accountId, proxy: name };
    const first = s.workerScriptsAccount;
    if (first.accountId === accountId) return undefined;
    return `shared Worker scripts belong to one Cloudflare account, ${first.accountId} (FirstPartyProxy "${first.proxy}"): proxies of another account need workerScripts: perSite, or a program of their own`;
}

/** The resource name a provider was given (Pulumi keeps it on the resource). */
const resourceNameOf = (resource: pulumi.Resource): string => (resource as unknown as { __name?: string }).__name ?? "provider";

/**
 * The CloudFront policies (one per distinct content: CloudFrontShared) and Functions (one per distinct code:
 * ViewerRequestFunctions) of the proxies on one AWS provider, created with the first of them. Every proxy of a
 * provider must name the same `existing` policies (`cloudfront.sharedPolicies`): they describe one account.
 */
export function sharedCloudFront(
    opts: ShareOptions,
    existing: Readonly<Record<string, string>>,
    /** How many distributions a policy and a function may serve (the first proxy's quotas decide for the provider). */
    limits: { readonly distributionsPerPolicy?: number; readonly distributionsPerFunction?: number } = {},
): { policies: CloudFrontShared; functions: ViewerRequestFunctions } {
    const s = shares();
    const provider = awsProviderOf(opts);
    const key: object = provider ?? defaultProviderKey;
    const existingJson = sortedJson(existing);
    let found = s.cloudFront.get(key);
    if (!found) {
        const nameSuffix = sharedNameSuffix(opts);
        // The default provider's registry keeps the name and place the stack program gave it before FirstPartyProxy.
        const policies = CloudFrontShared.forStack(
            { nameSuffix, existing, distributionsPerPolicy: limits.distributionsPerPolicy },
            { parent: opts.parent, provider, name: provider ? `cloudfront-shared-${resourceNameOf(provider)}` : undefined },
        );
        const functions = new ViewerRequestFunctions(nameSuffix, { parent: opts.parent, provider }, limits.distributionsPerFunction);
        found = { policies, functions, existing: existingJson };
        s.cloudFront.set(key, found);
    } else {
        const problem = sharedPoliciesProblem(opts, existing);
        if (problem) throw new Error(`cloudfront.sharedPolicies: ${problem}`);
    }
    return found;
}

const sortedJson = (map: Readonly<Record<string, string>>): string =>
    JSON.stringify(Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

/**
 * Why `existing` (a proxy's `cloudfront.sharedPolicies`) cannot be used on its AWS provider: an earlier proxy of the
 * provider gave others (they describe one account's policies). Undefined when it can.
 */
export function sharedPoliciesProblem(opts: ShareOptions, existing: Readonly<Record<string, string>>): string | undefined {
    const found = shares().cloudFront.get(awsProviderOf(opts) ?? defaultProviderKey);
    if (!found || found.existing === sortedJson(existing)) return undefined;
    return `every FirstPartyProxy on one AWS provider must give the same sharedPolicies (they name one account's policies): this one gives ${sortedJson(existing)}, an earlier one ${found.existing}`;
}

/** The default AWS provider's shared CloudFront policies, once a proxy created them (the stack's sharedPolicies output). */
export function programCloudFrontShared(): CloudFrontShared | undefined {
    return shares().cloudFront.get(defaultProviderKey)?.policies;
}

/**
 * Claims the Cloudflare zone's one Google tag gateway setting for `name`; returns why it cannot when another proxy of
 * the program holds it (Cloudflare serves the gateway's endpoint on every proxied hostname of the zone).
 */
export function claimTagGateway(zoneKey: string, name: string): string | undefined {
    const { tagGateways } = shares();
    const holder = tagGateways.get(zoneKey);
    if (holder !== undefined && holder !== name) {
        return (
            `a Cloudflare zone has one Google tag gateway setting, already set by FirstPartyProxy "${holder}" in zone ${zoneKey}: Cloudflare serves its endpoint on every proxied hostname of the zone, ` +
            `so one proxy covers them all (keep one; for another tag, load it through the same gateway or use another zone)`
        );
    }
    tagGateways.set(zoneKey, name);
    return undefined;
}

/** Marks proxies whose quotas the program checked as a whole before creating them (the stack program does). */
export function quotasCheckedFor(names: readonly string[]): void {
    const { quotasChecked } = shares();
    for (const n of names) quotasChecked.add(n);
}

/**
 * Adds `spec` to the proxies of its quota scope (`scope`: the AWS provider, or the Cloudflare zone) and returns every
 * provider quota the scope's proxies now exceed together, counted as the stack config's check counts them, with
 * `config`'s limits. Called before the proxy registers anything: the proxy that would go over a quota is refused.
 * Proxies the program already checked as a whole (quotasCheckedFor) are not counted again.
 */
export function programQuotaProblems(scope: string, config: StackConfig, spec: ProxySpec): { id: string; message: string }[] {
    const s = shares();
    if (s.quotasChecked.has(spec.name)) return [];
    let group = s.quotaGroups.get(scope);
    if (!group) {
        group = { config, specs: [] };
        s.quotaGroups.set(scope, group);
    }
    const specs = [...group.specs, spec];
    const problems = quotaProblems(config, specs);
    if (problems.length === 0) {
        group.specs.push(spec);
        group.config = config;
    }
    return problems;
}

/** The quota scope of a proxy on `provider`: its AWS provider, or its Cloudflare zone. */
export function quotaScope(provider: "aws" | "cloudflare", opts: ShareOptions, zoneKey: string): string {
    if (provider === "cloudflare") return `cloudflare|${zoneKey}`;
    const aws = awsProviderOf(opts);
    return aws ? `aws|${resourceNameOf(aws)}` : "aws|default";
}

/** What a Cloudflare proxy is given by its zone's share. */
export interface CloudflareZoneShares {
    /** The zone's rulesets, holding this proxy's rules; undefined when it needs none. */
    readonly zoneRules?: ZoneRules;
    /** For a page-rule proxy: what its planned priorities are raised by (the page rules of later proxies). */
    readonly priorityOffset?: pulumi.Output<number>;
}

/** The share of one Cloudflare zone. */
export function sharedCloudflareZone(zone: Extract<DnsZone, { provider: "cloudflare" }>, key: string, pageRuleLimit?: number): CloudflareZoneShare {
    const { cloudflareZones } = shares();
    let share = cloudflareZones.get(key);
    if (!share) {
        share = new CloudflareZoneShare(zone, key, pageRuleLimit);
        cloudflareZones.set(key, share);
    }
    return share;
}

/** The resource name of a zone's rulesets component: named after the zone, so two zones never collide. */
export const zoneRulesName = (key: string): string => `cloudflare-zone-rules-${key.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;

/**
 * Cloudflare keeps one entry-point ruleset per phase per zone, and page rule priorities are unique in a zone: the
 * proxies of a zone join its share as they are created, and what depends on all of them (the rules of each phase,
 * zone-wide response header rules naming every hostname, page rule priorities) is settled once the code that
 * creates them returns (a microtask: before anything it awaits). Resources are registered at once; only those
 * inputs wait.
 */
export class CloudflareZoneShare {
    private zoneRules?: ZoneRules;
    private readonly pageRuleProxies: { readonly name: string; readonly rules: readonly PlannedPageRule[] }[] = [];
    private readonly offsets: Promise<Map<string, number>>;
    private settleOffsets!: (offsets: Map<string, number>) => void;
    private failOffsets!: (error: Error) => void;
    /** The proxies that joined, in order. */
    private readonly members: string[] = [];
    private sealScheduled = false;
    private sealed = false;

    constructor(
        private readonly zone: Extract<DnsZone, { provider: "cloudflare" }>,
        private readonly key: string,
        /** Page rules the zone may hold. */
        private readonly pageRuleLimit: number = enterprisePageRuleLimit,
    ) {
        this.offsets = new Promise((resolve, reject) => {
            this.settleOffsets = resolve;
            this.failOffsets = reject;
        });
        // Nothing may wait on a rejected promise unobserved: the inputs that use it report the failure.
        this.offsets.catch(() => undefined);
    }

    /** Adds `proxy`, built as `kind`, to the zone; returns the zone rules and priority offset it is built with. */
    join(proxy: ProxySpec, kind: CloudflareProxyKind, opts: ShareOptions): CloudflareZoneShares {
        const rules: ZoneRuleSpec[] = kind === "dns" ? cnameProxyZoneRules(proxy) : kind === "pageRule" ? pageRuleProxyZoneRules(proxy) : [];
        // Google tag gateway's zone setting routes its endpoint itself: no zone rule of ours applies to it.
        const edgeSites: OwnedSite[] = kind === "googleTagGateway" ? [] : proxy.sites.map((site) => ({ owner: proxy.name, site, sharedHost: proxy.sharedHost }));
        const needsRules = rules.length > 0 || edgeResponseHeaderRules(edgeSites).length > 0;
        const needsPageRules = kind === "pageRule";
        if (!needsRules && !needsPageRules) return {};
        if (this.sealed) {
            throw new Error(
                `${proxy.name}: the Cloudflare zone ${this.key}'s shared rules were settled with ${this.members.join(", ")} before ${proxy.name} joined; ` +
                    `create every FirstPartyProxy of a zone together, with no await between them (or hold the zone open across awaits with holdShareSeals()). ` +
                    `From another Pulumi language, only one FirstPartyProxy per zone may need zone rules or page rules.`,
            );
        }
        if (needsRules) {
            this.zoneRules ??= new ZoneRules(
                zoneRulesName(this.key),
                { zoneId: this.zone.zoneId, open: true },
                // Earlier versions had one zone per stack, its rulesets under this name at the stack's root.
                { parent: opts.parent, providers: opts.providers, aliases: [{ name: "cloudflare-zone-rules" }] },
            );
            this.zoneRules.add(proxy.name, rules, edgeSites);
        }
        this.members.push(proxy.name);
        if (needsPageRules) this.pageRuleProxies.push({ name: proxy.name, rules: planPageRules([proxy], Number.MAX_SAFE_INTEGER).get(proxy.name)! });
        this.scheduleSeal();
        return {
            zoneRules: needsRules ? this.zoneRules : undefined,
            priorityOffset: needsPageRules ? pulumi.output(this.offsets.then((o) => o.get(proxy.name)!)) : undefined,
        };
    }

    /** This proxy's page rules as planned alone (priorities 1..n, before the offset). */
    ownPageRules(name: string): readonly PlannedPageRule[] | undefined {
        return this.pageRuleProxies.find((p) => p.name === name)?.rules;
    }

    private scheduleSeal(): void {
        if (this.sealScheduled) return;
        this.sealScheduled = true;
        // Settled once the code creating the proxies returns, before anything it awaits: deterministic, unlike a timer.
        scheduleShareSeal(() => this.seal());
    }

    private seal(): void {
        this.sealed = true;
        this.zoneRules?.seal(`with ${this.members.join(", ")}`);
        try {
            // Proxies in creation order, each one's rules above every later proxy's: the zone-wide plan.
            let below = this.pageRuleProxies.reduce((n, p) => n + p.rules.length, 0);
            const offsets = new Map<string, number>();
            const placed: PlannedPageRule[] = [];
            for (const p of this.pageRuleProxies) {
                below -= p.rules.length;
                offsets.set(p.name, below);
                placed.push(...p.rules.map((r) => ({ ...r, priority: r.priority + below })));
            }
            validatePageRules(placed, this.pageRuleLimit);
            this.settleOffsets(offsets);
        } catch (error) {
            this.failOffsets(error as Error);
        }
    }
}
