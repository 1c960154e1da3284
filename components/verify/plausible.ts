import { describe } from "./classify";
import { fixes } from "./fixes";
import { header } from "./http";
import { corsPreflightCheck, isJavaScript, noSetCookieCheck, notFromVendor, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeOptions, ProbeResponse, ProxyTarget, skip } from "./types";

type PlausibleTarget = Extract<ProxyTarget, { vendor: "plausible" }>;

/**
 * Plausible (its CloudFront proxy guide): the script from plausible.io, a CORS preflight on the event API, and with
 * --send-test-event one pageview for --site whose answer must not carry `x-plausible-dropped` (Plausible drops
 * events that arrive without the visitor's address in X-Forwarded-For, and still answers 202).
 */
export function plausibleChecks(target: PlausibleTarget, options: ProbeOptions): Check[] {
    const { host, scriptPath, eventPath } = target;
    const checks: Check[] = [
        redirectCheck(host, scriptPath),
        {
            check: `GET ${scriptPath}`,
            host,
            requests: [{ method: "GET", url: `https://${host}${scriptPath}` }],
            evaluate: ([r], env) => evaluateScript(r, env),
        },
        corsPreflightCheck(host, eventPath, options.origin),
    ];
    if (options.sendTestEvent) {
        const site = options.site;
        checks.push({
            check: `POST ${eventPath} (test pageview): not dropped`,
            host,
            requests: site
                ? [
                      {
                          method: "POST",
                          url: `https://${host}${eventPath}`,
                          headers: {
                              "content-type": "text/plain",
                              origin: options.origin,
                              "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 first-party-proxy-verify",
                          },
                          body: JSON.stringify({ n: "pageview", u: `https://${site}/first-party-proxy-verify`, d: site, r: null }),
                      },
                  ]
                : [],
            evaluate: (responses, env) => (site ? evaluateEvent(responses[0], env) : skip("pass --site <your Plausible site's domain> to send the test pageview")),
        });
    }
    checks.push(noSetCookieCheck(host));
    return checks;
}

export function evaluateScript(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "cache-control");
    if (response.status === 403) return fail(seen, fixes.hostRefused("plausible", env.cdn));
    if (response.status !== 200 || !isJavaScript(response)) return fail(`${seen}: expected 200 with Plausible's script`, fixes.plausibleScript());
    return pass(seen);
}

/** Plausible answers 202 to every event; `x-plausible-dropped` says it threw the event away. */
export function evaluateEvent(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "x-plausible-dropped");
    if (response.status === 403) return fail(seen, fixes.hostRefused("plausible", env.cdn));
    if (header(response, "x-plausible-dropped") !== undefined) return fail(`${seen}: Plausible dropped the event`, fixes.plausibleDropped(env.cdn));
    if (response.status !== 202) return fail(`${seen}: expected 202 from Plausible's event API`, fixes.plausibleDropped(env.cdn));
    return pass(`${seen}: recorded`);
}
