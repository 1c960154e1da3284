/*
 * What the policies know about the vendors and the CDNs, written out here rather than imported from the program:
 * the pack is a second, independent statement of the contract (the vendors' documents and the CDNs' limits), so a wrong preset fails it.
 * test/policy/facts.test.ts checks that the program's presets and these tables agree.
 */

/** CloudFront's managed policy IDs (the same in every account). */
export const managed = {
    cache: {
        CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    originRequest: {
        AllViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
        AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        CorsCustomOrigin: "59781a5b-3903-41f3-afcb-af62929ccde1",
    },
} as const;

export type Vendor = "segment" | "posthog" | "amplitude" | "vtex" | "mixpanel" | "plausible" | "google" | "datadog" | "custom";

/** Every upstream hostname a vendor documents, per vendor. VTEX's are `<store host>.cdn.vtex.com`, Google's per tag. */
export const vendorHosts: { readonly [v in Exclude<Vendor, "vtex" | "google" | "custom">]: readonly string[] } = {
    segment: ["cdn.segment.com", "api.segment.io", "events.eu1.segmentapis.com"],
    posthog: ["us.i.posthog.com", "eu.i.posthog.com", "us-assets.i.posthog.com", "eu-assets.i.posthog.com"],
    // Session Replay (Self-Host Session Replay SDKs) and the Browser SDK's HTTP V2 and Batch APIs (Proxy Analytics SDK requests).
    amplitude: ["api-sr.amplitude.com", "api-sr.eu.amplitude.com", "sr-client-cfg.amplitude.com", "sr-client-cfg.eu.amplitude.com", "api2.amplitude.com", "api.eu.amplitude.com"],
    // Mixpanel's tracking-proxy and EU Data Residency: the library's CDN and the browser SDK's ingestion API hosts.
    mixpanel: ["cdn.mxpnl.com", "api-js.mixpanel.com", "api-eu.mixpanel.com"],
    // Plausible's CloudFront proxy guide: one origin for the script and the event API.
    plausible: ["plausible.io"],
    // Datadog's Proxy Your Browser RUM Data: the browser intake of each site.
    datadog: [
        "browser-intake-datadoghq.com",
        "browser-intake-us3-datadoghq.com",
        "browser-intake-us5-datadoghq.com",
        "browser-intake-datadoghq.eu",
        "browser-intake-ap1-datadoghq.com",
        "browser-intake-ap2-datadoghq.com",
        "browser-intake-ddog-gov.com",
    ],
};

/** Segment's Tracking API hosts: Cloudflare in front of them needs SSL strict, or CORS preflights fail. */
export const segmentApiHosts: readonly string[] = ["api.segment.io", "events.eu1.segmentapis.com"];

/** VTEX's CDN, which serves a store by the store's own Host. */
export const vtexCdnSuffix = ".cdn.vtex.com";

/** The one path VTEX needs over plain HTTP: its certificate authority's HTTP-01 challenge. */
export const acmeChallengePattern = "/.well-known/acme-challenge/*";
export const acmeChallengePrefix = "/.well-known/acme-challenge/";

/**
 * Google tag gateway's endpoint, one per tag ("Set up Google tag gateway for advertisers"): `<TAG_ID>.fps.goog`, the
 * tag ID a Google tag (G-, GT-, AW-, DC-) or Tag Manager container (GTM-) ID.
 */
export const googleTagGatewayHost = /^(g|gt|aw|dc|gtm)-[a-z0-9]{4,16}\.fps\.goog$/;

/** Which vendor an upstream hostname belongs to, or undefined for one no vendor documents. */
export function vendorOfHost(host: string | undefined): Vendor | undefined {
    if (typeof host !== "string") return undefined;
    const h = host.toLowerCase().replace(/\.$/, "");
    if (h.endsWith(vtexCdnSuffix) && h.length > vtexCdnSuffix.length) return "vtex";
    if (googleTagGatewayHost.test(h)) return "google";
    for (const [vendor, hosts] of Object.entries(vendorHosts) as [Exclude<Vendor, "vtex" | "google" | "custom">, readonly string[]][]) {
        if (hosts.includes(h)) return vendor;
    }
    return undefined;
}

/** Amplitude's hosts, documented or not: replay data must never be cached anywhere on its way. */
export function isAmplitudeHost(host: string | undefined): boolean {
    return typeof host === "string" && (host === "amplitude.com" || host.toLowerCase().endsWith(".amplitude.com"));
}

/** CloudFront viewer TLS policies at least as strict as TLSv1.2_2021 (at least TLSv1.2_2021, SNI). */
export const viewerTlsPolicies: readonly string[] = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

/** CloudFront certificates live in ACM in this region only. */
export const cloudFrontCertificateRegion = "us-east-1";

/** Page rules a zone may hold at most (Enterprise plan). */
export const maxPageRulesPerZone = 125;

/** Cloudflare's "automatic" TTL, the only one a proxied record takes. */
export const cloudflareAutoTtl = 1;

/**
 * Why a custom vendor's origin host may not be fetched by a proxy, or undefined: a custom vendor's hosts are the
 * user's, so the pack holds them to the guardrails instead of a list: a DNS name (no IP literal, no wildcard), not a
 * loopback, private or link-local name, not a name that spells an address (nip.io and the like).
 */
export function customOriginProblem(host: string | undefined): string | undefined {
    if (typeof host !== "string" || host === "") return "no host";
    const h = host.toLowerCase().replace(/\.$/, "");
    if (h.includes("*")) return "a wildcard";
    if (/^[0-9.]+$/.test(h) || h.includes(":") || h.startsWith("[")) return "an IP address";
    if (!h.includes(".")) return "not a fully qualified name";
    const privateNames = ["localhost", "local", "internal", "home.arpa", "test", "invalid", "onion", "lan", "home", "corp", "intranet", "private", "localdomain", "in-addr.arpa", "ip6.arpa"];
    const suffix = privateNames.find((s) => h === s || h.endsWith(`.${s}`));
    if (suffix) return `a private, loopback or link-local name (.${suffix})`;
    if (["nip.io", "sslip.io", "xip.io", "localtest.me", "lvh.me"].some((s) => h === s || h.endsWith(`.${s}`))) return "a name that resolves to the address it spells";
    if (/(^|[.-])\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3}([.-]|$)/.test(h)) return "a name with an IP address in it";
    return undefined;
}
