import * as pulumi from "@pulumi/pulumi";
import { ProxySpec } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { createExtraDnsRecords } from "./record";
import { DnsZone } from "./zone";

export interface SegmentCustomDomainArgs {
    /** A Segment proxy spec with no sites: the NS (delegation) or CNAME records Segment asked for. */
    readonly proxy: ProxySpec;
    readonly zone: DnsZone;
}

/**
 * Segment's managed Custom Domain (Segment's Managed Custom Domain guide): Segment runs the endpoints, so only the DNS records it asks for
 * are created, whichever CDN the stack uses.
 */
export class SegmentCustomDomain extends pulumi.ComponentResource {
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    constructor(name: string, args: SegmentCustomDomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("first-party-proxy:dns:SegmentCustomDomain", name, {}, opts);
        if (args.proxy.sites.length > 0) throw new Error(`${name}: a Segment Custom Domain has no CDN sites`);
        const records = createExtraDnsRecords(args.zone, name, args.proxy.extraDnsRecords, { parent: this });
        this.outputs = proxyOutputs(args.proxy, "dns-only", records, []);
        this.registerOutputs({ outputs: this.outputs });
    }
}
