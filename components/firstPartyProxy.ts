import * as pulumi from "@pulumi/pulumi";
import { CloudFrontProxy } from "./aws/cloudFrontProxy";
import { cloudflareProxyKind, requireCloudflareSetup } from "./cloudflare/builder";
import { CnameProxy } from "./cloudflare/cnameProxy";
import { GoogleTagGatewayProxy } from "./cloudflare/googleTagGatewayProxy";
import { PageRuleProxy } from "./cloudflare/pageRuleProxy";
import { WorkerProxy } from "./cloudflare/workerProxy";
import { ConfigError, parseStackConfig, proxyRequests } from "./config/load";
import { cloudflareConfig, StackConfig, WorkerScriptMode } from "./config/schema";
import { PostHogManagedProxy } from "./dns/posthogManagedProxy";
import { SegmentCustomDomain } from "./dns/segmentCustomDomain";
import { DnsZone } from "./dns/zone";
import { buildProxySpec } from "./model/proxySpec";
import { ClientIpMode, ProxySpec, VendorId } from "./model/types";
import { ProxyOutputs } from "./outputs";
import { amplitudeProducts } from "./vendors/amplitude";
import { DatadogSite as DatadogSiteId } from "./vendors/datadog";
import { availableOf } from "./quotas/stackLimits";
import { CloudflarePlan as CloudflarePlanId, WorkersPlan as WorkersPlanId } from "./quotas/limits";
import {
    claimTagGateway,
    programQuotaProblems,
    quotaScope,
    ShareOptions,
    sharedCertificateProvider,
    sharedCloudFront,
    sharedCloudflareZone,
    sharedPoliciesProblem,
    sharedWorkerScripts,
    sharedWorkerScriptsProblem,
    sharedZone,
} from "./programShares";

/*
 * The public component. Its args and outputs are read by Pulumi's component analyzer to generate SDKs for every
 * language (PulumiPlugin.yaml), so their types stay within what it accepts: interfaces, string/number/boolean,
 * arrays, string maps, Inputs and Outputs, and string enums written as `const X = {...} as const` with
 * `type X = (typeof X)[keyof typeof X]` (declared in that order). No unions.
 */

/** The vendors a proxy can serve. */
export const Vendor = {
    /** Segment (Analytics.js CDN and Tracking API). */
    segment: "segment",
    /** PostHog (ingestion, assets, remote config). */
    posthog: "posthog",
    /** Amplitude Session Replay. */
    amplitude: "amplitude",
    /** A VTEX store. */
    vtex: "vtex",
    /** Mixpanel. */
    mixpanel: "mixpanel",
    /** Plausible Analytics. */
    plausible: "plausible",
    /** Google tag gateway for advertisers (the Google tag served from a measurement path of your site's hostname). */
    google: "google",
    /** Datadog RUM (the browser SDK's proxy option). */
    datadog: "datadog",
    /** A vendor of your own: its origins and ordered routes (origins, routes). */
    custom: "custom",
} as const;
export type Vendor = (typeof Vendor)[keyof typeof Vendor];

/** The vendor's data region. */
export const Region = {
    us: "us",
    eu: "eu",
} as const;
export type Region = (typeof Region)[keyof typeof Region];

/** The vendor's managed endpoint instead of a proxy of yours: only the DNS records the vendor asks for are created. */
export const Managed = {
    /** Segment's managed Custom Domain: delegate a subdomain to Segment's name servers (NS records). */
    delegation: "delegation",
    /** Segment's managed Custom Domain: point two hostnames at the targets Segment gives you (CNAME records). */
    cname: "cname",
    /** PostHog's managed reverse proxy: a DNS-only CNAME from domain to the target PostHog generates (stack config: managed: true). */
    proxy: "proxy",
} as const;
export type Managed = (typeof Managed)[keyof typeof Managed];

/** The Datadog site the browser SDK is set up with (its `site` option), by Datadog's name for it. */
export const DatadogSite = {
    us1: "datadoghq.com",
    us3: "us3.datadoghq.com",
    us5: "us5.datadoghq.com",
    eu1: "datadoghq.eu",
    ap1: "ap1.datadoghq.com",
    ap2: "ap2.datadoghq.com",
    us1Fed: "ddog-gov.com",
} as const;
export type DatadogSite = (typeof DatadogSite)[keyof typeof DatadogSite];

/** The methods a custom vendor's route accepts. */
export const RouteMethods = {
    /** GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE (default). */
    all: "all",
    /** GET, HEAD, OPTIONS. */
    read: "read",
} as const;
export type RouteMethods = (typeof RouteMethods)[keyof typeof RouteMethods];

/** How a custom vendor's route is cached. */
export const RouteCache = {
    /** Never cached (default). */
    disabled: "disabled",
    /** As the origin's Cache-Control says. */
    origin: "origin",
} as const;
export type RouteCache = (typeof RouteCache)[keyof typeof RouteCache];

/** Whether the site's cookies reach a custom vendor's origin. */
export const RouteCookies = {
    /** They never do (default). */
    strip: "strip",
    /** They do. */
    forward: "forward",
} as const;
export type RouteCookies = (typeof RouteCookies)[keyof typeof RouteCookies];

/** Who answers CORS on a custom vendor's route. */
export const RouteCors = {
    /** The origin's own CORS (default). */
    origin: "origin",
    /** The edge answers preflights and adds CORS headers. */
    edge: "edge",
} as const;
export type RouteCors = (typeof RouteCors)[keyof typeof RouteCors];

/** One route of a custom vendor, in order: the first whose path matches serves the request. */
export interface CustomRouteArgs {
    /** `*` or a path prefix followed by `*` (e.g. /js/*), as CloudFront matches it. */
    path: string;
    /** An id of origins. */
    origin: string;
    /** all (default) or read. */
    methods?: RouteMethods;
    /** disabled (default) or origin. */
    cache?: RouteCache;
    /** strip (default) or forward. */
    cookies?: RouteCookies;
    /** Whether the origin gets the viewer's address (as the proxy's clientIp allows). Default: true. */
    clientIp?: boolean;
    /** origin (default) or edge. */
    cors?: RouteCors;
}

/** What of Amplitude's browser SDKs an Amplitude proxy serves. */
export const AmplitudeProduct = {
    /** The Browser SDK's events (HTTP V2 and Batch APIs) and remote config. */
    analytics: "analytics",
    /** The Session Replay plugin. */
    sessionReplay: "sessionReplay",
} as const;
export type AmplitudeProduct = (typeof AmplitudeProduct)[keyof typeof AmplitudeProduct];

/** What of the viewer's IP address reaches the vendor. */
export const ClientIp = {
    /** The address as the CDN saw it (default). */
    forward: "forward",
    /** Its /24 (IPv4) or /48 (IPv6) network only: Cloudflare Workers. */
    anonymize: "anonymize",
    /** None: Cloudflare Workers. */
    drop: "drop",
} as const;
export type ClientIp = (typeof ClientIp)[keyof typeof ClientIp];

/** The Cloudflare zone's plan, for the defaults of its rule quotas. */
export const CloudflarePlan = {
    free: "free",
    pro: "pro",
    business: "business",
    enterprise: "enterprise",
} as const;
export type CloudflarePlan = (typeof CloudflarePlan)[keyof typeof CloudflarePlan];

/** The Cloudflare account's Workers plan, for the Workers quota's default. */
export const WorkersPlan = {
    free: "free",
    paid: "paid",
} as const;
export type WorkersPlan = (typeof WorkersPlan)[keyof typeof WorkersPlan];

/** How Worker proxies get their Worker scripts. */
export const WorkerScripts = {
    /** One script per site (default). */
    perSite: "perSite",
    /** One script per vendor layout, shared by every such site of the program: a few scripts for any number of proxies. */
    shared: "shared",
} as const;
export type WorkerScripts = (typeof WorkerScripts)[keyof typeof WorkerScripts];

/** The CDN that serves the proxy. */
export const Cdn = {
    /** AWS CloudFront. */
    aws: "aws",
    /** Cloudflare (Workers, Page Rules, or proxied DNS). */
    cloudflare: "cloudflare",
} as const;
export type Cdn = (typeof Cdn)[keyof typeof Cdn];

/** Where DNS records go. */
export const DnsProvider = {
    route53: "route53",
    cloudflare: "cloudflare",
    /** Records are listed in the outputs, to create by hand. */
    manual: "manual",
} as const;
export type DnsProvider = (typeof DnsProvider)[keyof typeof DnsProvider];

/** How Cloudflare serves the proxy. */
export const CloudflareMode = {
    /** A Worker per hostname. */
    worker: "worker",
    /** Page rules overriding Host and resolution (Enterprise zones only). */
    pageRule: "pageRule",
} as const;
export type CloudflareMode = (typeof CloudflareMode)[keyof typeof CloudflareMode];

/** Where the proxy serves the vendor's paths. */
export const Paths = {
    /** Under a path prefix of the proxy's own, names that blockers match renamed (default). */
    public: "public",
    /** The vendor's own paths, at the hostname's root. */
    vendor: "vendor",
} as const;
export type Paths = (typeof Paths)[keyof typeof Paths];

/** CloudFront price class. */
export const PriceClass = {
    PriceClass_All: "PriceClass_All",
    PriceClass_200: "PriceClass_200",
    PriceClass_100: "PriceClass_100",
} as const;
export type PriceClass = (typeof PriceClass)[keyof typeof PriceClass];

// The enums list exactly the values the config schema takes (a missing or extra value does not compile).
const vendorsCovered: { readonly [v in VendorId]: v } = Vendor;
const clientIpCovered: { readonly [v in ClientIpMode]: v } = ClientIp;
const productsCovered: { readonly [v in (typeof amplitudeProducts)[number]]: v } = AmplitudeProduct;
const plansCovered: { readonly [v in CloudflarePlanId]: v } = CloudflarePlan;
const workersPlansCovered: { readonly [v in WorkersPlanId]: v } = WorkersPlan;
const workerScriptsCovered: { readonly [v in WorkerScriptMode]: v } = WorkerScripts;
// Datadog's sites, both ways (their names are not their values).
const datadogSitesCovered: [DatadogSiteId] extends [DatadogSite] ? ([DatadogSite] extends [DatadogSiteId] ? true : never) : never = true;
void [datadogSitesCovered, vendorsCovered, clientIpCovered, productsCovered, plansCovered, workersPlansCovered, workerScriptsCovered];

/** Where the proxy's DNS records go. Zones are looked up, never created. */
export interface DnsArgs {
    /** route53, cloudflare, or manual (records listed in the outputs). */
    provider: DnsProvider;
    /** The zone's name; hostnames must be in it. */
    zone?: string;
    /** The zone's id, instead of (or as well as) its name: a Route 53 hosted zone id or a Cloudflare zone id. */
    zoneId?: string;
}

/** Cloudflare options. */
export interface CloudflareArgs {
    /** The account that owns the Workers (32 hexadecimal characters). Required in worker mode. */
    accountId?: pulumi.Input<string>;
    /** worker (default) or pageRule. */
    mode?: CloudflareMode;
    /** Set true to acknowledge that pageRule mode needs an Enterprise zone. Default: false. */
    enterprise?: boolean;
    /** The zone's plan, for the rule quotas' defaults. Default: enterprise with enterprise true, free otherwise. */
    plan?: CloudflarePlan;
    /** The account's Workers plan, for the Workers quota's default (100 scripts on free, 500 on paid). Default: free. */
    workersPlan?: WorkersPlan;
    /**
     * Worker mode: perSite (default, one Worker script per site) or shared (one per vendor layout, shared by every
     * FirstPartyProxy of the program on the account: for the Workers quota).
     */
    workerScripts?: WorkerScripts;
}

/** CloudFront options. */
export interface CloudFrontArgs {
    /** CloudFront price class. Default: PriceClass_All. */
    priceClass?: PriceClass;
    /** Tags for every taggable AWS resource of the proxy. */
    tags?: { [key: string]: string };
    /**
     * Shared policies another stack of the account created (its sharedPolicies output), by key (cache-1a2b3c4d) to
     * CloudFront policy id: used instead of creating copies. Every proxy on one AWS provider must give the same.
     */
    sharedPolicies?: { [key: string]: string };
}

/** A provider quota as the account has it, when it differs from the provider's default. */
export interface QuotaArgs {
    /** The account's (or zone's) limit. Default: the provider's documented default. */
    limit?: number;
    /** How many the account (or zone) already holds outside these proxies. Default: 0. */
    used?: number;
}

/**
 * The arguments of a FirstPartyProxy: the keys of one `first-party-proxy:proxies` entry plus the stack's CDN and DNS
 * choice. Everything that decides which resources exist (vendor, hostnames, layout, CDN, DNS zone, Cloudflare mode)
 * is a plain value, validated before anything is created; only `cloudflare.accountId` may be an Output.
 */
export interface FirstPartyProxyArgs {
    /** The vendor: segment, posthog, amplitude, vtex, mixpanel or plausible. */
    vendor: Vendor;
    /** The vendor's data region, us (default) or eu. VTEX and Segment's managed Custom Domain take none. */
    region?: Region;
    /** The hostname the proxy serves, e.g. e.example.com (for VTEX the store's, e.g. www.example.com). */
    domain?: string;
    /** Segment only, with apiDomain instead of domain: the hostname of the Analytics.js CDN. */
    cdnDomain?: string;
    /** Segment only, with cdnDomain: the hostname of the Tracking API. */
    apiDomain?: string;
    /** Segment: delegation or cname, Segment's managed Custom Domain; PostHog: proxy, PostHog's managed reverse proxy. Instead of a proxy of yours. */
    managed?: Managed;
    /** Segment with managed delegation: the 2 or more name servers Segment gives you. */
    nameServers?: string[];
    /** Segment with managed cname: the CDN target Segment gives you. */
    cdnTarget?: string;
    /** Segment with managed cname: the Tracking API target Segment gives you. */
    apiTarget?: string;
    /** Google only: the Google tag ID (G-, GT-, AW-, DC-) or Tag Manager container ID (GTM-). */
    tagId?: string;
    /** Google only: the gateway's path, one segment of letters and digits (e.g. /k7q2m9). Default: derived from the stack and proxy name. */
    measurementPath?: string;
    /** Google on Cloudflare only: let Cloudflare add the Google tag to the zone's HTML pages. Default: false (paste the snippet). */
    setUpTag?: boolean;
    /** Custom only: the vendor's origins, id (1-16 lower-case letters and digits) to public HTTPS hostname. */
    origins?: { [id: string]: string };
    /** Custom only: the ordered routes, the catch-all (path *) last. */
    routes?: CustomRouteArgs[];
    /** Datadog only: the Datadog site the SDK is set up with (its intake host is the only one the proxy forwards to). Default: datadoghq.com. */
    site?: DatadogSite;
    /** Amplitude only: analytics, sessionReplay, or both, on one hostname. Default: sessionReplay alone (as before Analytics). */
    products?: AmplitudeProduct[];
    /** PostHog with managed proxy: the proxy domain PostHog generated for domain, e.g. 4854cf84789d8596ad01.proxy-us.posthog.com. */
    target?: string;
    /** What of the viewer's IP address reaches the vendor: forward (default), anonymize or drop (Cloudflare Workers only). */
    clientIp?: ClientIp;
    /** public (default: under a path prefix of the proxy's own, names that blockers match renamed) or vendor (the vendor's own paths). */
    paths?: Paths;
    /** The path prefix, e.g. /k7 (1-4 segments). Default: derived from the stack and proxy name with paths public, none with paths vendor. */
    pathPrefix?: string;
    /** Cloudflare Workers only: the hostname is your own site, already proxied in the zone; only a Workers route on <domain><pathPrefix>/* is built. */
    sharedHost?: boolean;
    /** The CDN: aws (CloudFront) or cloudflare. */
    provider: Cdn;
    /** Where the DNS records go. */
    dns: DnsArgs;
    /** Cloudflare options; required with provider cloudflare. */
    cloudflare?: CloudflareArgs;
    /** CloudFront options. */
    cloudfront?: CloudFrontArgs;
    /**
     * Provider quotas whose limit is not the default, by quota id (e.g. cloudfrontCachePolicies, pageRules): the
     * proxies of a program are counted together against each, before anything is created.
     */
    quotas?: { [quota: string]: QuotaArgs };
}

/** A DNS record the proxy relies on, as a DNS console shows it. */
export interface DnsRecord {
    /** The record's name. */
    name: string;
    /** Its real type: A, AAAA, CNAME, TXT or NS (a Route 53 alias is an A and an AAAA record with alias true). */
    type: string;
    /** The content, or for an alias the name it points at (a CloudFront distribution). */
    value: string;
    /** Route 53 alias records only: the record answers with the target's addresses. */
    alias?: boolean;
    /** Why it exists. */
    purpose: string;
    /** Who makes it: stack (this program creates and updates it) or you (with manual DNS: create it by hand). */
    createdBy: string;
}

/** Problems with a FirstPartyProxy's args, each named by its arg path; thrown before anything is created. */
export class FirstPartyProxyArgsError extends Error {
    constructor(
        name: string,
        readonly issues: readonly { readonly arg: string; readonly message: string }[],
        /** Whether the args were checked before anything was created (false: an Output's value, checked once known). */
        before = true,
    ) {
        super(
            `Invalid args for FirstPartyProxy "${name}" (${issues.length} problem${issues.length === 1 ? "" : "s"})${before ? "; nothing was created" : ", found once an Output's value was known"}:\n` +
                issues.map((i) => `  - ${i.arg}: ${i.message}`).join("\n"),
        );
        this.name = "FirstPartyProxyArgsError";
    }
}

const componentType = "first-party-proxy:index:FirstPartyProxy";

/**
 * Serves a vendor's SDK and ingestion endpoints from your own hostname, on AWS CloudFront or Cloudflare, with the
 * DNS records they need. The resource name is the proxy's name (1-40 lower-case letters, digits or hyphens): it
 * prefixes every resource name of the proxy. Proxies of one program share the us-east-1 certificate provider, the
 * name suffix of CloudFront policies, and on Cloudflare each zone's rulesets and page rule priorities.
 */
export class FirstPartyProxy extends pulumi.ComponentResource {
    /** The vendor served. */
    public readonly vendor: pulumi.Output<string>;
    /** The vendor's region, where the vendor has a choice (not VTEX, Plausible, or a managed domain). */
    public readonly region: pulumi.Output<string | undefined>;
    /** What serves the proxy: cloudfront, cloudflare-worker, cloudflare-page-rule, cloudflare-dns or dns-only. */
    public readonly cdn: pulumi.Output<string>;
    /** The proxy's URLs (https://<hostname>). */
    public readonly urls: pulumi.Output<string[]>;
    /** The SDK settings to use, by name (e.g. api_host and ui_host for PostHog). */
    public readonly sdk: pulumi.Output<{ [key: string]: string }>;
    /** The SDK settings as code to paste. */
    public readonly snippet: pulumi.Output<string>;
    /** Every DNS record the proxy relies on; with manual DNS, the records to create by hand. */
    public readonly dnsRecords: pulumi.Output<DnsRecord[]>;
    /** What the CDN answers on (CloudFront distribution domain names), where there is such a thing. */
    public readonly cdnTargets: pulumi.Output<string[]>;
    /** What you should know that no resource can do (certificates, CAA, shared rulesets). */
    public readonly notes: pulumi.Output<string[]>;
    /** What you must do yourself for the proxy to work, in order (records to create by hand, vendor steps). Empty when the program does it all. */
    public readonly todo: pulumi.Output<string[]>;

    constructor(name: string, args: FirstPartyProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        // Bad args throw before anything is registered, this component included.
        const { config, spec, warnings } = validateFirstPartyProxyArgs(name, args);
        checkWithProgram(name, config, spec, { parent: opts?.parent, providers: opts?.providers });
        super(componentType, name, {}, opts);
        for (const w of warnings) pulumi.log.warn(w, this);
        const accountId = checkedAccountId(name, args.cloudflare?.accountId);
        const outputs = buildProxy(this, spec, config, accountId, { parent: opts?.parent, providers: opts?.providers });
        this.vendor = outputs.apply((o) => o.vendor);
        this.region = outputs.apply((o) => o.region);
        this.cdn = outputs.apply((o) => o.cdn);
        this.urls = outputs.apply((o) => o.urls);
        this.sdk = outputs.apply((o) => o.sdk as unknown as { [key: string]: string });
        this.snippet = outputs.apply((o) => o.snippet);
        this.dnsRecords = outputs.apply((o) => o.dnsRecords as DnsRecord[]);
        this.cdnTargets = outputs.apply((o) => o.cdnTargets);
        this.notes = outputs.apply((o) => o.notes);
        this.todo = outputs.apply((o) => o.todo);
        this.registerOutputs({
            vendor: this.vendor,
            region: this.region,
            cdn: this.cdn,
            urls: this.urls,
            sdk: this.sdk,
            snippet: this.snippet,
            dnsRecords: this.dnsRecords,
            cdnTargets: this.cdnTargets,
            notes: this.notes,
            todo: this.todo,
        });
    }
}

/** The proxy's outputs as one record, as the stack program exports them per proxy. */
export function proxyOutputsOf(proxy: FirstPartyProxy): pulumi.Output<ProxyOutputs> {
    const { vendor, region, cdn, urls, sdk, snippet, dnsRecords, cdnTargets, notes, todo } = proxy;
    const parts: Record<keyof ProxyOutputs, pulumi.Output<unknown>> = { vendor, region, cdn, urls, sdk, snippet, dnsRecords, cdnTargets, notes, todo };
    // A region only where the vendor has one, as the CDN components give it (no `region` key otherwise).
    return pulumi.output(parts).apply(({ region: r, ...o }) => ({ ...o, ...(r === undefined ? {} : { region: r }) }) as unknown as ProxyOutputs);
}

/**
 * The provider quotas the proxies of the program take together (an AWS provider's, a Cloudflare zone's), with this
 * one added, counted as the stack config's check counts them; throws naming `quotas.<id>` before this proxy registers
 * anything when it would go over one. (One proxy's own quotas were checked with its args.)
 */
function checkWithProgram(name: string, config: StackConfig, spec: ProxySpec, share: ShareOptions): void {
    const issues: { arg: string; message: string }[] = [];
    const policies = config.provider === "aws" && spec.sites.length > 0 ? sharedPoliciesProblem(share, config.cloudfront.sharedPolicies) : undefined;
    if (policies) issues.push({ arg: "cloudfront.sharedPolicies", message: policies });
    const zoneKey = config.dns.zone ?? config.dns.zoneId ?? "";
    if (config.provider === "cloudflare" && spec.googleTagGateway !== undefined) {
        const gateway = claimTagGateway(zoneKey, name);
        if (gateway) issues.push({ arg: "vendor", message: gateway });
    }
    const cloudflare = config.cloudflare;
    if (cloudflare?.workerScripts === "shared" && cloudflare.accountId !== undefined && cloudflare.accountId !== placeholderAccountId && spec.sites.length > 0) {
        // An account id known only once deployed (an Output) is checked then, by the shared script.
        const account = cloudflareProxyKind(spec, cloudflare.mode) === "worker" ? sharedWorkerScriptsProblem(name, cloudflare.accountId) : undefined;
        if (account) issues.push({ arg: "cloudflare.accountId", message: account });
    }
    // Counted last: a proxy refused for another reason is not counted.
    if (issues.length === 0) {
        const scope = quotaScope(config.provider, share, zoneKey);
        for (const p of programQuotaProblems(scope, config, spec)) {
            issues.push({ arg: `quotas.${p.id}`, message: `with the FirstPartyProxys created before it: ${p.message}` });
        }
    }
    if (issues.length > 0) throw new FirstPartyProxyArgsError(name, issues);
}

/** An account id that passes for any in the synchronous checks, while the real one is checked once known. */
const placeholderAccountId = "0".repeat(32);

/**
 * Checks `args` with the stack config's schema and rules, as one stack with one proxy named `name`, and expands
 * it. Throws FirstPartyProxyArgsError naming each arg path (`domain`, `dns.zone`, ...).
 */
export function validateFirstPartyProxyArgs(
    name: string,
    args: FirstPartyProxyArgs,
): { config: StackConfig; spec: ProxySpec; warnings: string[] } {
    if (typeof args !== "object" || args === null) throw new FirstPartyProxyArgsError(name, [{ arg: "args", message: "must be a mapping" }]);
    const { provider, dns, cloudflare, cloudfront, quotas, ...entry } = args as unknown as Record<string, unknown>;
    // PostHog's managed reverse proxy is `managed: true` in stack config: an enum value in args (no unions there).
    if (entry.vendor === "posthog" && entry.managed === Managed.proxy) entry.managed = true;
    const accountId = (cloudflare as CloudflareArgs | undefined)?.accountId;
    const raw = withoutUndefined({
        provider,
        dns,
        // An account id that is not known yet is checked when it is (checkedAccountId).
        cloudflare:
            cloudflare && typeof accountId !== "string" && accountId !== undefined
                ? { ...(cloudflare as object), accountId: placeholderAccountId }
                : cloudflare,
        cloudfront,
        quotas,
        proxies: [{ ...withoutUndefined(entry), name }],
    });
    try {
        const { config, warnings } = parseStackConfig(raw);
        const spec = buildProxySpec(proxyRequests(config, pulumi.getStack())[0]);
        if (config.provider === "cloudflare" && spec.sites.length > 0) {
            requireCloudflareSetup({ provider: config.dns.provider } as DnsZone, config.cloudflare!, [cloudflareProxyKind(spec, config.cloudflare!.mode)]);
        }
        return { config, spec, warnings: warnings.map(argPath) };
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new FirstPartyProxyArgsError(
            name,
            error.issues.map((i) => ({ arg: argPath(i.key), message: i.message })),
        );
    }
}

/** A stack config key (`first-party-proxy:proxies[0].domain`) as the arg path it came from (`domain`). */
function argPath(key: string): string {
    const path = key.replace(/^first-party-proxy:/, "").replace(/^proxies\[0\]\.?/, "").replace(/^proxies$/, "");
    if (path === "name") return "name (the resource name)";
    return path === "" ? "args" : path.replace(/^(first-party-proxy:)/, "");
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** The account id, checked with the schema once it is known. */
export function checkedAccountId(name: string, accountId: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
    if (accountId === undefined) return undefined;
    return pulumi.output(accountId).apply((id) => {
        const parsed = cloudflareConfig.shape.accountId.safeParse(id);
        if (!parsed.success) {
            throw new FirstPartyProxyArgsError(name, [{ arg: "cloudflare.accountId", message: parsed.error.issues[0].message }], false);
        }
        return id;
    });
}

/** An earlier version created each proxy's CDN component at the stack's root: aliases keep its state. */
function formerRoot(opts: ShareOptions): pulumi.Alias[] {
    return opts.parent === undefined ? [{ parent: pulumi.rootStackResource }] : [];
}

/** Builds the proxy's CDN component under `parent`; returns its outputs. */
function buildProxy(
    parent: FirstPartyProxy,
    spec: ProxySpec,
    config: StackConfig,
    accountId: pulumi.Output<string> | undefined,
    share: ShareOptions,
): pulumi.Output<ProxyOutputs> {
    const zone = sharedZone(config.dns);
    const opts: pulumi.ComponentResourceOptions = { parent, aliases: formerRoot(share) };
    if (spec.sites.length === 0) {
        // A vendor's managed endpoint: only DNS records, whatever the CDN.
        return spec.vendor === "posthog"
            ? new PostHogManagedProxy(spec.name, { proxy: spec, zone }, opts).outputs
            : new SegmentCustomDomain(spec.name, { proxy: spec, zone }, opts).outputs;
    }
    switch (config.provider) {
        case "aws": {
            const { policies, functions } = sharedCloudFront(share, config.cloudfront.sharedPolicies, {
                distributionsPerPolicy: availableOf(config, "cloudfrontDistributionsPerPolicy"),
                distributionsPerFunction: availableOf(config, "cloudfrontDistributionsPerFunction"),
            });
            return new CloudFrontProxy(
                spec.name,
                {
                    proxy: spec,
                    zone,
                    certificateProvider: sharedCertificateProvider(share),
                    priceClass: config.cloudfront.priceClass,
                    tags: config.cloudfront.tags,
                    shared: policies,
                    viewerRequestFunctions: functions,
                },
                opts,
            ).outputs;
        }
        case "cloudflare":
            return buildCloudflareProxy(spec, config, zone, accountId, share, opts);
    }
}

function buildCloudflareProxy(
    spec: ProxySpec,
    config: StackConfig,
    zone: DnsZone,
    accountId: pulumi.Output<string> | undefined,
    share: ShareOptions,
    opts: pulumi.ComponentResourceOptions,
): pulumi.Output<ProxyOutputs> {
    const cloudflare = config.cloudflare!;
    const kind = cloudflareProxyKind(spec, cloudflare.mode);
    const cfZone = requireCloudflareSetup(zone, cloudflare, [kind]);
    const zoneShare = sharedCloudflareZone(cfZone, config.dns.zone ?? config.dns.zoneId!, availableOf(config, "pageRules"));
    const { zoneRules, priorityOffset } = zoneShare.join(spec, kind, share);
    switch (kind) {
        case "worker": {
            const sharedScripts =
                cloudflare.workerScripts === "shared" ? sharedWorkerScripts(pulumi.getStack(), accountId!, cloudflare.workersPlan, share) : undefined;
            return new WorkerProxy(spec.name, { proxy: spec, zone: cfZone, accountId: accountId!, zoneRules, sharedScripts }, opts).outputs;
        }
        case "pageRule":
            return new PageRuleProxy(
                spec.name,
                { proxy: spec, zone: cfZone, pageRules: zoneShare.ownPageRules(spec.name), priorityOffset, zoneRules },
                opts,
            ).outputs;
        case "dns":
            return new CnameProxy(spec.name, { proxy: spec, zone: cfZone, zoneRules }, opts).outputs;
        case "googleTagGateway":
            return new GoogleTagGatewayProxy(spec.name, { proxy: spec, zone: cfZone }, opts).outputs;
    }
}
