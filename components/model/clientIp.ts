import { ProxySpec } from "./types";

/**
 * Why each CDN mode cannot keep the viewer's address from the vendor, where it cannot. Only the Cloudflare Worker
 * builds every upstream request itself (edge/headers.ts), so only it honours `anonymize` and `drop`.
 */
export const clientIpLimits = {
    aws:
        "CloudFront itself adds the viewer's address to the X-Forwarded-For header of every request it sends a custom origin " +
        "(appended after anything a viewer-request function or an origin request policy sets, and no policy can leave it out), " +
        "so the full address leaves the edge whatever this stack configures",
    pageRule:
        "Cloudflare sends CF-Connecting-IP and X-Forwarded-For with every proxied request; a page rule cannot change them, and the " +
        "Managed Transform \"Remove visitor IP headers\" removes them for every hostname of the zone (your own site too) and cannot truncate them",
} as const;

/** Where a CDN mode cannot honour a proxy's `clientIp`. */
export type ClientIpLimitedCdn = keyof typeof clientIpLimits;

/**
 * Throws when `proxy` asks the CDN to keep back what it sends anyway. The config is refused the same way before any
 * resource exists (stackRules.ts); this guards components built from a spec directly.
 */
export function requireClientIpHonoured(name: string, proxy: ProxySpec, cdn: ClientIpLimitedCdn): void {
    if (proxy.clientIp === "forward") return;
    const fix = cdn === "aws" ? "use clientIp: forward, or a Cloudflare Worker" : "use cloudflare.mode worker";
    throw new Error(`${name}: clientIp: ${proxy.clientIp} cannot be honoured: ${clientIpLimits[cdn]}; ${fix}`);
}

/** What the outputs say about a proxy that does not send the full address. */
export function clientIpNotes(proxy: Pick<ProxySpec, "clientIp">): string[] {
    switch (proxy.clientIp) {
        case "forward":
            return [];
        case "anonymize":
            return ["clientIp: anonymize: the vendor receives only the viewer's /24 (IPv4) or /48 (IPv6) network in X-Forwarded-For, so its geolocation is at that precision."];
        case "drop":
            return ["clientIp: drop: no viewer address is sent; the vendor geolocates its own connection (the proxy's edge), so location properties describe the edge, not the viewer."];
    }
}
