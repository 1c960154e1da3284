import { SdkSettings, VendorRegion } from "./types";

const https = (host: string) => `https://${host}`;

/** Segment: the snippet's script URL, `cdnURL` for the npm package, and `integrations['Segment.io'].apiHost`. */
export function segmentSdk(cdnHost: string, apiHost: string): SdkSettings {
    return {
        vendor: "segment",
        snippetSrc: `${https(cdnHost)}/analytics.js/v1/<WRITE_KEY>/analytics.min.js`,
        cdnURL: https(cdnHost),
        apiHost: `${apiHost}/v1`,
    };
}

export function posthogSdk(host: string, region: VendorRegion): SdkSettings {
    return { vendor: "posthog", api_host: https(host), ui_host: `https://${region}.posthog.com` };
}

export function amplitudeSdk(host: string): SdkSettings {
    return {
        vendor: "amplitude",
        trackServerUrl: `${https(host)}/sessions/v2/track`,
        configServerUrl: `${https(host)}/config`,
        cspConnectSrc: https(host),
    };
}

export function vtexSdk(host: string): SdkSettings {
    return { vendor: "vtex", storeUrl: https(host) };
}

/** The code users paste, as text, for the stack outputs and the README. */
export function sdkSnippet(sdk: SdkSettings): string {
    switch (sdk.vendor) {
        case "segment":
            if (!sdk.cdnURL) return "Use the snippet Segment generates once it has verified the delegated subdomain.";
            return [
                `// Snippet: t.src="${sdk.snippetSrc}"`,
                `AnalyticsBrowser.load(`,
                `  { writeKey: "<WRITE_KEY>", cdnURL: "${sdk.cdnURL}" },`,
                `  { integrations: { "Segment.io": { apiHost: "${sdk.apiHost}", protocol: "https" } } },`,
                `)`,
            ].join("\n");
        case "posthog":
            return `posthog.init("<ph_project_token>", { api_host: "${sdk.api_host}", ui_host: "${sdk.ui_host}" })`;
        case "amplitude":
            return [
                `sessionReplayPlugin({`,
                `  trackServerUrl: "${sdk.trackServerUrl}",`,
                `  configServerUrl: "${sdk.configServerUrl}",`,
                `})`,
                `// Content-Security-Policy: connect-src 'self' ${sdk.cspConnectSrc}`,
            ].join("\n");
        case "vtex":
            return `Store served at ${sdk.storeUrl}; no SDK change.`;
    }
}
