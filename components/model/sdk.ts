import { PathPlan, publicBase, PublicRename, publicPathOf } from "./publicPaths";
import { SdkSettings, VendorRegion } from "./types";

/*
 * The SDK settings each vendor's loader takes, built from what the proxy really serves: its hostnames, its path
 * prefix and the public names of renamed paths. The same routes the CDNs are built from decide these URLs.
 */

/**
 * Segment (Analytics.js 2.0, "Self-hosting or proxying Analytics.js",
 * https://www.twilio.com/docs/segment/connections/sources/catalog/libraries/website/javascript/custom-proxy):
 * the snippet's script URL, `cdnURL` (npm; the snippet's `analytics._cdn`) and `integrations['Segment.io'].apiHost`.
 */
export function segmentSdk(cdnHost: string, apiHost: string, paths?: PathPlan, renames: readonly PublicRename[] = []): SdkSettings {
    return {
        vendor: "segment",
        snippetSrc: `https://${cdnHost}${publicPathOf("/analytics.js/v1/", paths, renames)}<WRITE_KEY>/analytics.min.js`,
        cdnURL: publicBase(cdnHost, paths),
        apiHost: `${apiHost}${publicPathOf("/v1", paths, renames)}`,
    };
}

/** PostHog: `api_host` is the proxy (its snippet loads `<api_host>/static/array.js`), `ui_host` the app's region. */
export function posthogSdk(host: string, region: VendorRegion, paths?: PathPlan): SdkSettings {
    return { vendor: "posthog", api_host: publicBase(host, paths), ui_host: `https://${region}.posthog.com` };
}

/**
 * Amplitude: for Session Replay the plugin's upload and remote config URLs; for Analytics the Browser SDK's
 * `serverUrl` (HTTP V2 API, or the Batch API with `useBatch`), `remoteConfig.serverUrl` and, in the EU, `serverZone`
 * ("Proxy Analytics SDK requests"). One hostname serves them all; `cspConnectSrc` is the origin the page must allow.
 */
export function amplitudeSdk(host: string, paths: PathPlan | undefined, products: { readonly analytics: boolean; readonly sessionReplay: boolean }, region: VendorRegion = "us"): SdkSettings {
    const url = (vendorPath: string) => `https://${host}${publicPathOf(vendorPath, paths, [])}`;
    return {
        vendor: "amplitude",
        ...(products.analytics
            ? { serverUrl: url("/2/httpapi"), batchServerUrl: url("/batch"), remoteConfigServerUrl: url("/config"), ...(region === "eu" ? { serverZone: "EU" as const } : {}) }
            : {}),
        ...(products.sessionReplay ? { trackServerUrl: url("/sessions/v2/track"), configServerUrl: url("/config") } : {}),
        cspConnectSrc: `https://${host}`,
    };
}

/**
 * Mixpanel (its tracking-proxy and "Tracking via Proxy" docs): the snippet loads the library from
 * `MIXPANEL_CUSTOM_LIB_URL`, and `api_host` sends /track, /engage, /groups, /decide and the rest to the proxy.
 */
export function mixpanelSdk(host: string, paths?: PathPlan): SdkSettings {
    return {
        vendor: "mixpanel",
        libUrl: `https://${host}${publicPathOf(mixpanelLibPath, paths, [])}`,
        api_host: publicBase(host, paths),
    };
}

/** The library Mixpanel's snippet loads (`cdn.mxpnl.com/libs/mixpanel-2-latest.min.js`). */
export const mixpanelLibPath = "/libs/mixpanel-2-latest.min.js";

/**
 * Plausible ("Proxying Plausible through CloudFront"): the script's `src` and its `data-api` (the npm tracker's
 * `endpoint`), both through the proxy. Script extensions keep their names after the renamed `script.`.
 */
export function plausibleSdk(host: string, paths?: PathPlan, renames: readonly PublicRename[] = []): SdkSettings {
    return {
        vendor: "plausible",
        scriptSrc: `https://${host}${publicPathOf("/js/script.js", paths, renames)}`,
        apiEndpoint: `https://${host}${publicPathOf("/api/event", paths, renames)}`,
    };
}

/**
 * Google tag gateway ("Set up Google tag gateway for advertisers"): the page loads the Google tag (gtag.js) or the
 * Tag Manager container from the measurement path on its own hostname instead of www.googletagmanager.com.
 */
export function googleSdk(host: string, measurementPath: string, tagId: string): SdkSettings {
    return { vendor: "google", tagId, scriptSrc: `https://${host}${measurementPath}/?id=${tagId}`, measurementPath };
}

/**
 * Datadog ("Proxy Your Browser RUM Data"): `proxy` is the URL every request of the SDK goes to (the intake path in
 * `ddforward`), `site` the one whose intake the proxy forwards to (the SDK still reads it, e.g. for replay links).
 */
export function datadogSdk(host: string, paths: PathPlan | undefined, site: string): SdkSettings {
    return { vendor: "datadog", proxy: `${publicBase(host, paths)}/`, site };
}

export function vtexSdk(host: string): SdkSettings {
    return { vendor: "vtex", storeUrl: `https://${host}` };
}

/** The code users paste, as text, for the stack outputs and the README. */
export function sdkSnippet(sdk: SdkSettings): string {
    switch (sdk.vendor) {
        case "segment":
            return sdk.cdnURL ? segmentSnippet(sdk.snippetSrc!, sdk.cdnURL, sdk.apiHost!) : "Use the snippet Segment generates once it has verified the delegated subdomain.";
        case "posthog":
            return [
                `// PostHog's snippet loads <api_host>/static/array.js; npm: import posthog from "posthog-js"`,
                `posthog.init("<ph_project_token>", { api_host: "${sdk.api_host}", ui_host: "${sdk.ui_host}" })`,
            ].join("\n");
        case "amplitude":
            return amplitudeSnippet(sdk);
        case "vtex":
            return `Store served at ${sdk.storeUrl}; no SDK change.`;
        case "mixpanel":
            return [
                `// Before Mixpanel's JavaScript snippet, which loads the library from this URL when it is set:`,
                `var MIXPANEL_CUSTOM_LIB_URL = "${sdk.libUrl}";`,
                `// then, after the snippet (npm: import mixpanel from "mixpanel-browser"):`,
                `mixpanel.init("<YOUR_PROJECT_TOKEN>", { api_host: "${sdk.api_host}" })`,
            ].join("\n");
        case "datadog":
            return [
                `// npm: import { datadogRum } from "@datadog/browser-rum" (the CDN bundle's DD_RUM.init takes the same options)`,
                `datadogRum.init({`,
                `  applicationId: "<DATADOG_APPLICATION_ID>",`,
                `  clientToken: "<DATADOG_CLIENT_TOKEN>",`,
                `  site: "${sdk.site}",`,
                `  proxy: "${sdk.proxy}",`,
                `})`,
                `// @datadog/browser-logs takes the same site and proxy.`,
            ].join("\n");
        case "plausible":
            return [
                `<script defer data-domain="<your site>" data-api="${sdk.apiEndpoint}" src="${sdk.scriptSrc}"></script>`,
                `<!-- script extensions: ${sdk.scriptSrc.replace(/\.js$/, ".outbound-links.js")} and so on -->`,
                `// npm (@plausible-analytics/tracker): init({ domain: "<your site>", endpoint: "${sdk.apiEndpoint}" })`,
            ].join("\n");
        case "custom":
            return [
                `// Your vendor's SDK: point its endpoints (API host, script URL) under ${sdk.baseUrl}.`,
                `// Each route of the config is served there and sent to its origin with the origin's own path (the outputs' notes list them).`,
            ].join("\n");
        case "google":
            return sdk.tagId.startsWith("GTM-") ? googleTagManagerSnippet(sdk.scriptSrc, sdk.tagId) : googleTagSnippet(sdk.scriptSrc, sdk.tagId);
    }
}

/** Amplitude's Browser SDK 2 (npm) with the proxy's URLs, and the Session Replay plugin where the proxy serves it. */
function amplitudeSnippet(sdk: Extract<SdkSettings, { vendor: "amplitude" }>): string {
    const lines: string[] = [];
    if (sdk.serverUrl) {
        lines.push(
            `// npm: import * as amplitude from "@amplitude/analytics-browser"`,
            `amplitude.init("<API_KEY>", {`,
            `  serverUrl: "${sdk.serverUrl}", // with useBatch: true, "${sdk.batchServerUrl}"`,
            `  remoteConfig: { serverUrl: "${sdk.remoteConfigServerUrl}" },`,
            ...(sdk.serverZone ? [`  serverZone: "${sdk.serverZone}",`] : []),
            `  // SDK health metrics go to Amplitude's own host (no setting moves them): ask for none.`,
            `  enableDiagnostics: false,`,
            `})`,
        );
    } else {
        lines.push(`// This proxy serves Session Replay only: amplitude.init() still sends events and remote config to Amplitude directly.`);
    }
    if (sdk.trackServerUrl) {
        lines.push(
            `// npm: import { sessionReplayPlugin } from "@amplitude/plugin-session-replay-browser"`,
            `amplitude.add(sessionReplayPlugin({`,
            `  trackServerUrl: "${sdk.trackServerUrl}",`,
            `  configServerUrl: "${sdk.configServerUrl}",`,
            `}))`,
        );
    }
    lines.push(`// Content-Security-Policy: connect-src 'self' ${sdk.cspConnectSrc}${sdk.trackServerUrl ? "; worker-src 'self' blob:" : ""}`);
    return lines.join("\n");
}

/** The Google tag (gtag.js) snippet, loading from the gateway instead of www.googletagmanager.com/gtag/js. */
function googleTagSnippet(scriptSrc: string, tagId: string): string {
    return [
        `<!-- Google tag (gtag.js), served by Google tag gateway on your own hostname -->`,
        `<script async src="${scriptSrc}"></script>`,
        `<script>`,
        `  window.dataLayer = window.dataLayer || [];`,
        `  function gtag(){dataLayer.push(arguments);}`,
        `  gtag('js', new Date());`,
        `  gtag('config', '${tagId}');`,
        `</script>`,
    ].join("\n");
}

/** Tag Manager's container snippet with the loader's src on the gateway (the container ID is concatenated, as the snippet does). */
function googleTagManagerSnippet(scriptSrc: string, containerId: string): string {
    const base = scriptSrc.slice(0, scriptSrc.indexOf("?"));
    return [
        `<!-- Google Tag Manager, served by Google tag gateway on your own hostname -->`,
        `<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':`,
        `new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],`,
        `j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=`,
        `'${base}?id='+i+dl;f.parentNode.insertBefore(j,f);`,
        `})(window,document,'script','dataLayer','${containerId}');</script>`,
    ].join("\n");
}

/**
 * Segment's snippet with the lines that change: the loader's src (the key concatenated, as the snippet does), the
 * CDN it loads everything else from (`analytics._cdn`, read by Analytics.js 2.0 when the src is not Segment's own
 * path), and the Tracking API host. Then the npm form.
 */
function segmentSnippet(snippetSrc: string, cdnURL: string, apiHost: string): string {
    const [before, after] = snippetSrc.split("<WRITE_KEY>");
    const integrations = `{ integrations: { "Segment.io": { apiHost: "${apiHost}", protocol: "https" } } }`;
    return [
        `// Segment's Analytics.js snippet, with these changes:`,
        `t.src="${before}" + key + "${after}";`,
        `analytics._cdn = "${cdnURL}";`,
        `analytics.load("<WRITE_KEY>", ${integrations});`,
        `// npm (@segment/analytics-next):`,
        `AnalyticsBrowser.load({ writeKey: "<WRITE_KEY>", cdnURL: "${cdnURL}" }, ${integrations})`,
    ].join("\n");
}
