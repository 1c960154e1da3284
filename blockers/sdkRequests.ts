/*
 * The requests each vendor's SDK makes first, as URLs built from its settings (the `sdk` output of a proxy, or the
 * vendor's own hostnames). The real-SDK run (blockers/browser.ts) records what the SDKs actually request; this list is
 * the part of it that `npm test` checks without a browser, each path as the SDK appends it to its setting:
 * - Segment analytics.js: the snippet's script, `<cdnURL>/v1/projects/<key>/settings`, events to `https://<apiHost>/t`.
 * - PostHog posthog-js: the snippet's `<api_host>/static/array.js` (or `snippetSrc`), `<api_host>/flags/?v=2`,
 *   events to `<api_host>/e/`, recordings to `<api_host>/s/`.
 * - Datadog RUM: events to `/api/v2/rum`, Session Replay segments to `/api/v2/replay`, through `proxy` with ddforward.
 * - Mixpanel: the snippet's library at `libUrl`, `<api_host>/decide`, events to `<api_host>/track/`, profiles to
 *   `<api_host>/engage/`.
 * - Plausible: the script tag's `scriptSrc` (and its extensions), events to `apiEndpoint` (the npm tracker's `endpoint`).
 * - Amplitude: the Browser SDK's remote config at `<remoteConfigServerUrl>/<key>`, events to `serverUrl` (or
 *   `batchServerUrl`); the Session Replay plugin's config at `configServerUrl`, recordings to `trackServerUrl`.
 * - Google tag gateway: the loader at `scriptSrc`, hits to `<measurement path>/g/collect?v=2` (GA4's path, served by
 *   Google under the measurement path).
 */
import { SdkSettings, VendorRegion } from "../components/model/types";
import { vendorPresets } from "../components/vendors";
import { DatadogSite, datadogIntakeHosts, defaultDatadogSite } from "../components/vendors/datadog";
import { RequestType } from "./engine";

export interface SdkRequest {
    /** What the request is for, in the report's words. */
    readonly what: string;
    readonly url: string;
    readonly type: RequestType;
}

/** Stand-ins for the keys users paste. */
export const keys = { segment: "wk_demo0123456789", posthog: "phc_demo0123456789", amplitude: "amp_demo0123456789", datadog: "pubdemo0123456789abcdef0123456789ab", mixpanel: "0123456789abcdef0123456789abcdef" } as const;

export function sdkRequests(sdk: SdkSettings): SdkRequest[] {
    switch (sdk.vendor) {
        case "segment": {
            const { snippetSrc, cdnURL, apiHost } = sdk;
            if (!snippetSrc || !cdnURL || !apiHost) return [];
            return [
                { what: "analytics.js", url: snippetSrc.replace("<WRITE_KEY>", keys.segment), type: "script" },
                { what: "settings", url: `${cdnURL}/v1/projects/${keys.segment}/settings`, type: "xmlhttprequest" },
                { what: "event", url: `https://${apiHost}/t`, type: "xmlhttprequest" },
            ];
        }
        case "posthog": {
            const snippetSrc = (sdk as { snippetSrc?: string }).snippetSrc ?? `${sdk.api_host}/static/array.js`;
            return [
                { what: "array.js", url: snippetSrc, type: "script" },
                { what: "flags", url: `${sdk.api_host}/flags/?v=2&config=true`, type: "xmlhttprequest" },
                { what: "event", url: `${sdk.api_host}/e/`, type: "xmlhttprequest" },
                { what: "recording", url: `${sdk.api_host}/s/`, type: "xmlhttprequest" },
            ];
        }
        case "amplitude":
            return [
                ...(sdk.serverUrl
                    ? [
                          { what: "remote config", url: `${sdk.remoteConfigServerUrl}/${keys.amplitude}?config_group=browser`, type: "xmlhttprequest" as const },
                          { what: "event", url: sdk.serverUrl, type: "xmlhttprequest" as const },
                          { what: "batch", url: sdk.batchServerUrl!, type: "xmlhttprequest" as const },
                      ]
                    : []),
                ...(sdk.trackServerUrl
                    ? [
                          { what: "replay config", url: sdk.configServerUrl!, type: "xmlhttprequest" as const },
                          { what: "recording", url: sdk.trackServerUrl, type: "xmlhttprequest" as const },
                      ]
                    : []),
            ];
        case "vtex":
        case "custom":
            // No SDK of ours: a store's pages, or a vendor whose SDK the user configures.
            return [];
        case "mixpanel":
            return [
                { what: "library", url: sdk.libUrl, type: "script" },
                { what: "decide", url: `${sdk.api_host}/decide?verbose=1&version=1&lib=web`, type: "xmlhttprequest" },
                { what: "event", url: `${sdk.api_host}/track/?verbose=1&ip=1`, type: "xmlhttprequest" },
                { what: "profile", url: `${sdk.api_host}/engage/?verbose=1&ip=1`, type: "xmlhttprequest" },
            ];
        case "datadog": {
            // With `proxy`, every request is a POST to it with the intake path and parameters in ddforward; without
            // (the anchor: empty proxy), straight to the site's intake.
            const intake = (track: string) => `/api/v2/${track}?ddsource=browser&dd-api-key=${keys.datadog}&dd-evp-origin-version=7.16.2&dd-evp-origin=browser&dd-request-id=00000000-0000-4000-8000-000000000000`;
            const url = (track: string) => (sdk.proxy ? `${sdk.proxy}?ddforward=${encodeURIComponent(intake(track))}` : `https://${datadogIntakeHosts[sdk.site as DatadogSite]}${intake(track)}`);
            return [
                { what: "event", url: url("rum"), type: "xmlhttprequest" },
                { what: "recording", url: url("replay"), type: "xmlhttprequest" },
            ];
        }
        case "plausible":
            return [
                { what: "script", url: sdk.scriptSrc, type: "script" },
                { what: "script with extensions", url: sdk.scriptSrc.replace(/\.js$/, ".outbound-links.tagged-events.js"), type: "script" },
                { what: "event", url: sdk.apiEndpoint, type: "xmlhttprequest" },
            ];
        case "google": {
            const base = sdk.scriptSrc.slice(0, sdk.scriptSrc.indexOf("?"));
            return [
                { what: "loader", url: sdk.scriptSrc, type: "script" },
                { what: "hit", url: `${base}g/collect?v=2&tid=${sdk.tagId}&en=page_view`, type: "ping" },
            ];
        }
    }
}

export type AnchorVendor = "segment" | "posthog" | "amplitude" | "datadog" | "mixpanel" | "plausible";

/**
 * The SDK settings that point at the vendor's own hostnames (what the SDKs use when no proxy is configured), from the
 * presets' endpoints: the anchor every proxy is compared with.
 */
export function vendorHostSdk(vendor: AnchorVendor, region: VendorRegion = "us"): SdkSettings {
    const e = vendorPresets[vendor].endpoints[region]!;
    switch (vendor) {
        case "segment":
            return {
                vendor,
                snippetSrc: `https://${e.cdn}/analytics.js/v1/<WRITE_KEY>/analytics.min.js`,
                cdnURL: `https://${e.cdn}`,
                apiHost: `${e.api}/v1`,
            };
        case "posthog":
            // PostHog's snippet loads array.js from the assets host of a `<region>.i.posthog.com` api_host.
            return { vendor, api_host: `https://${e.main}`, ui_host: `https://${region}.posthog.com`, snippetSrc: `https://${e.assets}/static/array.js` } as SdkSettings;
        case "amplitude":
            return {
                vendor,
                serverUrl: `https://${e.api}/2/httpapi`,
                batchServerUrl: `https://${e.api}/batch`,
                remoteConfigServerUrl: `https://${e.config}/config`,
                trackServerUrl: `https://${e.track}/sessions/v2/track`,
                configServerUrl: `https://${e.config}/config`,
                cspConnectSrc: `https://${e.api} https://${e.track} https://${e.config}`,
            };
        case "datadog":
            // No proxy: the SDK sends to the intake of its site.
            return { vendor, proxy: "", site: defaultDatadogSite };
        case "mixpanel":
            // The snippet's default library URL and the browser SDK's default api_host.
            return { vendor, libUrl: `https://${e.cdn}/libs/mixpanel-2-latest.min.js`, api_host: `https://${e.api}` };
        case "plausible":
            // The script tag's src and the npm tracker's default endpoint.
            return { vendor, scriptSrc: `https://${e.main}/js/script.js`, apiEndpoint: `https://${e.main}/api/event` };
    }
}
