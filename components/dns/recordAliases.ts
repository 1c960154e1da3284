import * as pulumi from "@pulumi/pulumi";

/**
 * The components that can own a proxy's DNS records. Whichever CDN serves a proxy, its component has the proxy's
 * name (proxy names never depend on the CDN): switching CDN changes only the owner's type.
 */
export const proxyComponentTypes = [
    "first-party-proxy:aws:CloudFrontProxy",
    "first-party-proxy:cloudflare:WorkerProxy",
    "first-party-proxy:cloudflare:PageRuleProxy",
    "first-party-proxy:cloudflare:CnameProxy",
] as const;

export type ProxyComponentType = (typeof proxyComponentTypes)[number];

/** The proxy component creating a record. */
export interface RecordOwner {
    readonly type: ProxyComponentType;
    /** The proxy's name, which is the component's name. */
    readonly name: string;
    /** The component's parent, when it has one (the stack otherwise). */
    readonly parent?: pulumi.Resource;
}

/** Names earlier versions of this program gave a record, per owner type. */
export type FormerNames = Partial<Record<ProxyComponentType, readonly string[]>>;

/**
 * The aliases that keep a record one resource whichever proxy component owns it: the URN of a `resourceType` named
 * `name` under each other proxy component type, plus each former name under its owner type. With them, switching
 * CDN (or upgrading from a version that named the record differently) updates the record in place — Pulumi would
 * otherwise create the new record before deleting the old one, and a DNS provider refuses a second CNAME (or an
 * identical TXT) for a name. An alias nothing in the stack's state matches is ignored.
 */
export function recordAliases(
    owner: RecordOwner,
    resourceType: string,
    name: string,
    formerNames: FormerNames = {},
): pulumi.Input<string>[] {
    const aliases = ownerTypesOf(resourceType).flatMap((type) => {
        const names = new Set([name, ...(formerNames[type] ?? [])]);
        if (type === owner.type) names.delete(name);
        return [...names].map((n) => ({ type, name: n }));
    });
    // The URNs pulumi.createUrn would give, written out as text: a stack of hundreds of proxies registers thousands of
    // records, and createUrn's two Output chains per alias were a third of the offline plan's memory. At the stack's
    // root the URNs are plain strings; under a parent, each waits only for the parent's URN.
    const under = (parentUrn: string) => aliases.map((a) => childUrn(childUrn(parentUrn, a.type, owner.name), resourceType, a.name));
    const parent = owner.parent;
    if (!parent) return under(rootUrn());
    return aliases.map((_, i) => parent.urn.apply((urn) => under(urn)[i]));
}

/**
 * The proxy components that can own a record of `resourceType`. A Route 53 record only ever belongs to a
 * CloudFrontProxy: provider cloudflare has required dns.provider cloudflare since the first version, and the Cloudflare
 * components take only a Cloudflare zone. Aliases under the other types could never match a resource in a stack's
 * state, and each one costs the plan a chain of Outputs per record.
 */
function ownerTypesOf(resourceType: string): readonly ProxyComponentType[] {
    return resourceType === route53RecordType ? ["first-party-proxy:aws:CloudFrontProxy"] : proxyComponentTypes;
}

/** The resource type Route 53 records are registered as. */
export const route53RecordType = "aws:route53/record:Record";

/** The URN of the program's stack resource: a stand-in parent for what sits at the stack's root. */
const rootUrn = () => `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::pulumi:pulumi:Stack::${pulumi.getProject()}-${pulumi.getStack()}`;

/**
 * The URN of a resource of `type` named `name` under the resource whose URN is `parentUrn`, as the engine and
 * pulumi.createUrn write it: the parent's type chain, then `$type` (a child of the stack has its type alone).
 */
export function childUrn(parentUrn: string, type: string, name: string): string {
    const head = parentUrn.substring(0, parentUrn.lastIndexOf("::"));
    const chainStart = head.lastIndexOf("::") + 2;
    const chain = head.substring(chainStart);
    const qualified = chain === "pulumi:pulumi:Stack" ? type : `${chain}$${type}`;
    return `${head.substring(0, chainStart)}${qualified}::${name}`;
}

/** The resource name of a site's own record (its hostname, pointed at the CDN): the same under every proxy component. */
export const hostnameRecordName = (siteName: string): string => `${siteName}-hostname`;

/**
 * What earlier versions named a site's own record: `-alias` on CloudFront, `-cname` for the proxied CNAMEs of page
 * rules and VTEX. (Workers had a Workers Custom Domain instead, a resource of another type that no alias can carry.)
 */
export function formerHostnameRecordNames(siteName: string): FormerNames {
    return {
        "first-party-proxy:aws:CloudFrontProxy": [`${siteName}-alias`],
        "first-party-proxy:cloudflare:PageRuleProxy": [`${siteName}-cname`],
        "first-party-proxy:cloudflare:CnameProxy": [`${siteName}-cname`],
    };
}
