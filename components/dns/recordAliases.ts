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
): pulumi.Output<string>[] {
    return proxyComponentTypes.flatMap((type) => {
        const names = new Set([name, ...(formerNames[type] ?? [])]);
        if (type === owner.type) names.delete(name);
        if (names.size === 0) return [];
        const parent = pulumi.createUrn(owner.name, type, owner.parent);
        return [...names].map((n) => pulumi.createUrn(n, resourceType, parent));
    });
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
