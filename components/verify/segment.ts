import { describe } from "./classify";
import { fixes } from "./fixes";
import { corsPreflightCheck, isJavaScript, isJson, noSetCookieCheck, notFromVendor, randomToken, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeOptions, ProbeResponse, ProxyTarget } from "./types";

type SegmentTarget = Extract<ProxyTarget, { vendor: "segment" }>;

/**
 * Segment (Segment's Self-Managed Custom Proxy guide): the CDN host serves analytics.js and the source settings from cdn.segment.com, the API host
 * forwards to the Tracking API. Without --write-key a placeholder key is used: Segment's 404 for it still proves
 * Segment answered through the proxy.
 */
export function segmentChecks(target: SegmentTarget, options: ProbeOptions): Check[] {
    const key = options.writeKey ?? `fppverify${randomToken()}`;
    const known = options.writeKey !== undefined;
    const cdn = target.cdnHost;
    const api = target.apiHost;
    const bundlePath = `/analytics.js/v1/${key}/analytics.min.js`;
    const checks: Check[] = [
        redirectCheck(cdn, bundlePath),
        {
            check: "GET /analytics.js/v1/<key>/analytics.min.js",
            host: cdn,
            requests: [{ method: "GET", url: `https://${cdn}${bundlePath}` }],
            evaluate: ([r], env) => evaluateCdnAsset(r, env, known, "analytics.js", isJavaScript),
        },
        {
            check: "GET /v1/projects/<key>/settings",
            host: cdn,
            requests: [{ method: "GET", url: `https://${cdn}/v1/projects/${key}/settings`, headers: { origin: options.origin } }],
            evaluate: ([r], env) => evaluateCdnAsset(r, env, known, "the source settings (JSON)", isJson),
        },
    ];
    if (api !== cdn) checks.push(redirectCheck(api, "/v1/t"));
    checks.push(corsPreflightCheck(api, "/v1/t", options.origin));
    if (options.sendTestEvent) checks.push(testEventCheck(api, options));
    checks.push(...[...new Set([cdn, api])].map(noSetCookieCheck));
    return checks;
}

/** analytics.js or settings: 200 with the right content for a real key, Segment's 404 for the placeholder. */
export function evaluateCdnAsset(
    response: ProbeResponse,
    env: CheckEnv,
    knownKey: boolean,
    what: string,
    looksRight: (r: ProbeResponse) => boolean,
): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "cache-control");
    if (response.status === 403) return fail(`${seen}: Segment refused the request`, fixes.hostRefused("segment", env.cdn));
    if (knownKey) {
        if (response.status !== 200) return fail(`${seen}: expected 200 with ${what}; is the write key right?`, fixes.segmentCdnPath());
        if (!looksRight(response)) return fail(`${seen}: the body is not ${what}`, fixes.segmentCdnPath());
        return pass(seen);
    }
    if (response.status === 404) return pass(`${seen}: Segment's 404 for a placeholder write key (pass --write-key to fetch the real one)`);
    if (response.status === 200 && looksRight(response)) return pass(seen);
    return fail(`${seen}: expected Segment's 404 for a placeholder write key`, fixes.segmentCdnPath());
}

/** One track call with a clearly labelled anonymous user, only with --send-test-event and --write-key. */
function testEventCheck(api: string, options: ProbeOptions): Check {
    const body = JSON.stringify({
        writeKey: options.writeKey,
        type: "track",
        event: "first-party-proxy verify",
        anonymousId: `first-party-proxy-verify-${randomToken()}`,
        properties: { source: "first-party-proxy verify --send-test-event" },
    });
    return {
        check: "POST /v1/t (test event)",
        host: api,
        requests: options.writeKey
            ? [{ method: "POST", url: `https://${api}/v1/t`, headers: { "content-type": "application/json", origin: options.origin }, body }]
            : [],
        evaluate: ([r], env) => {
            if (!r) return fail("--send-test-event needs --write-key", "Pass the source's write key with --write-key.");
            const problem = notFromVendor(r, env);
            if (problem) return problem;
            const seen = describe(r, "content-type");
            if (r.status === 200) return pass(`${seen} ${r.body.slice(0, 80)}`);
            if (r.status === 403) return fail(seen, fixes.hostRefused("segment", env.cdn));
            if (r.status === 405) return fail(`${seen}: POST was refused`, "Allow GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE (Segment's Self-Managed Custom Proxy guide).");
            return fail(`${seen}: expected 200 from the Tracking API`, fixes.originError(env.cdn));
        },
    };
}
