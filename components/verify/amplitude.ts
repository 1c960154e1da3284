import { describe } from "./classify";
import { fixes } from "./fixes";
import { header } from "./http";
import { corsPreflightCheck, isJson, noSetCookieCheck, notFromVendor, randomToken, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeOptions, ProbeResponse, ProxyTarget } from "./types";

type AmplitudeTarget = Extract<ProxyTarget, { vendor: "amplitude" }>;

/**
 * Amplitude Session Replay (Amplitude's Self-Host Session Replay guide, "Test your proxy"): `/config?api_key=...` answers 200 with JSON, never from a
 * cache; the replay endpoint `/sessions/v2/track` answers a CORS preflight. The guide's POST of `{}` to the track
 * endpoint is sent only with --send-test-event.
 */
export function amplitudeChecks(target: AmplitudeTarget, options: ProbeOptions): Check[] {
    const host = target.host;
    const apiKey = options.apiKey ?? `fppverify${randomToken()}`;
    const checks: Check[] = [
        redirectCheck(host, "/config"),
        {
            check: "GET /config?api_key=...",
            host,
            requests: [{ method: "GET", url: `https://${host}/config?api_key=${encodeURIComponent(apiKey)}`, headers: { origin: options.origin } }],
            evaluate: ([r], env) => evaluateConfig(r, env, options.apiKey !== undefined),
        },
        corsPreflightCheck(host, "/sessions/v2/track", options.origin),
    ];
    if (options.sendTestEvent) {
        checks.push({
            check: "POST /sessions/v2/track {} (test)",
            host,
            requests: [
                { method: "POST", url: `https://${host}/sessions/v2/track`, headers: { "content-type": "application/json", origin: options.origin }, body: "{}" },
            ],
            evaluate: ([r], env) => evaluateTrackPost(r, env),
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
