import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, proxyRequests } from "../config/load";
import { buildProxySpec } from "../model/proxySpec";
import { PathLayout, sharedHostRoutes } from "../model/publicPaths";
import { sdkSnippet } from "../model/sdk";
import { ClientIpMode, ProxySpec, SdkSettings, Site, VendorId, VendorRegion } from "../model/types";
import { quotaDefinitions } from "../quotas/limits";
import { cacheBehaviour, distributionOrigin } from "./distributionArgs";
import { PolicySet } from "./policies";
import { siteViewerRequestFunctions } from "./viewerRequestFunction";
import { sharedCloudFront } from "../programShares";
import { AmplitudeProduct } from "../vendors/amplitude";
import { DatadogSite } from "../vendors/datadog";

/*
 * Same origin on CloudFront: the proxy lives in the user's own site distribution, under a path prefix. The routes are
 * the ones a proxy of its own hostname serves (buildProxySpec, publicRoutes), without the catch-all that there answers
 * 404 and here is the site's own default behaviour (sharedHostRoutes). The behaviours, their policies and the
 * viewer-request function come from the same code as CloudFrontProxy's, so the two send every request under the
 * prefix to the same origin, path and query.
 */

export interface CloudFrontSiteRoutesArgs {
    /** The vendor: any but vtex (a VTEX proxy is the store's own hostname). */
    readonly vendor: VendorId;
    /** The vendor's data region, us (default) or eu, for vendors that have regions (not Plausible). */
    readonly region?: VendorRegion;
    /** Your site's hostname, which your distribution serves (e.g. www.example.com): the SDK settings' URLs use it. */
    readonly domain: string;
    /**
     * The path prefix the vendor is served under on your site, e.g. /k7 (1-4 segments). Default: derived from the stack
     * and the resource name (six characters, stable across deploys, never a word blockers look for).
     */
    readonly pathPrefix?: string;
    /**
     * `public` (default): the vendor's paths under the prefix, the names blockers match renamed. `vendor`: the vendor's own
     * paths under the prefix (pathPrefix is then required).
     */
    readonly paths?: PathLayout;
    /** Amplitude: what of Amplitude's browser SDKs the routes serve (analytics, sessionReplay). Default: sessionReplay. */
    readonly products?: readonly AmplitudeProduct[];
    /** Datadog: the Datadog site the intake is on, e.g. datadoghq.eu. Default: datadoghq.com. */
    readonly site?: DatadogSite;
    /** Google tag gateway (vendor google): the Google tag or Tag Manager container ID, e.g. G-ABC123XYZ9. */
    readonly tagId?: string;
    /**
     * Google tag gateway: its path on your site, one segment of letters and digits (e.g. /k7q2m9), instead of
     * pathPrefix. Default: derived from the stack and the resource name.
     */
    readonly measurementPath?: string;
    /** What of the viewer's address reaches the vendor: `forward` (default), the only one CloudFront can honour. */
    readonly clientIp?: ClientIpMode;
    /**
     * How many cache behaviours your distribution has besides these (its default behaviour included), counted with
     * these against the per-distribution quota. Default: 1, the default behaviour alone.
     */
    readonly otherBehaviours?: number;
    /** The account's "Cache behaviors per distribution" quota, where it was raised. Default: 75, AWS's default. */
    readonly behavioursPerDistribution?: number;
    /**
     * Shared policies another stack created (its `sharedPolicies` output), by key → id: used instead of creating them,
     * as `cloudfront.sharedPolicies` does. Every FirstPartyProxy and cloudFrontSiteRoutes on one AWS provider gives the
     * same. Default: none.
     */
    readonly sharedPolicies?: Readonly<Record<string, string>>;
}

/** What a site distribution is given: the site (origin ids prefixed with the resource name), its prefix, the SDK. */
export interface SiteRoutesPlan {
    readonly spec: ProxySpec;
    /** The site with only the routes under the prefix, in order (most specific first). */
    readonly site: Site;
    readonly prefix: string;
    /** What the stack config's rules warn about (in arg terms): logged, not refused. */
    readonly warnings: readonly string[];
}

/** Problems with a CloudFrontSiteRoutes' args, each named by its arg; thrown before anything is created. */
export class CloudFrontSiteRoutesArgsError extends Error {
    constructor(
        name: string,
        readonly issues: readonly { readonly arg: string; readonly message: string }[],
    ) {
        super(
            `Invalid args for CloudFrontSiteRoutes "${name}" (${issues.length} problem${issues.length === 1 ? "" : "s"}); nothing was created:\n` +
                issues.map((i) => `  - ${i.arg}: ${i.message}`).join("\n"),
        );
        this.name = "CloudFrontSiteRoutesArgsError";
    }
}

const componentType = "first-party-proxy:aws:SiteRoutes";

/** The arg keys that configure the component itself, not the proxy entry the stack config's schema checks. */
const componentKeys = ["otherBehaviours", "behavioursPerDistribution", "sharedPolicies"] as const;

/**
 * Checks `args` with the stack config's schema and rules (as one proxy entry named `name` on provider aws) and the
 * distribution's behaviour quota, and expands them into the routes under the prefix. Throws
 * CloudFrontSiteRoutesArgsError naming each arg.
 */
export function planSiteRoutes(name: string, args: CloudFrontSiteRoutesArgs, stack: string): SiteRoutesPlan {
    if (typeof args !== "object" || args === null) throw new CloudFrontSiteRoutesArgsError(name, [{ arg: "args", message: "must be a mapping" }]);
    const entry = Object.fromEntries(
        Object.entries(args).filter(([k, v]) => v !== undefined && !(componentKeys as readonly string[]).includes(k)),
    );
    const issues = (problems: { arg: string; message: string }[]) => new CloudFrontSiteRoutesArgsError(name, problems);

    if (entry.vendor === "vtex") {
        throw issues([{ arg: "vendor", message: "vtex is not served under a path prefix: a VTEX proxy is the store's hostname itself (use FirstPartyProxy)" }]);
    }
    for (const key of ["cdnDomain", "apiDomain", "managed", "sharedHost"]) {
        if (key in entry) throw issues([{ arg: key, message: `${key} is not taken: the proxy is served on your site's one hostname, domain, under pathPrefix` }]);
    }
    if (entry.paths === "vendor" && entry.pathPrefix === undefined) {
        throw issues([{ arg: "pathPrefix", message: "pathPrefix is required with paths: vendor (the vendor's paths at the root would take your site's own)" }]);
    }
    let spec: ProxySpec;
    let warnings: readonly string[];
    try {
        const cloudfront = args.sharedPolicies === undefined ? {} : { cloudfront: { sharedPolicies: args.sharedPolicies } };
        const loaded = parseStackConfig({ provider: "aws", dns: { provider: "manual" }, ...cloudfront, proxies: [{ ...entry, name }] });
        spec = buildProxySpec(proxyRequests(loaded.config, stack)[0]);
        warnings = loaded.warnings.map((w) => w.replace(/first-party-proxy:proxies\[0\]\./g, ""));
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw issues(error.issues.map((i) => ({ arg: argOf(i.key), message: i.message })));
    }

    const site = spec.sites[0];
    const prefix = spec.paths.prefix!;
    const originId = (id: string) => `${name}-${id}`;
    const routes = sharedHostRoutes(site.routes, prefix).map((r) => ({ ...r, originId: originId(r.originId) }));
    const others = args.otherBehaviours ?? 1;
    const limit = args.behavioursPerDistribution ?? quotaDefinitions.cloudfrontCacheBehaviorsPerDistribution.defaultLimit();
    for (const [arg, value, least] of [["otherBehaviours", others, 1], ["behavioursPerDistribution", limit, 1]] as const) {
        if (!Number.isInteger(value) || value < least) throw issues([{ arg, message: `must be a whole number, at least ${least} (got ${String(value)})` }]);
    }
    if (routes.length + others > limit) {
        const quota = quotaDefinitions.cloudfrontCacheBehaviorsPerDistribution;
        throw issues([
            {
                arg: "otherBehaviours",
                message:
                    `${quota.title}: ${spec.vendor} takes ${routes.length} and the distribution has ${others} more, over the ${limit} allowed ` +
                    `(${args.behavioursPerDistribution === undefined ? "AWS's default" : "behavioursPerDistribution"}; ${quota.source.title}, ${quota.source.url}). ` +
                    `To go further: ${quota.raise}, then set behavioursPerDistribution`,
            },
        ]);
    }
    return {
        spec: { ...spec, sharedHost: true },
        site: { ...site, origins: site.origins.map((o) => ({ ...o, id: originId(o.id) })), routes },
        prefix,
        warnings,
    };
}

/** A stack config key (`first-party-proxy:proxies[0].region`) as the arg it came from (`region`). */
function argOf(key: string): string {
    const path = key.replace(/^first-party-proxy:/, "").replace(/^proxies\[0\]\.?/, "").replace(/^cloudfront\./, "");
    if (path === "name") return "name (the resource name)";
    return path === "" || path === "proxies" ? "args" : path;
}

/**
 * A vendor under a path prefix of your own site's CloudFront distribution (same origin: no other hostname, no DNS, no
 * certificate): what to spread into your `aws.cloudfront.Distribution`, and the resources those reference (cache,
 * origin request and response headers policies, and the viewer-request CloudFront Function that strips the prefix
 * and rewrites each request to the vendor's path). Your distribution keeps its own default behaviour and its own
 * functions on its own behaviours. Put these behaviours before yours: CloudFront takes the first pattern that matches.
 */
export class CloudFrontSiteRoutes extends pulumi.ComponentResource {
    /** The vendor's origins, ids prefixed with this resource's name: spread them into your distribution's `origins`. */
    public readonly origins: aws.types.input.cloudfront.DistributionOrigin[];
    /** The behaviours under the prefix, most specific first: spread them, in this order, before your own. */
    public readonly orderedCacheBehaviors: aws.types.input.cloudfront.DistributionOrderedCacheBehavior[];
    /** The path prefix the vendor is served under, e.g. /k7. */
    public readonly pathPrefix: string;
    /** The SDK settings for your site's hostname and the prefix. */
    public readonly sdk: SdkSettings;
    /** The SDK settings as code to paste. */
    public readonly snippet: string;
    /** What you should know that no resource can say (WAF body limits, vendor steps). */
    public readonly notes: string[];

    constructor(name: string, args: CloudFrontSiteRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        // Bad args throw before anything is registered, this component included.
        const plan = planSiteRoutes(name, args, pulumi.getStack());
        super(componentType, name, {}, opts);
        const { site, prefix, spec } = plan;
        for (const w of plan.warnings) pulumi.log.warn(w, this);
        // The program's CloudFront policies and Functions, shared with every FirstPartyProxy on the same AWS provider.
        const { policies: shared, functions } = sharedCloudFront({ parent: opts?.parent, providers: opts?.providers }, args.sharedPolicies ?? {});
        const policies = new PolicySet(name, shared, this);
        const codes = siteViewerRequestFunctions(site, prefix);

        this.origins = site.origins.map(distributionOrigin);
        this.orderedCacheBehaviors = site.routes.map((route, i) => {
            const fn = codes[i];
            return cacheBehaviour(route, policies.forRoute(route), fn && functions.arnFor(fn.code, fn.comment, name));
        });
        this.pathPrefix = prefix;
        this.sdk = spec.sdk;
        this.snippet = sdkSnippet(spec.sdk);
        this.notes = [...spec.notes, ...(spec.todo ?? [])];
        this.registerOutputs({
            origins: this.origins,
            orderedCacheBehaviors: this.orderedCacheBehaviors,
            pathPrefix: this.pathPrefix,
            sdk: this.sdk,
            snippet: this.snippet,
            notes: this.notes,
        });
    }
}

/**
 * `new CloudFrontSiteRoutes(name, args, opts)`: a vendor under a path prefix of your own CloudFront distribution.
 *
 *     const analytics = cloudFrontSiteRoutes("analytics", { vendor: "posthog", region: "eu", domain: "www.example.com", pathPrefix: "/k7" });
 *     new aws.cloudfront.Distribution("site", {
 *         origins: [siteOrigin, ...analytics.origins],
 *         orderedCacheBehaviors: [...analytics.orderedCacheBehaviors, ...yourBehaviours],
 *         defaultCacheBehavior: yourDefault,
 *         ...
 *     });
 */
export function cloudFrontSiteRoutes(name: string, args: CloudFrontSiteRoutesArgs, opts?: pulumi.ComponentResourceOptions): CloudFrontSiteRoutes {
    return new CloudFrontSiteRoutes(name, args, opts);
}
