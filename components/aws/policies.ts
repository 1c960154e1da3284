import * as pulumi from "@pulumi/pulumi";
import { CacheIntent, CorsIntent, ForwardIntent, Route } from "../model/types";
import { managedCachePolicy, managedOriginRequestPolicy, managedResponseHeadersPolicy } from "./managedPolicies";
import { CachePolicyContent, CloudFrontShared, FormerOwner, OriginRequestPolicyContent, sharedKey } from "./shared";

/** The three policy IDs a cache behaviour references; undefined where the behaviour has none. */
export interface BehaviourPolicies {
    readonly cachePolicyId: pulumi.Input<string>;
    readonly originRequestPolicyId?: pulumi.Input<string>;
    readonly responseHeadersPolicyId?: string;
}

/** A year: the longest the origin's Cache-Control may keep a response in a custom cache policy. */
const maxTtlSeconds = 31_536_000;

/**
 * Policies for one distribution's routes: managed IDs where the vendor's seed names a managed policy, the stack's
 * shared custom policies (`CloudFrontShared`, one per distinct content) where it needs one. The names earlier
 * versions gave this distribution's own copies (`<site>-cache-<n>`, `<site>-origin-request-<n>`) become the shared
 * policy's alias when this distribution is the first to use it, so upgrading keeps that policy.
 */
export class PolicySet {
    private readonly cacheKeys: string[] = [];
    private readonly originRequestKeys: string[] = [];

    constructor(
        /** The distribution's name: the policies' former names start with it, and it is its identity in the policies' groups. */
        private readonly namePrefix: string,
        private readonly shared: CloudFrontShared,
        /** The proxy component that owned the policies before they were shared. */
        private readonly formerParent: pulumi.Resource,
        /** The URNs that component had before it moved (its aliases): the policies' URNs under it are aliases too. */
        private readonly formerParentUrns: readonly pulumi.Input<string>[] = [],
    ) {}

    forRoute(route: Route): BehaviourPolicies {
        return {
            cachePolicyId: this.cachePolicyId(route.cache),
            originRequestPolicyId: this.originRequestPolicyId(route.forward),
            responseHeadersPolicyId: responseHeadersPolicyId(route.cors),
        };
    }

    private cachePolicyId(intent: CacheIntent): pulumi.Input<string> {
        switch (intent.mode) {
            case "disabled":
                return managedCachePolicy.CachingDisabled;
            case "optimized":
                return managedCachePolicy.CachingOptimized;
            case "keyed":
                return this.shared.cachePolicy(cachePolicyContent(intent), this.namePrefix, this.formerOwner("cache", this.cacheKeys, JSON.stringify(intent)));
        }
    }

    private originRequestPolicyId(intent: ForwardIntent): pulumi.Input<string> | undefined {
        switch (intent.mode) {
            case "minimal":
                return undefined;
            case "allViewer":
                return managedOriginRequestPolicy.AllViewer;
            case "allViewerExceptHost":
                return managedOriginRequestPolicy.AllViewerExceptHostHeader;
            case "corsCustomOrigin":
                return managedOriginRequestPolicy.CorsCustomOrigin;
            case "allViewerExceptHostNoCookies":
            case "custom":
                return this.shared.originRequestPolicy(
                    originRequestPolicyContent(intent),
                    this.namePrefix,
                    this.formerOwner("origin-request", this.originRequestKeys, JSON.stringify(intent)),
                );
        }
    }

    /** The name this distribution's own copy had: numbered per distinct intent, in route order. */
    private formerOwner(kind: string, seen: string[], key: string): FormerOwner {
        if (!seen.includes(key)) seen.push(key);
        return { parent: this.formerParent, formerParentUrns: this.formerParentUrns, name: `${this.namePrefix}-${kind}-${seen.indexOf(key) + 1}` };
    }
}

/**
 * The keys of the shared custom resources `route` needs (see CloudFrontShared): what the quota check counts, derived
 * from the same content the policies are created from.
 */
export function sharedResourceKeys(route: Route): string[] {
    const keys: string[] = [];
    if (route.cache.mode === "keyed") keys.push(sharedKey("cache", cachePolicyContent(route.cache)));
    if (route.forward.mode === "custom" || route.forward.mode === "allViewerExceptHostNoCookies") {
        keys.push(sharedKey("origin-request", originRequestPolicyContent(route.forward)));
    }
    return keys;
}

/** A custom cache policy for a `keyed` intent: nothing cached unless the origin says so, up to a year. */
export function cachePolicyContent(intent: Extract<CacheIntent, { mode: "keyed" }>): CachePolicyContent {
    return {
        comment: `Cache key: ${intent.headers.join(", ")} headers, ${intent.queryStrings} query strings, no cookies`,
        minTtl: 0,
        defaultTtl: 0,
        maxTtl: maxTtlSeconds,
        parametersInCacheKeyAndForwardedToOrigin: {
            cookiesConfig: { cookieBehavior: "none" },
            headersConfig: { headerBehavior: "whitelist", headers: { items: [...intent.headers] } },
            queryStringsConfig: { queryStringBehavior: intent.queryStrings },
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
        },
    };
}

/**
 * A custom origin request policy: for a `custom` forward intent the listed headers, for `allViewerExceptHostNoCookies`
 * every viewer header but Host (`allExcept`); both with all query strings and never cookies.
 */
export function originRequestPolicyContent(intent: Extract<ForwardIntent, { mode: "custom" | "allViewerExceptHostNoCookies" }>): OriginRequestPolicyContent {
    if (intent.mode === "allViewerExceptHostNoCookies") {
        return {
            comment: "Forwards every viewer header but Host and all query strings, no cookies",
            cookiesConfig: { cookieBehavior: "none" },
            headersConfig: { headerBehavior: "allExcept", headers: { items: ["Host"] } },
            queryStringsConfig: { queryStringBehavior: "all" },
        };
    }
    return {
        comment: `Forwards ${intent.headers.join(", ")} headers and ${intent.queryStrings} query strings, no cookies`,
        cookiesConfig: { cookieBehavior: "none" },
        headersConfig: { headerBehavior: "whitelist", headers: { items: [...intent.headers] } },
        queryStringsConfig: { queryStringBehavior: intent.queryStrings },
    };
}

function responseHeadersPolicyId(intent: CorsIntent): string | undefined {
    if (intent.mode === "origin") return undefined;
    return intent.securityHeaders
        ? managedResponseHeadersPolicy.CorsWithPreflightAndSecurityHeaders
        : managedResponseHeadersPolicy.CorsWithPreflight;
}
