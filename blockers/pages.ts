/*
 * The test page at https://www.example.com/ for each vendor: the SDK loaded exactly as the proxy's `sdk` output says,
 * with the vendor's own loader snippet, then exercised (init, an event, flags or config, a session recording).
 */
import fs from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";
import { SdkSettings } from "../components/model/types";
import { keys } from "./sdkRequests";

export const pageUrl = "https://www.example.com/";

const lit = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/** Some DOM changes for the recorders to capture, over a few seconds. */
const activity = `
let n = 0;
const timer = setInterval(() => {
  const p = document.createElement("p");
  p.textContent = "change " + (++n);
  document.body.appendChild(p);
  document.body.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: 10 * n, clientY: 10 }));
  if (n >= 20) clearInterval(timer);
}, 150);`;

/**
 * Segment's analytics.js snippet (Segment's docs, "Quickstart: Analytics.js", snippet 5.2.x), with the script URL
 * from `snippetSrc`, `analytics._cdn` from `cdnURL`, and `integrations["Segment.io"].apiHost` from `apiHost`.
 */
function segmentPage(sdk: Extract<SdkSettings, { vendor: "segment" }>): string {
    const src = sdk.snippetSrc!.replace("<WRITE_KEY>", keys.segment);
    return `<script>
!function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src=${lit(src)};var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey=${lit(keys.segment)};analytics._cdn=${lit(sdk.cdnURL)};analytics.SNIPPET_VERSION="5.2.0";
analytics.load(${lit(keys.segment)}, { integrations: { "Segment.io": { apiHost: ${lit(sdk.apiHost)}, protocol: "https" } } });
analytics.page();
analytics.track("blockers_test", { source: "npm run blockers" });
}}();
// trackLink loads analytics-next's auto-track bundle lazily from <cdnURL>/analytics-next/bundles/.
const link = document.createElement("a");
link.href = "#clicked";
link.textContent = "a link";
document.body.appendChild(link);
analytics.trackLink(link, "blockers_link");
setTimeout(() => link.click(), 1500);
${activity}
</script>`;
}

/**
 * PostHog's HTML snippet (PostHog's docs, "Web: Installation"): it loads `<api_host>/static/array.js` (with
 * `.i.posthog.com` turned into `-assets.i.posthog.com`), or `snippetSrc` where the output gives one.
 */
function posthogPage(sdk: Extract<SdkSettings, { vendor: "posthog" }>): string {
    const snippetSrc = (sdk as { snippetSrc?: string }).snippetSrc;
    const src = snippetSrc ? lit(snippetSrc) : `s.api_host.replace(".i.posthog.com","-assets.i.posthog.com")+"/static/array.js"`;
    return `<script>
!function(t,e){var o,n,p,r;e.__SV||(window.posthog&&window.posthog.__loaded)||(window.posthog=e,e._i=[],e.init=function(i,s,a){function g(t,e){var o=e.split(".");2==o.length&&(t=t[o[0]],e=o[1]),t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}}(p=t.createElement("script")).type="text/javascript",p.crossOrigin="anonymous",p.async=!0,p.src=${src},(r=t.getElementsByTagName("script")[0]).parentNode.insertBefore(p,r);var u=e;for(void 0!==a?u=e[a]=[]:a="posthog",u.people=u.people||[],u.toString=function(t){var e="posthog";return"posthog"!==a&&(e+="."+a),t||(e+=" (stub)"),e},u.people.toString=function(){return u.toString(1)+".people (stub)"},o="init capture register register_once register_for_session unregister unregister_for_session getFeatureFlag getFeatureFlagPayload isFeatureEnabled reloadFeatureFlags updateEarlyAccessFeatureEnrollment getEarlyAccessFeatures on onFeatureFlags onSurveysLoaded onSessionId getSurveys getActiveMatchingSurveys renderSurvey canRenderSurvey canRenderSurveyAsync identify setPersonProperties group resetGroups setPersonPropertiesForFlags resetPersonPropertiesForFlags setGroupPropertiesForFlags resetGroupPropertiesForFlags reset get_distinct_id getGroups get_session_id get_session_replay_url alias set_config startSessionRecording stopSessionRecording sessionRecordingStarted captureException loadToolbar get_property getSessionProperty createPersonProfile opt_in_capturing opt_out_capturing has_opted_in_capturing has_opted_out_capturing clear_opt_in_out_capturing debug getPageViewId captureTraceFeedback captureTraceMetric".split(" "),n=0;n<o.length;n++)g(u,o[n]);e._i.push([i,s,a])},e.__SV=1)}(document,window.posthog||[]);
posthog.init(${lit(keys.posthog)}, { api_host: ${lit(sdk.api_host)}, ui_host: ${lit(sdk.ui_host)}, person_profiles: "identified_only", request_batching: false });
posthog.capture("blockers_test", { source: "npm run blockers" });
posthog.onFeatureFlags(() => posthog.capture("flags_loaded", { flag: posthog.isFeatureEnabled("blockers-flag") }));
posthog.startSessionRecording(true);
${activity}
</script>`;
}

/** A file of an installed package, inlined: the user's own bundle carries the SDK (npm install), no request. */
const inline = (pkg: string, file: string) => fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file), "utf8").replace(/<\/script/gi, "<\\/script");

/**
 * Amplitude's Browser SDK 2 and its Session Replay plugin (Amplitude's docs, "Session Replay Plugin"), bundled into
 * the page as npm users do: the SDK given `serverUrl`, `remoteConfig.serverUrl` (and `serverZone`) and the plugin
 * `trackServerUrl` and `configServerUrl` from the output, with `enableDiagnostics: false` as the output's snippet says.
 */
function amplitudePage(sdk: Extract<SdkSettings, { vendor: "amplitude" }>): string {
    const analytics = sdk.serverUrl
        ? { serverUrl: sdk.serverUrl, remoteConfig: { serverUrl: sdk.remoteConfigServerUrl }, ...(sdk.serverZone ? { serverZone: sdk.serverZone } : {}), enableDiagnostics: false }
        : {};
    return `<script>${inline("@amplitude/analytics-browser", "lib/scripts/amplitude-min.js")}</script>
<script>${inline("@amplitude/plugin-session-replay-browser", "lib/scripts/plugin-session-replay-browser-min.js")}</script>
<script>
amplitude.add(sessionReplay.plugin({ sampleRate: 1, trackServerUrl: ${lit(sdk.trackServerUrl)}, configServerUrl: ${lit(sdk.configServerUrl)} }));
amplitude.init(${lit(keys.amplitude)}, { ...${lit(analytics)}, flushIntervalMillis: 500, autocapture: { elementInteractions: true } });
amplitude.track("blockers_test", { source: "npm run blockers" });
${activity}
setTimeout(() => amplitude.flush(), 3500);
</script>`;
}

/**
 * Datadog's RUM Browser SDK (@datadog/browser-rum's CDN bundle, inlined as npm users bundle it), with `site` and
 * `proxy` from the output, every session sampled and replayed. After a few seconds the page reports itself hidden and
 * visible again in turn (visibilitychange), as a visitor switching tabs does: on each "hidden" the SDK flushes its
 * batch and replay segment.
 */
function datadogPage(sdk: Extract<SdkSettings, { vendor: "datadog" }>): string {
    const init = {
        applicationId: "00000000-0000-4000-8000-000000000001",
        clientToken: keys.datadog,
        site: sdk.site,
        ...(sdk.proxy ? { proxy: sdk.proxy } : {}),
        service: "blockers",
        sessionSampleRate: 100,
        sessionReplaySampleRate: 100,
        trackUserInteractions: true,
        defaultPrivacyLevel: "allow",
    };
    return `<script>${inline("@datadog/browser-rum", "bundle/datadog-rum.js")}</script>
<script>
DD_RUM.init(${lit(init)});
DD_RUM.addAction("blockers_test", { source: "npm run blockers" });
// A busy page: past the SDK's 50 messages per batch, the batch goes out at once (fetch), not only on page exit.
setTimeout(() => { for (let i = 0; i < 60; i++) DD_RUM.addAction("blockers_action_" + i); }, 1500);
${activity}
// The visitor switches tabs every two seconds (from 3.5 s on): on each "hidden" the SDK flushes what it holds.
let hidden = false;
Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
setTimeout(() => setInterval(() => { hidden = !hidden; document.dispatchEvent(new Event("visibilitychange")); }, 1000), 3500);
</script>`;
}

/**
 * Files the site itself serves beside the page: the lazily loaded chunks of an SDK bundled into the site (Datadog's
 * bundle loads its Session Replay recorder from `chunks/` next to where the site serves the bundle).
 */
export function siteAsset(url: string): Buffer | undefined {
    const u = new URL(url);
    if (u.origin !== new URL(pageUrl).origin) return undefined;
    const chunk = /^\/chunks\/([\w.-]+\.js)$/.exec(u.pathname)?.[1];
    if (!chunk) return undefined;
    const file = path.join(path.dirname(require.resolve("@datadog/browser-rum/package.json")), "bundle", "chunks", chunk);
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
}

/**
 * Mixpanel's JavaScript snippet (mixpanel-browser's dist/mixpanel-jslib-snippet.min.js, as Mixpanel's "Tracking via
 * Proxy" docs give it) with `MIXPANEL_CUSTOM_LIB_URL` from `libUrl`, then `mixpanel.init` with `api_host`, a
 * page view and an event, sent one request each (no batching) as soon as they are tracked.
 */
function mixpanelPage(sdk: Extract<SdkSettings, { vendor: "mixpanel" }>): string {
    return `<script>var MIXPANEL_CUSTOM_LIB_URL = ${lit(sdk.libUrl)};</script>
<script>${inline("mixpanel-browser", "dist/mixpanel-jslib-snippet.min.js")}</script>
<script>
mixpanel.init(${lit(keys.mixpanel)}, { api_host: ${lit(sdk.api_host)}, track_pageview: true, batch_requests: false });
mixpanel.track("blockers_test", { source: "npm run blockers" });
${activity}
</script>`;
}

/** @plausible-analytics/tracker bundled by esbuild into one script, as npm users bundle it (once per run). */
let plausibleBundle: string | undefined;
function plausibleTracker(): string {
    plausibleBundle ??= buildSync({
        stdin: { contents: `import { init, track } from "@plausible-analytics/tracker"; window.plausibleTracker = { init, track };`, resolveDir: __dirname, loader: "js" },
        bundle: true,
        format: "iife",
        minify: true,
        write: false,
        target: "es2020",
    }).outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
    return plausibleBundle;
}

/**
 * Plausible's npm tracker (Plausible's docs, "NPM package"): `init` with the site's `domain` and `endpoint` from the
 * output's `apiEndpoint`, which sends the page view, then a custom event. The tracker ignores automated browsers
 * (navigator.webdriver, true in Playwright's Chromium) unless `window.__plausible` is set, the switch Plausible's own
 * tracker tests use: the page sets it, or nothing would be sent with or without a blocker.
 */
function plausiblePage(sdk: Extract<SdkSettings, { vendor: "plausible" }>): string {
    return `<script>window.__plausible = true;</script>
<script>${plausibleTracker()}</script>
<script>
plausibleTracker.init({ domain: ${lit(new URL(pageUrl).hostname)}, endpoint: ${lit(sdk.apiEndpoint)} });
plausibleTracker.track("blockers_test", { props: { source: "npm run blockers" } });
${activity}
</script>`;
}

export function pageHtml(sdk: SdkSettings): string {
    const pages: Partial<{ [V in SdkSettings["vendor"]]: (sdk: Extract<SdkSettings, { vendor: V }>) => string }> = {
        segment: segmentPage,
        posthog: posthogPage,
        amplitude: amplitudePage,
        datadog: datadogPage,
        mixpanel: mixpanelPage,
        plausible: plausiblePage,
    };
    const page = pages[sdk.vendor] as ((sdk: SdkSettings) => string) | undefined;
    const body = page ? page(sdk) : "";
    return `<!doctype html><html><head><meta charset="utf-8"><title>blockers</title></head><body><h1>blocker survival</h1>${body}</body></html>`;
}
