import { VendorRegion } from "../model/types";

/** One row of the verify report. */
export interface CheckResult {
    /** What was checked, e.g. `GET /static/array.js` or `tls`. */
    readonly check: string;
    readonly ok: boolean;
    /** Not checkable with the options given (e.g. no --token); never fails the run. */
    readonly skipped?: boolean;
    /** What was seen: status, headers, protocol, the reason it failed. */
    readonly detail: string;
    /** What the vendor's public documents (components/vendors/documents.ts) recommend for this failure; empty when ok. */
    readonly fix: string;
}

/** A result with the proxy and hostname it belongs to. */
export interface ReportRow extends CheckResult {
    readonly proxy: string;
    readonly host: string;
}

/**
 * Which CDN serves the proxy, for choosing the fix: from the stack outputs' `cdn`, else detected from response headers.
 * `managed`: Segment's managed Custom Domain (Segment runs the edge).
 */
export type CdnKind = "cloudfront" | "cloudflare" | "managed" | "unknown";

/** A proxy to verify, with the hostnames its SDK settings name. */
export type ProxyTarget = {
    readonly name: string;
    readonly region: VendorRegion;
    /** From the stack outputs or --cdn; `unknown` lets the response headers decide. */
    readonly cdn: CdnKind;
} & (
    | { readonly vendor: "segment"; readonly cdnHost: string; readonly apiHost: string }
    | {
          readonly vendor: "posthog";
          readonly host: string;
          /** PostHog's managed reverse proxy: the target PostHog generated, which `host` must CNAME to. */
          readonly managedTarget?: string;
      }
    /**
     * `base`: the path prefix the proxy serves Amplitude's paths under (`/k7`), empty for Amplitude's own paths; which
     * products it serves (the outputs name `serverUrl` for Analytics, `trackServerUrl` for Session Replay).
     */
    | { readonly vendor: "amplitude"; readonly host: string; readonly base: string; readonly analytics: boolean; readonly sessionReplay: boolean }
    | { readonly vendor: "vtex"; readonly host: string }
    /** `base`: the path prefix the proxy serves the vendor's paths under (`/k7`), empty for the vendor's own paths. */
    | { readonly vendor: "mixpanel"; readonly host: string; readonly base: string }
    /** The public paths of the script and the event API (`/k7/js/s.js`, `/k7/api/event`). */
    | { readonly vendor: "plausible"; readonly host: string; readonly scriptPath: string; readonly eventPath: string }
    /** A custom vendor: the base path its routes are served under (`/k7`, empty at the root). */
    | { readonly vendor: "custom"; readonly host: string; readonly base: string }
    /** Google tag gateway: the measurement path (`/k7q2m9`) and, from the outputs, the tag ID its loader takes. */
    | { readonly vendor: "google"; readonly host: string; readonly measurementPath: string; readonly tagId?: string }
    /** `base`: the proxy URL's path without its trailing slash (`/k7`); `site`: the Datadog site it forwards to. */
    | { readonly vendor: "datadog"; readonly host: string; readonly base: string; readonly site: string }
);

/** Every hostname a target serves, first the one its SDK loads from. */
export function targetHosts(target: ProxyTarget): string[] {
    return target.vendor === "segment" ? [...new Set([target.cdnHost, target.apiHost])] : [target.host];
}

/** An HTTP request a check sends, to the proxy's real hostname (connection overrides apply later). */
export interface ProbeRequest {
    readonly method: string;
    /** Absolute URL with the proxy's hostname: `https://e.example.com/static/array.js`. */
    readonly url: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
}

/** What came back. `status` 0 means no response; `error` says why. */
export interface ProbeResponse {
    readonly request: ProbeRequest;
    readonly status: number;
    /** Lower-case names; `set-cookie` is always an array. */
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    /** The body's first bytes (capped), as text. */
    readonly body: string;
    readonly error?: string;
}

/** What an evaluation knows besides the responses. */
export interface CheckEnv {
    readonly target: ProxyTarget;
    /** The CDN in front of the proxy (outputs, --cdn, or detected). */
    readonly cdn: CdnKind;
    /** Every response the run got from `host`, for checks over all of them (Set-Cookie). */
    readonly responsesFrom: (host: string) => readonly ProbeResponse[];
}

/** The result of evaluating one check. */
export type Outcome = Omit<CheckResult, "check">;

/** One check: the requests it sends and a pure evaluation of the answers, in the same order. */
export interface Check {
    readonly check: string;
    readonly host: string;
    readonly requests: readonly ProbeRequest[];
    evaluate(responses: readonly ProbeResponse[], env: CheckEnv): Outcome;
}

/** What the user passed that checks use. */
export interface ProbeOptions {
    /** The browser origin CORS preflights claim to come from. */
    readonly origin: string;
    readonly writeKey?: string;
    readonly token?: string;
    readonly apiKey?: string;
    /** Plausible: the site's domain as registered (the script's data-domain), for the test event. */
    readonly site?: string;
    /** Send one real (clearly labelled) test event per proxy; off by default. */
    readonly sendTestEvent: boolean;
}

export const pass = (detail: string): Outcome => ({ ok: true, detail, fix: "" });
export const fail = (detail: string, fix: string): Outcome => ({ ok: false, detail, fix });
export const skip = (detail: string): Outcome => ({ ok: true, skipped: true, detail, fix: "" });
