import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { DnsZone } from "../dns/zone";
import { ProxySpec } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";

export interface GoogleTagGatewayProxyArgs {
    /** A Google tag gateway proxy (`vendor: google`), with its zone setting. */
    readonly proxy: ProxySpec;
    /** The Cloudflare zone the proxy's hostname is in. */
    readonly zone: Extract<DnsZone, { provider: "cloudflare" }>;
}

const componentType = "first-party-proxy:cloudflare:GoogleTagGatewayProxy";

/** What the zone's gateway setting sends Google of the visitor's address: all of it, or none (hideOriginalIp). */
export function hideOriginalIp(proxy: ProxySpec): boolean {
    switch (proxy.clientIp) {
        case "forward":
            return false;
        case "drop":
            return true;
        case "anonymize":
            throw new Error(
                `${proxy.name}: clientIp: anonymize cannot be honoured by Cloudflare's Google tag gateway: its zone setting hides the visitor's address (clientIp: drop) or sends it, it cannot shorten it; use forward or drop`,
            );
    }
}

/**
 * Google tag gateway on Cloudflare: the zone's own setting (Cloudflare's "Google tag gateway", one per zone), which
 * serves the endpoint path on every proxied hostname of the zone and sends Google the visitor's location itself. No
 * Worker, route or record: the hostname is the website's, already proxied in the zone. A zone holds one setting, so
 * a stack refuses a second gateway in the same zone before anything is registered (stackRules.ts).
 */
export class GoogleTagGatewayProxy extends pulumi.ComponentResource {
    public readonly setting: cloudflare.GoogleTagGateway;
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    constructor(name: string, args: GoogleTagGatewayProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        const { proxy, zone } = args;
        const gateway = proxy.googleTagGateway;
        // Refused before the component registers, like every setting a CDN cannot honour.
        if (proxy.vendor !== "google" || gateway === undefined) throw new Error(`${name}: a GoogleTagGatewayProxy serves a Google tag gateway proxy (vendor google), got ${proxy.vendor}`);
        const hideIp = hideOriginalIp(proxy);
        super(componentType, name, {}, opts);

        this.setting = new cloudflare.GoogleTagGateway(
            `${name}-google-tag-gateway`,
            {
                zoneId: zone.zoneId,
                enabled: true,
                endpoint: gateway.endpoint,
                measurementId: gateway.measurementId,
                hideOriginalIp: hideIp,
                setUpTag: gateway.setUpTag,
            },
            { parent: this },
        );
        const hostnames = proxy.sites.map((s) => s.hostname).join(", ");
        this.outputs = proxyOutputs(proxy, "cloudflare-google-tag-gateway", [], [], [
            `Cloudflare's Google tag gateway is a zone setting: it serves ${gateway.endpoint}/* on every proxied hostname of the zone, ${hostnames} included, which must be proxied (orange cloud) for it to work.`,
            ...(gateway.setUpTag ? ["setUpTag: Cloudflare adds the Google tag to the zone's HTML pages itself; remove your own copy of the snippet so the tag is not loaded twice."] : []),
        ]);
        this.registerOutputs({ outputs: this.outputs });
    }
}
