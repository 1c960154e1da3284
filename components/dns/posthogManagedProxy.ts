import * as pulumi from "@pulumi/pulumi";
import { ProxySpec } from "../model/types";
import { VendorManagedDomain, VendorManagedDomainArgs } from "./vendorManagedDomain";

export type PostHogManagedProxyArgs = VendorManagedDomainArgs;

/**
 * PostHog's managed reverse proxy (PostHog's "Deploy a reverse proxy" guide, https://posthog.com/docs/advanced/proxy):
 * PostHog runs the edge and issues the certificate, so only the DNS-only CNAME it asks for is created, whichever
 * CDN the stack uses.
 */
export class PostHogManagedProxy extends VendorManagedDomain {
    constructor(name: string, args: PostHogManagedProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("first-party-proxy:dns:PostHogManagedProxy", name, args, shapeProblem(args.proxy), opts);
    }
}

function shapeProblem(proxy: ProxySpec): string | undefined {
    if (proxy.vendor !== "posthog" || proxy.sites.length > 0) return "a PostHog managed proxy is a PostHog proxy with no CDN sites";
    if (proxy.extraDnsRecords.length !== 1 || proxy.extraDnsRecords[0].type !== "CNAME") {
        return "a PostHog managed proxy is one CNAME to the target PostHog generated";
    }
    return undefined;
}
