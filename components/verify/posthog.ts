import { describe } from "./classify";
import { fixes } from "./fixes";
import { header } from "./http";
import { corsPreflightCheck, isJavaScript, isJson, noSetCookieCheck, notFromVendor, randomToken, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeOptions, ProbeResponse, ProxyTarget, skip } from "./types";

type PostHogTarget = Extract<ProxyTarget, { vendor: "posthog" }>;

/**
 * PostHog (PostHog's AWS CloudFront reverse proxy guide): the SDK from /static/array.js and the remote config from /array/<token>/config, both from the
 * assets origin, which sends cache-control (its absence means /array/* reaches the main origin); a CORS preflight
 * on the capture endpoint. The guide's checkpoint is "200 OK, not 403 or 400".
 */
export function posthogChecks(target: PostHogTarget, options: ProbeOptions): Check[] {
    const host = target.host;
    const token = options.token ?? `phc_fppverify${randomToken()}`;
    const checks: Check[] = [
        redirectCheck(host, "/static/array.js"),
        {
            check: "GET /static/array.js",
            host,
            requests: [{ method: "GET", url: `https://${host}/static/array.js` }],
            evaluate: ([r], env) => evaluateStatic(r, env),
        },
        {
            check: "GET /array/<token>/config",
            host,
            requests: [{ method: "GET", url: `https://${host}/array/${token}/config`, headers: { origin: options.origin } }],
            evaluate: ([r], env) => evaluateArrayConfig(r, env, options.token !== undefined),
        },
        corsPreflightCheck(host, "/e/", options.origin),
    ];
    if (options.sendTestEvent) checks.push(testEventCheck(host, options));
    checks.push(noSetCookieCheck(host));
    return checks;
}

export function evaluateStatic(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const region = env.target.region;
    const seen = describe(response, "content-type", "cache-control");
    if (response.status === 401 || response.status === 403) return fail(seen, fixes.hostRefused("posthog", env.cdn));
    if (response.status !== 200) return fail(`${seen}: expected 200 with the SDK`, fixes.posthogStatic(region));
    if (!isJavaScript(response)) return fail(`${seen}: not JavaScript`, fixes.posthogStatic(region));
    return pass(seen);
}

/**
 * PostHog's AWS CloudFront reverse proxy guide troubleshooting: the config must carry cache-control (`max-age=300`); without it, /array/* goes to the
 * main origin. Without --token only a 200 can tell; PostHog's answer for a placeholder token is reported as skipped.
 */
export function evaluateArrayConfig(response: ProbeResponse, env: CheckEnv, knownToken: boolean): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const region = env.target.region;
    const seen = describe(response, "content-type", "cache-control", "access-control-allow-origin");
    const cacheControl = header(response, "cache-control");
    if (response.status === 401 || response.status === 403) return fail(seen, fixes.hostRefused("posthog", env.cdn));
    if (response.status === 200) {
        if (!cacheControl) return fail(`${seen}: no cache-control, so browsers may keep stale SDK config for days`, fixes.posthogArrayCacheControl(region));
        if (!isJson(response)) return fail(`${seen}: the body is not JSON config`, fixes.posthogArrayCacheControl(region));
        if (!header(response, "access-control-allow-origin")) {
            return fail(`${seen}: no Access-Control-Allow-Origin, so the browser SDK cannot read its config`, fixes.cors("posthog", env.cdn));
        }
        return pass(seen);
    }
    if (knownToken) return fail(`${seen}: expected 200 with the project's config; is the token right?`, fixes.posthogArrayCacheControl(region));
    if (cacheControl) return pass(`${seen} (placeholder token)`);
    return skip(`${seen} for a placeholder token: pass --token to check cache-control`);
}

/** One event with a clearly labelled distinct_id, only with --send-test-event and --token. */
function testEventCheck(host: string, options: ProbeOptions): Check {
    const body = JSON.stringify({
        api_key: options.token,
        event: "first-party-proxy verify",
        distinct_id: `first-party-proxy-verify-${randomToken()}`,
        properties: { source: "first-party-proxy verify --send-test-event" },
    });
    return {
        check: "POST /i/v0/e/ (test event)",
        host,
        requests: options.token
            ? [{ method: "POST", url: `https://${host}/i/v0/e/`, headers: { "content-type": "application/json", origin: options.origin }, body }]
            : [],
        evaluate: ([r], env) => {
            if (!r) return fail("--send-test-event needs --token", "Pass the project token (phc_...) with --token.");
            const problem = notFromVendor(r, env);
            if (problem) return problem;
            const seen = describe(r, "content-type");
            if (r.status === 200) return pass(seen);
            if (r.status === 401 || r.status === 403 || r.status === 400) return fail(seen, fixes.hostRefused("posthog", env.cdn));
            if (r.status === 405) return fail(`${seen}: POST was refused`, "Allow GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE (PostHog's AWS CloudFront reverse proxy guide step 1).");
            return fail(`${seen}: expected 200`, fixes.originError(env.cdn));
        },
    };
}
