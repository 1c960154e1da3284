import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CacheIntent, CorsIntent, ForwardIntent, Route } from "../model/types";
import { managedCachePolicy, managedOriginRequestPolicy, managedResponseHeadersPolicy } from "./managedPolicies";

/** The three policy IDs a cache behaviour references; undefined where the behaviour has none. */
export interface BehaviourPolicies {
    readonly cachePolicyId: pulumi.Input<string>;
    readonly originRequestPolicyId?: pulumi.Input<string>;
    readonly responseHeadersPolicyId?: string;
}

/** A year: the longest the origin's Cache-Control may keep a response in a custom cache policy. */
const maxTtlSeconds = 31_536_000;

/**
 * Policies for a site's routes: managed IDs where the vendor's seed names a managed policy, custom policies where
 * it creates one. Identical custom intents share one policy; names are prefixed to be unique per stack.
 */
export class PolicySet {
    private readonly cache = new Map<string, aws.cloudfront.CachePolicy>();
    private readonly originRequest = new Map<string, aws.cloudfront.OriginRequestPolicy>();

    constructor(
        private readonly namePrefix: string,
        /** Appended to every policy name; see CloudFrontProxyArgs.nameSuffix. */
        private readonly nameSuffix: pulumi.Input<string> | undefined,
        private readonly opts: pulumi.CustomResourceOptions,
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
            case "keyed": {
                const name = `${this.namePrefix}-cache-${this.cache.size + 1}`;
                const key = JSON.stringify(intent);
                const policy =
                    this.cache.get(key) ??
                    new aws.cloudfront.CachePolicy(
                        name,
                        {
                            name: policyName(name, this.nameSuffix),
                            comment: `Cache key: ${intent.headers.join(", ")} headers, all query strings, no cookies`,
                            // Nothing is cached unless the origin says so; Cache-Control may keep it up to a year.
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
                        },
                        this.opts,
                    );
                this.cache.set(key, policy);
                return policy.id;
            }
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
            case "custom": {
                const name = `${this.namePrefix}-origin-request-${this.originRequest.size + 1}`;
                const key = JSON.stringify(intent);
                const policy =
                    this.originRequest.get(key) ??
                    new aws.cloudfront.OriginRequestPolicy(
                        name,
                        {
                            name: policyName(name, this.nameSuffix),
                            comment: `Forwards ${intent.headers.join(", ")} headers and all query strings, no cookies`,
                            cookiesConfig: { cookieBehavior: "none" },
                            headersConfig: { headerBehavior: "whitelist", headers: { items: [...intent.headers] } },
                            queryStringsConfig: { queryStringBehavior: intent.queryStrings },
                        },
                        this.opts,
                    );
                this.originRequest.set(key, policy);
                return policy.id;
            }
        }
    }
}

function responseHeadersPolicyId(intent: CorsIntent): string | undefined {
    if (intent.mode === "origin") return undefined;
    return intent.securityHeaders
        ? managedResponseHeadersPolicy.CorsWithPreflightAndSecurityHeaders
        : managedResponseHeadersPolicy.CorsWithPreflight;
}

/** CloudFront policy names: letters, digits, hyphens and underscores, at most 128, unique in the account. */
function policyName(resourceName: string, suffix: pulumi.Input<string> | undefined): pulumi.Output<string> {
    return pulumi.output(suffix).apply((sfx) => {
        const tail = sfx ? `-${sfx}` : "";
        return `${pulumi.getStack()}-${resourceName}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128 - tail.length) + tail;
    });
}
