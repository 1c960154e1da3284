import { describe } from "./classify";
import { fixes } from "./fixes";
import { header } from "./http";
import { notFromVendor, redirectCheck } from "./shared";
import { Check, CheckEnv, fail, Outcome, pass, ProbeResponse, ProxyTarget } from "./types";

type CustomTarget = Extract<ProxyTarget, { vendor: "custom" }>;

/**
 * A custom vendor: nothing is known of its endpoints but the base URL, so the checks are the ones every proxy owes:
 * HTTPS redirect, and a request to the base that an origin answers (not an error page of the CDN or the Worker).
 */
export function customChecks(target: CustomTarget): Check[] {
    const { host, base } = target;
    return [
        redirectCheck(host, `${base}/`),
        {
            check: `GET ${base}/`,
            host,
            requests: [{ method: "GET", url: `https://${host}${base}/` }],
            evaluate: ([r], env) => evaluateReached(r, env),
        },
    ];
}

/** Any answer of the origin will do (a 404 of its own included); an error page in front of it will not. */
export function evaluateReached(response: ProbeResponse, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "content-type", "server");
    if (response.status === 403 || response.status === 421) return fail(`${seen}: the origin refused the request`, fixes.hostRefused("custom", env.cdn));
    // The CloudFront Function's 404 outside a proxy's prefix: empty, text/plain, no-store (the Worker's is classified above).
    const edgeNotFound = response.status === 404 && response.body === "" && /^text\/plain/.test(header(response, "content-type") ?? "") && header(response, "cache-control") === "no-store";
    if (edgeNotFound) return fail(`${seen}: the edge's own 404, no route took the path`, fixes.customRoute(env.cdn));
    return pass(`${seen}: answered by the origin`);
}
