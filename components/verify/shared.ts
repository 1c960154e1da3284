import { classify, describe } from "./classify";
import { fixes } from "./fixes";
import { header, hostnameOf } from "./http";
import { Check, CheckEnv, fail, Outcome, pass, ProbeResponse, skip } from "./types";

/*
 * Checks every proxy gets, whatever the vendor: the HTTPS redirect, CORS preflights, no Set-Cookie from our layer,
 * and the test that a response is the vendor's and not an error page of the CDN in front of it.
 */

/**
 * undefined if `response` is the vendor's answer; otherwise the failure: no response, a CloudFront or Cloudflare
 * error page, an answer of the Worker itself, or a 5xx.
 */
export function notFromVendor(response: ProbeResponse, env: CheckEnv): Outcome | undefined {
    const answer = classify(response);
    const vendor = env.target.vendor;
    switch (answer.by) {
        case "no-response":
            return fail(`no response: ${answer.reason}`, fixes.unreachable(env.cdn));
        case "cloudfront-error":
            return fail(
                `CloudFront error page, not ${vendor}: ${answer.reason}`,
                response.status === 403 || /Bad request/i.test(answer.reason) ? fixes.hostRefused(vendor, env.cdn) : fixes.originError(env.cdn),
            );
        case "cloudflare-error":
            return fail(`Cloudflare error page, not ${vendor}: ${answer.reason}`, fixes.cloudflareError(answer.code, vendor));
        case "worker-error":
            return fail(answer.reason, fixes.workerError(answer.reason));
        case "vendor":
            if (response.status >= 500) return fail(`${describe(response, "content-type")}: the origin failed`, fixes.originError(env.cdn));
            return undefined;
    }
}

/** Plain HTTP must be redirected (301 or 308) to the same URL over HTTPS. */
export function redirectCheck(host: string, path: string): Check {
    // Plain HTTP goes to port 80 of the name: a port in `host` is the HTTPS one.
    const url = `http://${hostnameOf(host)}${path}`;
    const expected = `https://${host}${path}`;
    return {
        check: "http → https",
        host,
        requests: [{ method: "GET", url }],
        evaluate: ([response], env) => evaluateRedirect(response, expected, env),
    };
}

export function evaluateRedirect(response: ProbeResponse, expected: string, env: CheckEnv): Outcome {
    const location = header(response, "location");
    const seen = describe(response, "location");
    if (response.status === 301 || response.status === 308) {
        if (location === expected) return pass(`${response.status} → ${location}`);
        // A relative Location resolves against the plain-HTTP URL, so it would not reach HTTPS.
        if (location && new URL(location, response.request.url).href === expected) return pass(`${response.status} → ${location}`);
        return fail(`${seen}: expected Location ${expected}`, fixes.redirect(env.cdn));
    }
    if (response.status === 0) return fail(`GET ${new URL(expected).pathname} over HTTP: no response (${response.error})`, fixes.unreachable(env.cdn));
    if (response.status >= 300 && response.status < 400) {
        return fail(`${seen}: a temporary redirect; expected 301 or 308 to ${expected}`, fixes.redirect(env.cdn));
    }
    return fail(`GET ${new URL(expected).pathname} over HTTP: ${seen}; plain HTTP was served instead of redirected to HTTPS`, fixes.redirect(env.cdn));
}

/**
 * A browser's CORS preflight from `origin` for `method` with a JSON body: it must be answered 2xx with
 * Access-Control-Allow-Origin (the origin or `*`), Access-Control-Allow-Methods naming the method, and
 * Access-Control-Allow-Headers covering Content-Type.
 */
export function corsPreflightCheck(host: string, path: string, origin: string, method = "POST"): Check {
    return {
        check: `CORS preflight (OPTIONS ${path})`,
        host,
        requests: [
            {
                method: "OPTIONS",
                url: `https://${host}${path}`,
                headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" },
            },
        ],
        evaluate: ([response], env) => evaluatePreflight(response, origin, method, env),
    };
}

export function evaluatePreflight(response: ProbeResponse, origin: string, method: string, env: CheckEnv): Outcome {
    const problem = notFromVendor(response, env);
    if (problem) return problem;
    const seen = describe(response, "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers");
    const fix = fixes.cors(env.target.vendor, env.cdn);
    if (response.status === 403) return fail(`${seen}: the preflight was refused`, fixes.hostRefused(env.target.vendor, env.cdn));
    if (response.status < 200 || response.status >= 300) return fail(`${seen}: a preflight must be answered 2xx`, fix);
    const allowOrigin = header(response, "access-control-allow-origin");
    if (allowOrigin !== origin && allowOrigin !== "*") return fail(`${seen}: no Access-Control-Allow-Origin for ${origin}`, fix);
    const allowMethods = listOf(header(response, "access-control-allow-methods"));
    if (!allowMethods.includes(method) && !allowMethods.includes("*")) return fail(`${seen}: Access-Control-Allow-Methods lacks ${method}`, fix);
    const allowHeaders = listOf(header(response, "access-control-allow-headers"));
    if (!allowHeaders.includes("CONTENT-TYPE") && !allowHeaders.includes("*")) return fail(`${seen}: Access-Control-Allow-Headers lacks Content-Type`, fix);
    return pass(seen);
}

const listOf = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);

/** No response from the host, of all the probes sent to it, may carry Set-Cookie (every vendor but VTEX). */
export function noSetCookieCheck(host: string): Check {
    return {
        check: "no Set-Cookie from the proxy",
        host,
        requests: [],
        evaluate: (_, env) => evaluateSetCookie(env.responsesFrom(host), env),
    };
}

export function evaluateSetCookie(responses: readonly ProbeResponse[], env: CheckEnv): Outcome {
    const answered = responses.filter((r) => r.status !== 0);
    const withCookies = answered.filter((r) => header(r, "set-cookie") !== undefined);
    if (answered.length === 0) return skip("nothing to check: no response came back (see the rows above)");
    if (withCookies.length === 0) return pass(`none on ${answered.length} response${answered.length === 1 ? "" : "s"}`);
    const cookies = withCookies.flatMap((r) => [r.headers["set-cookie"] ?? []].flat());
    const names = [...new Set(cookies.map((c) => c.split("=")[0].trim()))];
    const paths = [...new Set(withCookies.map((r) => `${r.request.method} ${new URL(r.request.url).pathname}`))];
    return fail(
        `Set-Cookie ${names.join(", ")} on ${paths.join(", ")}: ${env.target.vendor}'s endpoints set none, so something in front added it`,
        fixes.setCookie(names, env.cdn),
    );
}

/** Whether a response's Content-Type is JavaScript. */
export const isJavaScript = (response: ProbeResponse) => /javascript|ecmascript/i.test(header(response, "content-type") ?? "");

/** Whether a response's body parses as JSON. */
export function isJson(response: ProbeResponse): boolean {
    try {
        JSON.parse(response.body);
        return true;
    } catch {
        return false;
    }
}

/** A short random token for placeholder keys and ACME paths, so that nothing real is ever hit. */
export function randomToken(): string {
    return Math.random().toString(36).slice(2, 12);
}
