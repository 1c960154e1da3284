import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { certificateProvider, certificateRegion } from "./aws/certificateProvider";
import { CloudFrontProxy } from "./aws/cloudFrontProxy";
import { ViewerRequestFunctions } from "./aws/viewerRequestFunctions";
import { CloudFrontShared } from "./aws/shared";
import { cloudflareProxyBuilder } from "./cloudflare/builder";
import { LoadedConfig, proxyRequests, readStackConfig } from "./config/load";
import { StackConfig } from "./config/schema";
import { PostHogManagedProxy } from "./dns/posthogManagedProxy";
import { availableOf } from "./quotas/check";
import { SegmentCustomDomain } from "./dns/segmentCustomDomain";
import { DnsZone, lookupZone } from "./dns/zone";
import { buildProxySpec } from "./model/proxySpec";
import { ProxySpec } from "./model/types";
import { ProxyOutputs } from "./outputs";

export interface StackOutputs {
    /** Per proxy name: URLs, SDK settings and snippet, DNS records, notes. */
    readonly proxies: pulumi.Output<Record<string, ProxyOutputs>>;
    readonly warnings: readonly string[];
    /**
     * CloudFront only: the shared custom policies this stack created, by key → id. Another
     * stack in the same account lists them under `cloudfront.sharedPolicies` to use them instead of its own copies.
     */
    readonly sharedPolicies?: pulumi.Output<Record<string, string>>;
}

/**
 * The whole program: validates the stack config (throwing before any resource exists), then builds one
 * component per proxy on the configured CDN.
 */
export function buildStack(loaded: LoadedConfig = readStackConfig()): StackOutputs {
    const { config, warnings } = loaded;
    // Everything is validated and expanded before the first resource is registered: nothing half-built.
    const specs = proxyRequests(config, pulumi.getStack()).map(buildProxySpec);
    for (const w of warnings) pulumi.log.warn(w);

    const zone = lookupZone(config.dns);
    const { build, shared } = cdnBuilder(config, zone);
    const outputs = specs.map((spec) =>
        spec.sites.length > 0
            ? build(spec)
            : spec.vendor === "posthog"
              ? new PostHogManagedProxy(spec.name, { proxy: spec, zone }).outputs
              : new SegmentCustomDomain(spec.name, { proxy: spec, zone }).outputs,
    );
    const sharedPolicies = shared?.();
    return {
        proxies: pulumi.all(outputs).apply((all) => Object.fromEntries(all.map((o, i) => [specs[i].name, o]))),
        warnings,
        ...(sharedPolicies ? { sharedPolicies: sharedPolicies.createdIds() } : {}),
    };
}

type ProxyBuilder = (spec: ProxySpec) => pulumi.Output<ProxyOutputs>;

function cdnBuilder(config: StackConfig, zone: DnsZone): { build: ProxyBuilder; shared?: () => CloudFrontShared | undefined } {
    switch (config.provider) {
        case "aws": {
            // What CloudFront proxies share, created with the first of them: a stack of Segment managed Custom
            // Domains only (DNS records, no distribution) registers no certificate provider, random suffix or policies.
            let created:
                | { usEast1: ReturnType<typeof certificateProvider>; functions: ViewerRequestFunctions; policies: CloudFrontShared }
                | undefined;
            const cloudFront = () => {
                if (!created) {
                    const usEast1 = certificateProvider(certificateRegion);
                    // CloudFront policy names are account-wide: a random suffix, fixed at the first deploy, keeps them apart.
                    const nameSuffix = new random.RandomId("name-suffix", { byteLength: 3 }).hex;
                    created = {
                        usEast1,
                        functions: new ViewerRequestFunctions(nameSuffix),
                        policies: CloudFrontShared.forStack({ nameSuffix, existing: config.cloudfront.sharedPolicies }),
                    };
                }
                return created;
            };
            const build: ProxyBuilder = (spec) => {
                const { usEast1, functions, policies } = cloudFront();
                return new CloudFrontProxy(spec.name, {
                    proxy: spec,
                    zone,
                    certificateProvider: usEast1,
                    priceClass: config.cloudfront.priceClass,
                    tags: config.cloudfront.tags,
                    viewerRequestFunctions: functions,
                    shared: policies,
                }).outputs;
            };
            return { build, shared: () => created?.policies };
        }
        case "cloudflare":
            if (!config.cloudflare) throw new Error("first-party-proxy:cloudflare is required with provider cloudflare");
            // The builder plans what proxies in one zone share (page rule priorities, one ruleset per phase) up
            // front, so it sees every proxy: re-expanding the config is pure and gives the specs buildStack builds.
            return {
                build: cloudflareProxyBuilder({
                    proxies: proxyRequests(config, pulumi.getStack()).map(buildProxySpec),
                    zone,
                    cloudflare: config.cloudflare,
                    pageRuleLimit: availableOf(config, "pageRules"),
                }),
            };
    }
}
