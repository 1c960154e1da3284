import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { groupKey, SharedKind, sharedKey, sharedKeyPattern, SharedResourceGroups } from "./sharedKeys";

/*
 * What every CloudFront proxy of a stack shares: custom cache, origin request and response headers policies. An AWS
 * account holds 20 custom policies of each kind by default (components/quotas/limits.ts), so they must be one per
 * distinct content, never one per proxy: 200 PostHog proxies need one cache policy and one origin request policy,
 * not 200 of each. (CloudFront Functions are shared the same way, one per distinct code, by ViewerRequestFunctions.)
 *
 * Each shared resource is keyed by its content (`cache-<hash>`, `origin-request-<hash>`, `response-headers-<hash>`)
 * and, as CloudFront associates one policy with at most 100 distributions, by the group of 100 distributions using
 * it (the second group's copy is `cache-<hash>-2`: see SharedResourceGroups); it is created lazily, as a child of the stack's one `CloudFrontShared` component, the first time
 * a proxy asks for it. A key listed in `cloudfront.sharedPolicies` (an id another stack created, read from its
 * `sharedPolicies` output) is used as is and nothing is created for it.
 */

export { canonicalJson, groupKey, SharedKind, sharedKey, sharedKeyPattern, sharedKinds } from "./sharedKeys";

/** The token of the component that owns a stack's shared CloudFront resources. */
export const cloudFrontSharedType = "first-party-proxy:aws:CloudFrontShared";

/**
 * Where a resource lived before it was shared: the proxy component that created it and the name it had there.
 * The shared resource takes that URN as an alias, so the first proxy's old policy is kept (renamed in place) rather
 * than replaced; the other proxies' copies are deleted once every distribution points at the shared one.
 */
export interface FormerOwner {
    readonly parent: pulumi.Resource;
    readonly name: string;
    /** URNs `parent` had before it moved (its own aliases): the engine does not follow them for another resource's alias. */
    readonly formerParentUrns?: readonly pulumi.Input<string>[];
}

export interface CloudFrontSharedArgs {
    /**
     * Appended to the names that must be unique in the whole AWS account (policies), so stacks of the same
     * name in two projects never collide. Default: none (names are prefixed with the stack only).
     */
    readonly nameSuffix?: pulumi.Input<string>;
    /** Shared policies that already exist (another stack's), by key → CloudFront id: used instead of creating them. */
    readonly existing?: Readonly<Record<string, string>>;
    /**
     * How many distributions one policy may serve (`quotas.cloudfrontDistributionsPerPolicy`, less what reused policies
     * already serve). Default: 100, CloudFront's quota.
     */
    readonly distributionsPerPolicy?: number;
}

/** Resource args without the name, which the registry derives from the key. */
export type CachePolicyContent = Omit<aws.cloudfront.CachePolicyArgs, "name">;
export type OriginRequestPolicyContent = Omit<aws.cloudfront.OriginRequestPolicyArgs, "name">;
export type ResponseHeadersPolicyContent = Omit<aws.cloudfront.ResponseHeadersPolicyArgs, "name">;

/**
 * The stack's shared CloudFront resources (see the top of this file). Get it with `CloudFrontShared.forStack()`, so
 * that every component of one program — several `FirstPartyProxy` instances included — uses the same one; pass it
 * to each `CloudFrontProxy` as `shared`.
 */
export class CloudFrontShared extends pulumi.ComponentResource {
    private readonly nameSuffix: pulumi.Input<string> | undefined;
    private readonly existing: Readonly<Record<string, string>>;
    private readonly created = new Map<string, { readonly kind: SharedKind; readonly id: pulumi.Output<string> }>();
    private readonly groups: SharedResourceGroups;

    constructor(name: string, args: CloudFrontSharedArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(cloudFrontSharedType, name, {}, opts);
        this.nameSuffix = args.nameSuffix;
        this.existing = { ...(args.existing ?? {}) };
        this.groups = new SharedResourceGroups(args.distributionsPerPolicy);
        for (const key of Object.keys(this.existing)) {
            if (!sharedKeyPattern.test(key)) throw new Error(`${name}: shared resource key "${key}" must look like cache-1a2b3c4d (kind-<8 hex>)`);
        }
        this.registerOutputs({});
    }

    /**
     * The stack's registry for `provider` (undefined: the default AWS provider), created on first use with `args`;
     * later calls return the same one whatever args they pass. Keyed per Pulumi run, so that offline plans in one
     * process (tests, benchmarks) never share it.
     */
    static forStack(args: CloudFrontSharedArgs = {}, opts: { provider?: aws.Provider; name?: string; parent?: pulumi.Resource } = {}): CloudFrontShared {
        const perRun = registryOfRun();
        const key: object = opts.provider ?? defaultProviderKey;
        let shared = perRun.get(key);
        if (!shared) {
            const name = opts.name ?? (opts.provider ? undefined : "cloudfront-shared");
            if (name === undefined) throw new Error("CloudFrontShared.forStack: give a name for the registry of an explicit provider");
            shared = new CloudFrontShared(name, args, { provider: opts.provider, parent: opts.parent });
            perRun.set(key, shared);
        }
        return shared;
    }

    /** The id of the cache policy with `content` for `distribution` (its group's copy), created on first use. */
    cachePolicy(content: CachePolicyContent, distribution: string, formerOwner?: FormerOwner): pulumi.Output<string> {
        return this.getOrCreate("cache", content, distribution, formerOwner, (name, args, opts) => new aws.cloudfront.CachePolicy(name, { ...content, ...args }, opts));
    }

    /** The id of the origin request policy with `content` for `distribution` (its group's copy), created on first use. */
    originRequestPolicy(content: OriginRequestPolicyContent, distribution: string, formerOwner?: FormerOwner): pulumi.Output<string> {
        return this.getOrCreate(
            "origin-request",
            content,
            distribution,
            formerOwner,
            (name, args, opts) => new aws.cloudfront.OriginRequestPolicy(name, { ...content, ...args }, opts),
        );
    }

    /** The id of the response headers policy with `content` for `distribution` (its group's copy), created on first use. */
    responseHeadersPolicy(content: ResponseHeadersPolicyContent, distribution: string, formerOwner?: FormerOwner): pulumi.Output<string> {
        return this.getOrCreate(
            "response-headers",
            content,
            distribution,
            formerOwner,
            (name, args, opts) => new aws.cloudfront.ResponseHeadersPolicy(name, { ...content, ...args }, opts),
        );
    }

    /** Every shared resource this stack created (not the existing ones it reuses), by key → its id. */
    createdIds(): pulumi.Output<Record<string, string>> {
        const entries = [...this.created.entries()];
        return pulumi.all(entries.map(([, v]) => v.id)).apply((ids) => Object.fromEntries(entries.map(([k], i) => [k, ids[i]])));
    }

    /** How many resources of `kind` this stack created. */
    createdCount(kind: SharedKind): number {
        return [...this.created.values()].filter((v) => v.kind === kind).length;
    }

    private getOrCreate(
        kind: SharedKind,
        content: unknown,
        distribution: string,
        formerOwner: FormerOwner | undefined,
        create: (name: string, args: { name: pulumi.Output<string> }, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource,
    ): pulumi.Output<string> {
        const contentKey = sharedKey(kind, content);
        const key = groupKey(contentKey, this.groups.groupOf(contentKey, distribution));
        const reused = this.existing[key];
        if (reused !== undefined) return pulumi.output(reused);
        const known = this.created.get(key);
        if (known) return known.id;
        const resource = create(
            key,
            { name: accountUniqueName(key, this.nameSuffix) },
            {
                parent: this,
                aliases: formerOwner
                    ? [formerOwner.parent, ...(formerOwner.formerParentUrns ?? [])].map((parent) => ({ name: formerOwner.name, parent }))
                    : [],
            },
        );
        const id = resource.id;
        this.created.set(key, { kind, id });
        return id;
    }
}

const defaultProviderKey = {};

/** One registry map per Pulumi run: the resource monitor is the run's identity (a new one per offline plan). */
const registries = new WeakMap<object, Map<object, CloudFrontShared>>();
const noMonitor = {};

function registryOfRun(): Map<object, CloudFrontShared> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const monitor: object = require("@pulumi/pulumi/runtime/settings").getMonitor() ?? noMonitor;
    let perRun = registries.get(monitor);
    if (!perRun) {
        perRun = new Map();
        registries.set(monitor, perRun);
    }
    return perRun;
}

/** `<stack>-<key>[-<suffix>]`: CloudFront policy names take letters, digits, hyphens and underscores, at most 128, unique in the account. */
function accountUniqueName(key: string, suffix: pulumi.Input<string> | undefined, maxLength = 128): pulumi.Output<string> {
    return pulumi.output(suffix).apply((sfx) => {
        const tail = sfx ? `-${sfx}` : "";
        return `${pulumi.getStack()}-${key}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, maxLength - tail.length) + tail;
    });
}
