import * as pulumi from "@pulumi/pulumi";
import { ProxySpec } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { createExtraDnsRecords } from "./record";
import { DnsZone } from "./zone";

export interface PostHogManagedProxyArgs {
    /** A PostHog proxy spec with no sites: the one CNAME to the target PostHog generated. */
    readonly proxy: ProxySpec;
    readonly zone: DnsZone;
}

/**
 * PostHog's managed reverse proxy (PostHog's "Deploy a reverse proxy" guide, https://posthog.com/docs/advanced/proxy):
 * PostHog runs the edge and issues the certificate, so only the DNS-only CNAME it asks for is created, whichever
 * CDN the stack uses.
 */
export class PostHogManagedProxy extends pulumi.ComponentResource {
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    constructor(name: string, args: PostHogManagedProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("first-party-proxy:dns:PostHogManagedProxy", name, {}, opts);
        const { proxy } = args;
        if (proxy.vendor !== "posthog" || proxy.sites.length > 0) throw new Error(`${name}: a PostHog managed proxy is a PostHog proxy with no CDN sites`);
        if (proxy.extraDnsRecords.length !== 1 || proxy.extraDnsRecords[0].type !== "CNAME") {
            throw new Error(`${name}: a PostHog managed proxy is one CNAME to the target PostHog generated`);
        }
        const records = createExtraDnsRecords(args.zone, name, proxy.extraDnsRecords, { parent: this });
        this.outputs = proxyOutputs(proxy, "dns-only", records, []);
        this.registerOutputs({ outputs: this.outputs });
    }
}
