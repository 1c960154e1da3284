import { cloudflareProxyKind } from "../cloudflare/builder";
import { StackConfig } from "../config/schema";
import { ProxySpec } from "../model/types";

/*
 * The DNS records the proxies create in the stack's zone, counted from the plan's specs as the proxies' components
 * create them (components/dns/record.ts): a zone holds a limited number of records, and the stack's count against it
 * with what the zone already holds (`quotas.<id>.used`).
 */

/** Records created for the proxies, or undefined with manual DNS (the user creates them). */
export function plannedDnsRecords(config: StackConfig, proxies: readonly ProxySpec[]): number | undefined {
    const dns = config.dns.provider;
    if (dns === "manual") return undefined;
    return proxies.reduce((n, p) => n + hostnameRecords(config, p) + extraRecords(dns, p), 0);
}

/** A Route 53 NS record holds every name server; Cloudflare keeps one record per value. */
function extraRecords(dns: "route53" | "cloudflare", proxy: ProxySpec): number {
    return proxy.extraDnsRecords.reduce((n, r) => n + (dns === "cloudflare" && r.type === "NS" ? r.values.length : 1), 0);
}

function hostnameRecords(config: StackConfig, proxy: ProxySpec): number {
    if (proxy.sites.length === 0) return 0;
    if (config.provider === "aws") {
        // The hostname (Route 53: alias A and AAAA; elsewhere a CNAME) and its certificate's validation CNAME.
        return proxy.sites.length * ((config.dns.provider === "route53" ? 2 : 1) + 1);
    }
    switch (cloudflareProxyKind(proxy, config.cloudflare!.mode)) {
        case "googleTagGateway":
            // The zone's setting serves the gateway on hostnames the zone already has.
            return 0;
        case "worker":
            // A shared host is the user's own site: its record is theirs.
            return proxy.sharedHost ? 0 : proxy.sites.length;
        case "pageRule":
        case "dns":
            return proxy.sites.length;
    }
}
