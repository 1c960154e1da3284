import { buildProxySpec } from "../../../components/model/proxySpec";
import { ClientIpMode, Site, VendorId, VendorRegion } from "../../../components/model/types";
import { vtex } from "../../../components/vendors";

/** The site with `role` (default: the layout's first) of a vendor's preset, as a config entry would expand it. */
export function vendorSite(vendor: VendorId, region: VendorRegion, hostname: string, layout = "single", role?: string): Site {
    const spec = buildProxySpec({
        kind: "cdn",
        name: "test",
        vendor,
        region,
        layout,
        // Every role gets the same hostname; only the chosen site is used.
        hostnames: { main: hostname, cdn: hostname, api: hostname, store: hostname },
    });
    const site = role ? spec.sites.find((s) => s.role === role) : spec.sites[0];
    if (!site) throw new Error(`${vendor} ${layout} has no site "${role}"`);
    return site;
}

/**
 * VTEX's route table (ACME challenge over plain HTTP, everything else to the store) with origins that take their
 * own Host, so a Worker can serve it: the one cookie-forwarding site the Worker tests have. VTEX itself is
 * deployed on Cloudflare as proxied DNS, because it needs the viewer's Host.
 */
export function cookieForwardingSite(hostname: string): Site {
    const template = vtex.layouts.single[0];
    const originDomain = `${hostname}.cdn.vtex.com`;
    return {
        role: template.role,
        hostname,
        origins: Object.entries(vtex.origins).map(([id, origin]) => ({ id, domain: originDomain, ...origin, host: "origin", clientIp: "forward" })),
        routes: template.routes,
    };
}

/** A vendor's single-host site with `clientIp` set, as a config entry with that key would expand it. */
export function vendorSiteWithClientIp(vendor: VendorId, region: VendorRegion, hostname: string, clientIp: ClientIpMode): Site {
    const spec = buildProxySpec({ kind: "cdn", name: "test", vendor, region, layout: "single", hostnames: { main: hostname }, clientIp });
    return spec.sites[0];
}
