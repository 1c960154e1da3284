import { describe } from "./classify";
import { fixes } from "./fixes";
import { isJavaScript, notFromVendor, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeResponse, ProxyTarget } from "./types";

type GoogleTarget = Extract<ProxyTarget, { vendor: "google" }>;

/**
 * Google tag gateway (Google's "Set up Google tag gateway for advertisers", verify step): `<path>/healthy` answers
 * `ok` when the route reaches Google, `<path>/?validate_geo=healthy` answers `ok` when the geolocation headers arrive
 * with it, and the tag's loader is served as JavaScript. Google's gateway sets its own first-party cookies, so there
 * is no check that no Set-Cookie comes back.
 */
export function googleChecks(target: GoogleTarget): Check[] {
    const { host, measurementPath, tagId } = target;
    const get = (check: string, path: string, evaluate: (r: ProbeResponse, env: CheckEnv) => Outcome): Check => ({
        check,
        host,
        requests: [{ method: "GET", url: `https://${host}${path}` }],
        evaluate: ([r], env) => evaluate(r, env),
    });
    return [
        redirectCheck(host, `${measurementPath}/healthy`),
        get(`GET ${measurementPath}/healthy`, `${measurementPath}/healthy`, (r, env) => evaluateOk(r, env, "route")),
        get(`GET ${measurementPath}/?validate_geo=healthy`, `${measurementPath}/?validate_geo=healthy`, (r, env) => evaluateOk(r, env, "geo")),
        ...(tagId ? [get(`GET ${measurementPath}/?id=${tagId}`, `${measurementPath}/?id=${encodeURIComponent(tagId)}`, evaluateLoader)] : []),
    ];
}

/** Google's health checks answer 200 with the body `ok`; anything else is the route (or the geolocation) missing. */
export function evaluateOk(response: ProbeResponse, env: CheckEnv, what: "route" | "geo"): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = `${describe(response, "content-type")}, body ${JSON.stringify(response.body.trim().slice(0, 40))}`;
    if (response.status === 200 && response.body.trim() === "ok") return pass(seen);
    return fail(`${seen}: expected 200 with the body ok`, what === "route" ? fixes.googleRoute(env.cdn) : fixes.googleGeo(env.cdn));
}

export function evaluateLoader(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "cache-control");
    if (response.status !== 200 || !isJavaScript(response)) return fail(`${seen}: expected 200 with the Google tag's JavaScript`, fixes.googleRoute(env.cdn));
    return pass(seen);
}
