import { mixpanelLibPath } from "../model/sdk";
import { describe } from "./classify";
import { fixes } from "./fixes";
import { header } from "./http";
import { corsPreflightCheck, isJavaScript, isJson, noSetCookieCheck, notFromVendor, randomToken, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeOptions, ProbeResponse, ProxyTarget } from "./types";

type MixpanelTarget = Extract<ProxyTarget, { vendor: "mixpanel" }>;

/**
 * Mixpanel (its tracking-proxy): the library from the CDN, `/decide` answered by the ingestion API with JSON, a CORS
 * preflight on `/track/` answered by the API itself. One labelled event to `/track/` only with --send-test-event.
 */
export function mixpanelChecks(target: MixpanelTarget, options: ProbeOptions): Check[] {
    const { host, base } = target;
    const token = options.token ?? `fppverify${randomToken()}`;
    const checks: Check[] = [
        redirectCheck(host, `${base}${mixpanelLibPath}`),
        {
            check: `GET ${mixpanelLibPath}`,
            host,
            requests: [{ method: "GET", url: `https://${host}${base}${mixpanelLibPath}` }],
            evaluate: ([r], env) => evaluateLibrary(r, env),
        },
        {
            check: "GET /decide",
            host,
            requests: [
                {
                    method: "GET",
                    url: `https://${host}${base}/decide?verbose=1&version=1&lib=web&token=${encodeURIComponent(token)}`,
                    headers: { origin: options.origin },
                },
            ],
            evaluate: ([r], env) => evaluateDecide(r, env),
        },
        corsPreflightCheck(host, `${base}/track/`, options.origin),
    ];
    if (options.sendTestEvent) {
        const event = { event: "first-party-proxy verify", properties: { token, distinct_id: `fppverify-${randomToken()}` } };
        checks.push({
            check: "POST /track/ (test event)",
            host,
            requests: [
                {
                    method: "POST",
                    url: `https://${host}${base}/track/?verbose=1&ip=1`,
                    headers: { "content-type": "application/x-www-form-urlencoded", origin: options.origin },
                    body: `data=${encodeURIComponent(JSON.stringify([event]))}`,
                },
            ],
            evaluate: ([r], env) => evaluateTrack(r, env, options.token !== undefined),
        });
    }
    checks.push(noSetCookieCheck(host));
    return checks;
}

export function evaluateLibrary(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "cache-control");
    if (response.status === 403) return fail(seen, fixes.hostRefused("mixpanel", env.cdn));
    if (response.status !== 200 || !isJavaScript(response)) return fail(`${seen}: expected 200 with the Mixpanel library`, fixes.mixpanelLibrary());
    return pass(seen);
}

/** `/decide` is the API's: JSON for any token (an unknown one gets an error object), with the API's CORS headers. */
export function evaluateDecide(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "access-control-allow-origin");
    if (response.status === 403) return fail(seen, fixes.hostRefused("mixpanel", env.cdn));
    if (response.status === 404 || !isJson(response)) return fail(`${seen}: expected JSON from Mixpanel's API`, fixes.mixpanelApi());
    if (!header(response, "access-control-allow-origin")) {
        return fail(`${seen}: no Access-Control-Allow-Origin, so the browser SDK cannot read it`, fixes.cors("mixpanel", env.cdn));
    }
    return pass(seen);
}

/** With `verbose=1` the API answers `{"status": 1}` for an accepted event, `{"status": 0, "error": ...}` otherwise. */
export function evaluateTrack(response: ProbeResponse, env: CheckEnv, knownToken: boolean): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type");
    if (response.status === 403) return fail(seen, fixes.hostRefused("mixpanel", env.cdn));
    if (!isJson(response)) return fail(`${seen}: expected Mixpanel's JSON answer`, fixes.mixpanelApi());
    const body = JSON.parse(response.body) as { status?: number; error?: string };
    if (body.status === 1) return pass(`${seen}: accepted`);
    if (knownToken) return fail(`${seen}: Mixpanel refused the event: ${body.error ?? response.body.slice(0, 120)}`, fixes.mixpanelApi());
    return pass(`${seen}: Mixpanel answered ${response.body.slice(0, 120)} (pass --token for an accepted event)`);
}
