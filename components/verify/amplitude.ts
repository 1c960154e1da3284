import { describe } from "./classify";
import { fixes } from "./fixes";
import { header } from "./http";
import { corsPreflightCheck, isJson, noSetCookieCheck, notFromVendor, randomToken, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeOptions, ProbeResponse, ProxyTarget } from "./types";

type AmplitudeTarget = Extract<ProxyTarget, { vendor: "amplitude" }>;

/**
 * Amplitude, under the proxy's path prefix (`base`):
 * - Session Replay (Amplitude's Self-Host Session Replay guide, "Test your proxy"): `/config?api_key=...` answers 200
 *   with JSON, never from a cache; the replay endpoint `/sessions/v2/track` answers a CORS preflight. The guide's POST
 *   of `{}` to the track endpoint is sent only with --send-test-event.
 * - Analytics ("Proxy Analytics SDK requests"): the Browser SDK's remote config (`/config/<api key>?config_group=browser`)
 *   answers like Session Replay's, `/2/httpapi` answers a CORS preflight, and with --send-test-event and --api-key one
 *   event named `first-party-proxy verify` is sent to the HTTP V2 API.
 */
export function amplitudeChecks(target: AmplitudeTarget, options: ProbeOptions): Check[] {
    const host = target.host;
    const base = target.base;
    const apiKey = options.apiKey ?? `fppverify${randomToken()}`;
    const checks: Check[] = [redirectCheck(host, `${base}/config`)];
    if (target.sessionReplay) {
        checks.push(
            {
                check: `GET ${base}/config?api_key=...`,
                host,
                requests: [{ method: "GET", url: `https://${host}${base}/config?api_key=${encodeURIComponent(apiKey)}`, headers: { origin: options.origin } }],
                evaluate: ([r], env) => evaluateConfig(r, env, options.apiKey !== undefined),
            },
            corsPreflightCheck(host, `${base}/sessions/v2/track`, options.origin),
        );
    }
    if (target.analytics) {
        checks.push(
            {
                check: `GET ${base}/config/<api key>?config_group=browser`,
                host,
                requests: [{ method: "GET", url: `https://${host}${base}/config/${encodeURIComponent(apiKey)}?config_group=browser`, headers: { origin: options.origin } }],
                evaluate: ([r], env) => evaluateConfig(r, env, options.apiKey !== undefined),
            },
            corsPreflightCheck(host, `${base}/2/httpapi`, options.origin),
        );
    }
    if (options.sendTestEvent && target.sessionReplay) {
        checks.push({
            check: `POST ${base}/sessions/v2/track {} (test)`,
            host,
            requests: [
                { method: "POST", url: `https://${host}${base}/sessions/v2/track`, headers: { "content-type": "application/json", origin: options.origin }, body: "{}" },
            ],
            evaluate: ([r], env) => evaluateTrackPost(r, env),
        });
    }
    if (options.sendTestEvent && target.analytics) {
        const event = { event_type: "first-party-proxy verify", device_id: `fppverify-${randomToken()}`, event_properties: { source: "first-party-proxy verify" } };
        checks.push({
            check: `POST ${base}/2/httpapi (test event)`,
            host,
            requests: [
                {
                    method: "POST",
                    url: `https://${host}${base}/2/httpapi`,
                    headers: { "content-type": "application/json", accept: "*/*", origin: options.origin },
                    body: JSON.stringify({ api_key: apiKey, events: [event] }),
                },
            ],
            evaluate: ([r], env) => evaluateHttpApi(r, env, options.apiKey !== undefined),
        });
    }
    checks.push(noSetCookieCheck(host));
    return checks;
}

/** Cache status headers that show the edge answered from its cache. */
export function servedFromCache(response: ProbeResponse): string | undefined {
    const xCache = header(response, "x-cache");
    if (xCache && /^(Hit|RefreshHit) from cloudfront/i.test(xCache)) return `x-cache: ${xCache}`;
    const cf = header(response, "cf-cache-status");
    if (cf && /^(HIT|STALE|REVALIDATED|UPDATING)$/i.test(cf)) return `cf-cache-status: ${cf}`;
    return undefined;
}

export function evaluateConfig(response: ProbeResponse, env: CheckEnv, knownKey: boolean): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "cache-control", "access-control-allow-origin");
    if (response.status === 403) return fail(seen, fixes.hostRefused("amplitude", env.cdn));
    const cached = servedFromCache(response);
    if (cached) return fail(`${seen}; ${cached}: the configuration came from the edge cache`, fixes.amplitudeConfigCached(env.cdn));
    if (response.status === 200) {
        if (!isJson(response)) return fail(`${seen}: expected JSON configuration`, fixes.amplitudeConfigRoute());
        if (!header(response, "access-control-allow-origin")) {
            return fail(`${seen}: no Access-Control-Allow-Origin, so the browser SDK cannot read it`, fixes.cors("amplitude", env.cdn));
        }
        return pass(seen);
    }
    if (knownKey || response.status === 404) return fail(`${seen}: expected 200 with JSON configuration`, fixes.amplitudeConfigRoute());
    return pass(`${seen}: Amplitude answered for a placeholder api_key (pass --api-key for a full check)`);
}

/** Amplitude's Self-Host Session Replay guide: "A successful configuration returns a response from Amplitude (the specific response depends on the request content)." */
export function evaluateTrackPost(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type");
    if (response.status === 403) return fail(seen, fixes.hostRefused("amplitude", env.cdn));
    if (response.status === 405) return fail(`${seen}: POST was refused`, "Allow GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE (Amplitude's Self-Host Session Replay guide).");
    if (response.status === 413) return fail(`${seen}: the body was refused`, "Nothing in front of Amplitude may cap bodies below 10 MB (no WAF body limit).");
    return pass(`${seen}: Amplitude answered`);
}

/**
 * Amplitude's HTTP V2 API answers 200 with `"code": 200` for accepted events and 400 with `"code": 400` for a bad
 * API key or event ("Proxy Analytics SDK requests": status, headers and body come back unchanged).
 */
export function evaluateHttpApi(response: ProbeResponse, env: CheckEnv, knownKey: boolean): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "access-control-allow-origin");
    if (response.status === 403) return fail(seen, fixes.hostRefused("amplitude", env.cdn));
    if (response.status === 404) return fail(`${seen}: the HTTP V2 API was not reached`, fixes.amplitudeApiRoute());
    if (response.status === 405) return fail(`${seen}: POST was refused`, "Allow GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE on the proxy (Amplitude's Proxy Analytics SDK requests).");
    if (!isJson(response)) return fail(`${seen}: expected Amplitude's JSON answer`, fixes.amplitudeApiRoute());
    if (response.status === 200) return pass(`${seen}: Amplitude accepted the test event`);
    if (response.status === 400 && !knownKey) return pass(`${seen}: Amplitude answered for a placeholder api_key (pass --api-key for a full check)`);
    return fail(`${seen}: Amplitude did not accept the test event`, "Check --api-key is the project's API key and region (EU projects need the EU preset).");
}
