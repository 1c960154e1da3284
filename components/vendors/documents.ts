/**
 * The vendors' public documents this project follows, by title and URL. Presets name theirs in `source`; verify's
 * fixes and the README cite them by these titles.
 */
export interface VendorDocument {
    readonly title: string;
    readonly url: string;
}

export const vendorDocuments = {
    segmentCustomProxy: {
        title: "Segment: Self-Managed Custom Proxy",
        url: "https://www.twilio.com/docs/segment/connections/sources/catalog/libraries/website/javascript/custom-proxy",
    },
    segmentCustomDomain: {
        title: "Segment: Segment-Managed Custom Domain",
        url: "https://www.twilio.com/docs/segment/connections/sources/custom-domain",
    },
    posthogCloudFront: {
        title: "PostHog: AWS CloudFront reverse proxy",
        url: "https://posthog.com/docs/advanced/proxy/cloudfront",
    },
    amplitudeSelfHosting: {
        title: "Amplitude: Self-Host Session Replay SDKs",
        url: "https://amplitude.com/docs/session-replay/session-replay-self-hosting",
    },
    amplitudeAnalyticsProxy: {
        title: "Amplitude: Proxy Analytics SDK requests",
        url: "https://amplitude.com/docs/sdks/analytics/proxy-requests",
    },
    amplitudeRemoteConfigProxy: {
        title: "Amplitude: Browser SDK 2, Proxy remote config requests",
        url: "https://amplitude.com/docs/sdks/analytics/browser/browser-sdk-2#proxy-remote-config-requests",
    },
    vtexReverseProxy: {
        title: "VTEX: Insert reverse proxy in front of VTEX services",
        url: "https://help.vtex.com/en/docs/tutorials/insert-reverse-proxy-in-front-of-vtex-services",
    },
    mixpanelTrackingProxy: {
        title: "Mixpanel: tracking-proxy (nginx configuration for Tracking via Proxy)",
        url: "https://github.com/mixpanel/tracking-proxy",
    },
    plausibleCloudFront: {
        title: "Plausible: Proxying Plausible through CloudFront",
        url: "https://plausible.io/docs/proxy/guides/cloudfront",
    },
    googleTagGatewaySetup: {
        title: "Google: Set up Google tag gateway for advertisers (manual setup with a CDN or load balancer)",
        url: "https://developers.google.com/tag-platform/tag-manager/gateway/setup-guide?setup=manual",
    },
    cloudflareGoogleTagGateway: {
        title: "Cloudflare: Google tag gateway (zone setting, API: Google Tag Gateway configuration)",
        url: "https://developers.cloudflare.com/api/resources/google_tag_gateway/",
    },
    datadogProxy: {
        title: "Datadog: Proxy Your Browser RUM Data",
        url: "https://docs.datadoghq.com/real_user_monitoring/guide/proxy-rum-data/",
    },
    cloudFrontPathPatterns: {
        title: "AWS: CloudFront cache behavior path patterns (the semantics of a custom vendor's routes)",
        url: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern",
    },
} as const satisfies Record<string, VendorDocument>;
