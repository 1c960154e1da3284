import { describe } from "./classify";
import { fixes } from "./fixes";
import { header } from "./http";
import { noSetCookieCheck, notFromVendor, randomToken, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeOptions, ProbeResponse, ProxyTarget } from "./types";

type DatadogTarget = Extract<ProxyTarget, { vendor: "datadog" }>;

/** A `ddforward` request to the proxy URL the outputs name (`proxy`), as the SDK sends it: the value URL-encoded. */
export const ddforwardUrl = (target: DatadogTarget, value: string) => `https://${target.host}${target.base}/?ddforward=${encodeURIComponent(value)}`;

/**
 * Datadog RUM ("Proxy Your Browser RUM Data"): the proxy forwards a `ddforward` POST to the intake of its site, and
 * only there: requests naming another host (`https://…`, `//…`) or a path outside the intake's are refused by the
 * edge itself (no open proxy). The intake probe POSTs an empty RUM batch (no event) with --token as the client token,
 * or a placeholder.
 */
export function datadogChecks(target: DatadogTarget, options: ProbeOptions): Check[] {
    const host = target.host;
    const token = options.token ?? `pubfppverify${randomToken()}`;
    const intakePath = `/api/v2/rum?ddsource=browser&dd-api-key=${token}&dd-evp-origin=browser&dd-request-id=${randomToken()}`;
    const post = (url: string) => ({ method: "POST", url, headers: { "content-type": "text/plain;charset=UTF-8", origin: options.origin }, body: "" });
    return [
        redirectCheck(host, `${target.base}/`),
        {
            check: "POST ?ddforward=/api/v2/rum (empty batch): reaches the site's intake",
            host,
            requests: [post(ddforwardUrl(target, intakePath))],
            evaluate: ([r], env) => evaluateIntake(r, env, options.token !== undefined),
        },
        {
            check: "no open proxy: ddforward naming another host is refused",
            host,
            requests: [post(ddforwardUrl(target, "https://fpp-verify.invalid/api/v2/rum?ddsource=browser")), post(ddforwardUrl(target, "//fpp-verify.invalid/api/v2/rum"))],
            evaluate: (responses, env) => evaluateRefused(responses, env),
        },
        {
            check: "ddforward outside the intake's paths is refused",
            host,
            requests: [post(ddforwardUrl(target, "/api/v1/validate")), post(ddforwardUrl(target, "/api/v2/rum/../../v1/validate"))],
            evaluate: (responses, env) => evaluateRefused(responses, env),
        },
        noSetCookieCheck(host),
    ];
}

/** The intake's own answer (2xx, or its 4xx for a placeholder token), readable by the page (CORS). */
export function evaluateIntake(response: ProbeResponse, env: CheckEnv, knownToken: boolean): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "access-control-allow-origin");
    if (response.status === 400 || response.status === 404 || response.status === 405) {
        return fail(`${seen}: the intake was not reached`, fixes.datadogIntake());
    }
    if (!header(response, "access-control-allow-origin")) {
        return fail(`${seen}: no Access-Control-Allow-Origin, so the SDK's fetch fails and retries`, "Pass the intake's CORS headers through unchanged (no response headers policy or rule replacing them).");
    }
    if (response.status >= 200 && response.status < 300) return pass(`${seen}: the intake accepted the request`);
    if (!knownToken) return pass(`${seen}: the intake answered for a placeholder client token (pass --token for a full check)`);
    return fail(`${seen}: the intake refused the client token`, "Check --token is a client token of the Datadog site the proxy forwards to (site in the proxy's config).");
}

/** Every request answered 400 (or 404) by the edge, none forwarded anywhere. */
export function evaluateRefused(responses: readonly ProbeResponse[], env: CheckEnv): Outcome {
    const seen = responses.map((r) => describe(r, "content-type")).join("; ");
    if (responses.every((r) => r.status === 400 || r.status === 404)) return pass(`${seen}: refused at the edge`);
    const noResponse = responses.find((r) => r.status === 0);
    if (noResponse) return notFromVendor(noResponse, env) ?? fail(seen, fixes.unreachable(env.cdn));
    return fail(`${seen}: forwarded instead of refused`, fixes.datadogOpenProxy(env.cdn));
}
