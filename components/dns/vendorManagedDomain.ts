import * as pulumi from "@pulumi/pulumi";
import { ProxySpec } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { createExtraDnsRecords } from "./record";
import { DnsZone } from "./zone";

export interface VendorManagedDomainArgs {
    /** A proxy spec with no sites: only the DNS records the vendor asked for. */
    readonly proxy: ProxySpec;
    readonly zone: DnsZone;
}

/**
 * A domain whose edge the vendor runs (and whose certificate it issues): only the DNS records it asks for are
 * created, DNS-only, whichever CDN the stack uses. `shapeProblem` says why a spec is not this vendor's shape.
 */
export abstract class VendorManagedDomain extends pulumi.ComponentResource {
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    protected constructor(type: string, name: string, args: VendorManagedDomainArgs, shapeProblem: string | undefined, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        if (shapeProblem !== undefined) throw new Error(`${name}: ${shapeProblem}`);
        const records = createExtraDnsRecords(args.zone, name, args.proxy.extraDnsRecords, { parent: this });
        this.outputs = proxyOutputs(args.proxy, "dns-only", records, []);
        this.registerOutputs({ outputs: this.outputs });
    }
}
