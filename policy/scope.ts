import * as aws from "@pulumi/aws";
import { Policies, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { vendorOfHost } from "./facts";

/*
 * What the pack looks at. In this repository's stack program (project first-party-proxy) every resource is the
 * proxies', and the pack checks them all. In any other project (a user's own program that uses the library, run with
 * `--policy-pack <path to this pack>`) it checks only what serves the vendors, and leaves the rest of the user's
 * infrastructure alone:
 * - resources created inside a first-party-proxy component (their URN's type chain names one: FirstPartyProxy,
 *   CloudFrontProxy, SiteRoutes, CloudFrontShared, ZoneRules, ...);
 * - in a CloudFront distribution of the user's own (a site that spreads in cloudFrontSiteRoutes), only the vendor's
 *   origins and the behaviours that target them: the site's own origins, behaviours and default behaviour are not
 *   the pack's business;
 * - the program's shared CloudFront Functions (`viewer-request-<hash>`, or any function a vendor behaviour runs).
 */

/** The project of this repository's stack program, where every resource is the proxies'. */
export const programProject = "first-party-proxy";

/** The resource name the program's shared CloudFront Functions have (components/aws/viewerRequestFunctions.ts). */
const sharedFunctionName = /^viewer-request-[0-9a-f]{10}$/;

type DistributionProps = Unwrap<aws.cloudfront.DistributionArgs>;

/** `urn:pulumi:<stack>::<project>::<parent types $ ...><type>::<name>`: the project. */
function projectOf(urn: string): string {
    return urn.split("::")[1] ?? "";
}

/** Whether a resource was created inside a first-party-proxy component (its type chain names one). */
export function insideProxyComponent(urn: string): boolean {
    const types = urn.split("::")[2] ?? "";
    return types.split("$").some((t) => t.startsWith("first-party-proxy:"));
}

/** Whether the pack checks every resource of this project (the stack program) or only the proxies' (a user's). */
export function checksEverything(urn: string): boolean {
    return projectOf(urn) === programProject;
}

/** Whether a resource is wholly the proxies': everything in the stack program, what a component created elsewhere. */
export function isProxies(urn: string): boolean {
    return checksEverything(urn) || insideProxyComponent(urn);
}

/**
 * The part of a user's distribution that serves a vendor: its vendor origins and the behaviours targeting them (the
 * default behaviour only if it does). Undefined when it serves none.
 */
export function vendorPartOf<P extends Partial<DistributionProps>>(d: P): P | undefined {
    const vendorOrigins = new Set((d.origins ?? []).filter((o) => vendorOfHost(o.domainName) !== undefined).map((o) => o.originId));
    if (vendorOrigins.size === 0) return undefined;
    const serves = (b: { targetOriginId?: string } | undefined) => b !== undefined && vendorOrigins.has(b.targetOriginId ?? "");
    return {
        ...d,
        origins: (d.origins ?? []).filter((o) => vendorOrigins.has(o.originId)),
        orderedCacheBehaviors: (d.orderedCacheBehaviors ?? []).filter(serves),
        defaultCacheBehavior: serves(d.defaultCacheBehavior) ? d.defaultCacheBehavior : undefined,
    };
}

/** The function ARNs and names a distribution's behaviours run (what is known of them). */
function functionsRunBy(d: Partial<DistributionProps>): Set<string> {
    const behaviours = [...(d.orderedCacheBehaviors ?? []), ...(d.defaultCacheBehavior ? [d.defaultCacheBehavior] : [])];
    const refs = behaviours.flatMap((b) => (b.functionAssociations ?? []).map((a) => a.functionArn)).filter((a): a is string => typeof a === "string");
    return new Set(refs.flatMap((arn) => [arn, arn.split("/").pop()!]));
}

/** `base` with `props` instead of its own: what a policy reads, the rest (methods, URN, options) unchanged. */
function withProps<T extends { props: Record<string, any> }>(base: T, props: Record<string, any>): T {
    return Object.assign(Object.create(base) as T, { props });
}

/** What a resource policy sees of a resource: all of it, its vendor part, or nothing. */
function resourceView(args: ResourceValidationArgs): ResourceValidationArgs | undefined {
    if (isProxies(args.urn)) return args;
    if (args.isType(aws.cloudfront.Distribution)) {
        const part = vendorPartOf(args.props as DistributionProps);
        return part ? withProps(args, part) : undefined;
    }
    if (args.isType(aws.cloudfront.Function) && sharedFunctionName.test(args.name)) return args;
    return undefined;
}

/** What a stack policy sees of the stack: the proxies' resources, and the vendor part of the user's distributions. */
function stackView(args: StackValidationArgs): StackValidationArgs {
    if (args.resources.length === 0 || args.resources.every((r) => isProxies(r.urn))) return args;
    const resources: PolicyResource[] = [];
    const runByVendors = new Set<string>();
    for (const r of args.resources) {
        if (isProxies(r.urn)) {
            resources.push(r);
            if (r.isType(aws.cloudfront.Distribution)) functionsRunBy(r.props).forEach((f) => runByVendors.add(f));
        } else if (r.isType(aws.cloudfront.Distribution)) {
            const part = vendorPartOf(r.props);
            if (!part) continue;
            resources.push(withProps(r, part));
            functionsRunBy(part).forEach((f) => runByVendors.add(f));
        }
    }
    for (const r of args.resources) {
        if (isProxies(r.urn) || !r.isType(aws.cloudfront.Function)) continue;
        const known = [r.props.arn, r.props.name].filter((v): v is string => typeof v === "string");
        if (sharedFunctionName.test(r.name) || known.some((k) => runByVendors.has(k))) resources.push(r);
    }
    return Object.assign(Object.create(args) as StackValidationArgs, { resources });
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** `policy`, looking only at the proxies' resources in a user's project (see the top of this file). */
export function scopedToProxies(policy: Policies[number]): Policies[number] {
    if (isStackPolicy(policy)) {
        const validateStack = policy.validateStack;
        return { ...policy, validateStack: (args, report) => validateStack(stackView(args), report) };
    }
    const resourcePolicy = policy as ResourceValidationPolicy;
    const original = resourcePolicy.validateResource;
    if (original === undefined) return policy;
    const scoped = Array.isArray(original) ? original.map(scopedValidation) : scopedValidation(original);
    return { ...resourcePolicy, validateResource: scoped };
}

type ResourceValidation = Extract<ResourceValidationPolicy["validateResource"], (...args: never[]) => unknown>;

function scopedValidation(validate: ResourceValidation): ResourceValidation {
    const scoped: ResourceValidation = (args, report) => {
        const view = resourceView(args);
        return view === undefined ? undefined : validate(view, report);
    };
    // The type filter the engine reads from validateResourceOfType's function, kept.
    const onlyType = (validate as { __pulumiType?: string }).__pulumiType;
    return onlyType === undefined ? scoped : Object.assign(scoped, { __pulumiType: onlyType });
}
