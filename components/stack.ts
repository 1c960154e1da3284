import * as pulumi from "@pulumi/pulumi";
import { LoadedConfig, proxyRequests, readStackConfig } from "./config/load";
import { StackConfig } from "./config/schema";
import { FirstPartyProxy, FirstPartyProxyArgs, proxyOutputsOf } from "./firstPartyProxy";
import { holdShareSeals, programCloudFrontShared, quotasCheckedFor } from "./programShares";
import { buildProxySpec } from "./model/proxySpec";
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
 * Proxies created between two yields to the event loop. Pulumi registers a resource asynchronously, holding an Output
 * (and its promises) per output property until the registration is answered; created all at once, 1,000 proxies keep
 * ~9,000 registrations in flight and the plan peaks at 2.5 GB. A yield every few proxies lets the answers in (the
 * mocks', or the engine's over gRPC), so memory stays flat and garbage collection cheap (bench/results.md, Program
 * scale). It awaits no registration: a deployment is not slowed.
 */
export const proxiesPerBatch = 10;

/**
 * The stack program, one user of the public FirstPartyProxy: validates the whole stack config (throwing before any
 * resource exists, with every problem at once), then creates one FirstPartyProxy per `proxies` entry with the
 * stack's CDN and DNS choice, in batches. Proxies of a zone share what they must through the program's shares
 * (programShares.ts), held open until the last batch.
 */
export async function buildStack(loaded: LoadedConfig = readStackConfig()): Promise<StackOutputs> {
    const { config, warnings } = loaded;
    // Everything is validated and expanded before the first resource is registered: nothing half-built.
    const names = proxyRequests(config, pulumi.getStack()).map((request) => buildProxySpec(request).name);
    // The whole stack's quotas were checked with its config (readStackConfig): FirstPartyProxy need not recount them.
    quotasCheckedFor(names);
    const proxies: FirstPartyProxy[] = [];
    const release = holdShareSeals();
    try {
        for (const [i, entry] of config.proxies.entries()) {
            if (i > 0 && i % proxiesPerBatch === 0) await new Promise<void>((resolve) => setImmediate(resolve));
            proxies.push(new FirstPartyProxy(names[i], proxyArgs(config, entry)));
        }
    } finally {
        release();
    }
    const sharedPolicies = programCloudFrontShared();
    return {
        proxies: pulumi.all(proxies.map(proxyOutputsOf)).apply((all) => Object.fromEntries(all.map((o, i) => [names[i], o]))),
        warnings,
        ...(sharedPolicies ? { sharedPolicies: sharedPolicies.createdIds() } : {}),
    };
}

/** One `proxies` entry and the stack's choices as a FirstPartyProxy's args (the entry's name is the resource name). */
function proxyArgs(config: StackConfig, entry: StackConfig["proxies"][number]): FirstPartyProxyArgs {
    const { name: _name, ...keys } = entry;
    const cdn = config.provider === "aws" ? { cloudfront: config.cloudfront } : { cloudflare: config.cloudflare };
    return { ...keys, provider: config.provider, dns: config.dns, ...cdn } as FirstPartyProxyArgs;
}
