import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const dnsZonesLookedUpOnly: ResourceValidationPolicy = {
    name: "dns-zones-looked-up-only",
    description:
        "DNS zones are looked up, never created or managed by a proxy stack: a zone resource here would be deleted (with every record in it) when the stack is.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(aws.route53.Zone, (z, args, reportViolation) => {
            reportViolation(`Route 53 hosted zone ${z.name} (${args.name}) is a resource of this stack: look the zone up (dns.zone or dns.zoneId) instead.`);
        }),
        validateResourceOfType(cloudflare.Zone, (z, args, reportViolation) => {
            reportViolation(`Cloudflare zone ${z.name} (${args.name}) is a resource of this stack: look the zone up (dns.zone or dns.zoneId) instead.`);
        }),
    ],
};

export const dnsCloudfrontTargetNotProxied: ResourceValidationPolicy = {
    name: "dns-cloudfront-target-not-proxied",
    description:
        "A Cloudflare record pointing at a CloudFront distribution is DNS-only: CloudFront terminates TLS for the hostname, and Cloudflare's proxy in front of it would break its certificate.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(cloudflare.DnsRecord, (r, _, reportViolation) => {
        const target = String(r.content ?? "").replace(/\.$/, "");
        if (r.proxied === true && target.endsWith(".cloudfront.net")) {
            reportViolation(`record ${r.name} points at CloudFront (${target}) through Cloudflare's proxy: set proxied false (DNS only).`);
        }
    }),
};
