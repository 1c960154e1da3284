import { QueryTarget, Route } from "../model/types";
import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

/*
 * Datadog's browser SDKs ("Proxy Your Browser RUM Data"): with `proxy` set, every request is a POST to that one URL,
 * the intake path and its parameters URL-encoded in the `ddforward` query parameter. The proxy builds the intake URL
 * from the intake origin of the configured site (never from the request: no open proxy), adds the client's address
 * in X-Forwarded-For, strips cookies, and forwards the body unchanged.
 */

/** The `site` values of Datadog's browser SDKs and the intake host of each (the guide's table of intake origins). */
export const datadogIntakeHosts = {
    "datadoghq.com": "browser-intake-datadoghq.com",
    "us3.datadoghq.com": "browser-intake-us3-datadoghq.com",
    "us5.datadoghq.com": "browser-intake-us5-datadoghq.com",
    "datadoghq.eu": "browser-intake-datadoghq.eu",
    "ap1.datadoghq.com": "browser-intake-ap1-datadoghq.com",
    "ap2.datadoghq.com": "browser-intake-ap2-datadoghq.com",
    "ddog-gov.com": "browser-intake-ddog-gov.com",
} as const;
export type DatadogSite = keyof typeof datadogIntakeHosts;
export const datadogSites = Object.keys(datadogIntakeHosts) as DatadogSite[];
export const defaultDatadogSite: DatadogSite = "datadoghq.com";

/** The site whose intake host `intakeHost` is. */
export function datadogSiteOf(intakeHost: string): DatadogSite {
    const site = datadogSites.find((s) => datadogIntakeHosts[s] === intakeHost);
    if (site === undefined) throw new Error(`${intakeHost} is not the intake host of a Datadog site`);
    return site;
}

/**
 * The intake tracks of @datadog/browser-rum and its sibling SDKs (js-core's TrackType: RUM events, Session Replay
 * segments, logs, profiles, feature flag exposures and evaluations, live debugger), each at `/api/v2/<track>`.
 */
export const ddforward: QueryTarget = {
    kind: "ddforward",
    paths: ["rum", "replay", "logs", "profile", "exposures", "flagevaluation", "debugger"].map((track) => `/api/v2/${track}`),
};

const intakeRoute: Route = {
    ...defaultRoute,
    pathPattern: "*",
    originId: "intake",
    // Replay segments are multipart bodies: their Content-Type (with its boundary) must reach the intake, and the
    // User-Agent is what Datadog derives the browser and device from. Never cached; the intake answers CORS itself.
    forward: { mode: "custom", headers: ["Content-Type", "Origin", "User-Agent"], queryStrings: "all" },
    queryTarget: ddforward,
};

export const datadog = {
    id: "datadog",
    displayName: "Datadog RUM",
    source: vendorDocuments.datadogProxy,
    // The intake host is the site's (datadogIntakeHosts), chosen with `site`; Datadog has no us/eu regions.
    endpoints: {
        us: { intake: datadogIntakeHosts[defaultDatadogSite] },
    },
    origins: {
        intake: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
    },
    layouts: {
        single: [{ role: "main", routes: [intakeRoute] }],
    },
    edgeCodeRequired:
        "Datadog's SDK names the intake path in the ddforward query parameter, which only code at the edge can read and check (a Worker, or CloudFront's viewer-request function); page rules route by path alone",
    notes: [],
} as const satisfies VendorPreset<"intake">;
