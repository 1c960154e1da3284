import * as pulumi from "@pulumi/pulumi";
import { VendorManagedDomain, VendorManagedDomainArgs } from "./vendorManagedDomain";

/** A Segment proxy spec with no sites: the NS (delegation) or CNAME records Segment asked for. */
export type SegmentCustomDomainArgs = VendorManagedDomainArgs;

/**
 * Segment's managed Custom Domain (Segment's Managed Custom Domain guide): Segment runs the endpoints, so only the DNS records it asks for
 * are created, whichever CDN the stack uses.
 */
export class SegmentCustomDomain extends VendorManagedDomain {
    constructor(name: string, args: SegmentCustomDomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("first-party-proxy:dns:SegmentCustomDomain", name, args, args.proxy.sites.length > 0 ? "a Segment Custom Domain has no CDN sites" : undefined, opts);
    }
}
