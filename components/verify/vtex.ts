import { describe } from "./classify";
import { fixes } from "./fixes";
import { header, hostnameOf } from "./http";
import { notFromVendor, randomToken, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeResponse, ProxyTarget } from "./types";

type VtexTarget = Extract<ProxyTarget, { vendor: "vtex" }>;

/**
 * VTEX (VTEX's reverse proxy guide): `/.well-known/acme-challenge/*` must reach VTEX over plain HTTP unchanged (no redirect, no
 * block), or VTEX cannot issue the store's certificate; everything else is redirected to HTTPS and served by
 * VTEX. The store's cookies are its own, so no Set-Cookie check; CORS is the store's, so no preflight check.
 */
export function vtexChecks(target: VtexTarget): Check[] {
    const host = target.host;
    const challenge = `/.well-known/acme-challenge/first-party-proxy-verify-${randomToken()}`;
    return [
        redirectCheck(host, "/"),
        {
            check: "ACME challenge over plain HTTP",
            host,
            requests: [{ method: "GET", url: `http://${hostnameOf(host)}${challenge}` }],
            evaluate: ([r], env) => evaluateAcme(r, env),
        },
        {
            check: "GET / (store)",
            host,
            requests: [{ method: "GET", url: `https://${host}/` }],
            evaluate: ([r], env) => evaluateStore(r, env),
        },
    ];
}

/** Any answer from VTEX that is not a redirect passes (a 404 for the random token is expected). */
export function evaluateAcme(response: ProbeResponse, env: CheckEnv): Outcome {
    const seen = describe(response, "location", "content-type");
    if (response.status >= 300 && response.status < 400) {
        return fail(`${seen}: the challenge was redirected; VTEX must get it over plain HTTP`, fixes.acmeRedirected(env.cdn));
    }
    const problem = notFromVendor(response, env);
    if (problem) return { ...problem, fix: response.status === 0 ? problem.fix : fixes.acmeBlocked(env.cdn) };
    if (response.status === 403) return fail(`${seen}: the challenge was refused`, fixes.acmeBlocked(env.cdn));
    return pass(`${seen}: VTEX answered over plain HTTP`);
}

export function evaluateStore(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "location");
    if (response.status === 403 || response.status === 421) return fail(seen, fixes.hostRefused("vtex", env.cdn));
    const location = header(response, "location");
    if (location && /\.cdn\.vtex\.com/i.test(location)) {
        return fail(`${seen}: VTEX redirected to its CDN hostname, so it did not see the store's Host`, fixes.hostRefused("vtex", env.cdn));
    }
    return pass(seen);
}
