import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { DnsConfig } from "../config/schema";

/** The DNS zone records go into: looked up, never created. `manual` zones only list records as outputs. */
export type DnsZone =
    | { readonly provider: "route53"; readonly name?: string; readonly zoneId: pulumi.Output<string> }
    | { readonly provider: "cloudflare"; readonly name?: string; readonly zoneId: pulumi.Output<string> }
    | { readonly provider: "manual"; readonly name?: string };

export function lookupZone(dns: DnsConfig): DnsZone {
    switch (dns.provider) {
        case "route53":
            return {
                provider: "route53",
                name: dns.zone,
                zoneId: dns.zoneId
                    ? pulumi.output(dns.zoneId)
                    : aws.route53.getZoneOutput({ name: dns.zone, privateZone: false }).zoneId,
            };
        case "cloudflare":
            return {
                provider: "cloudflare",
                name: dns.zone,
                zoneId: dns.zoneId
                    ? pulumi.output(dns.zoneId)
                    : cloudflare.getZoneOutput({ filter: { name: dns.zone } }).apply((z) => z.zoneId ?? z.id),
            };
        case "manual":
            return { provider: "manual", name: dns.zone };
    }
}
