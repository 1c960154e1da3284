import { customRoute, CustomRouteOptions } from "../vendors/custom";
import { literalPrefix } from "./publicPaths";
import { ClientIpMode, Origin, Route } from "./types";

/*
 * A custom vendor (`vendor: custom`) as the model's origins and vendor routes, and the guardrails its config passes:
 * origins that are public HTTPS hostnames, and routes each of which can match (checked here, as pure functions, so
 * the config schema and buildProxySpec apply the same rules).
 */

/** A route as the config writes it: a path pattern, the origin it goes to, and its options. */
export interface CustomRouteSpec extends CustomRouteOptions {
    readonly path: string;
    readonly origin: string;
    /** Whether the origin gets the viewer's address (as the proxy's `clientIp` allows). */
    readonly clientIp: boolean;
}

/** Origin ids: short lower-case names (they also name CloudFront origins and Worker settings). */
export const customOriginIdPattern = /^[a-z][a-z0-9]{0,15}$/;

/**
 * The path patterns a custom route takes: the catch-all `*`, or a literal path prefix followed by `*` (`/js/*`,
 * `/v1*`), matched as CloudFront matches (case-sensitive). A prefix is what the public layout can move under the
 * proxy's prefix and rewrite back, on both CDNs.
 */
export const customPathPattern = /^(\*|\/[A-Za-z0-9._~!$&'()+,;=:@%/-]{0,200}\*)$/;

/** Why a custom route order cannot be served as written: routes no request can reach, or no catch-all last. */
export function routeOrderProblems(paths: readonly string[]): { readonly index: number; readonly message: string }[] {
    const problems: { index: number; message: string }[] = [];
    paths.forEach((path, j) => {
        if (!customPathPattern.test(path)) return;
        const earlier = paths.slice(0, j).findIndex((p) => customPathPattern.test(p) && literalPrefix(path).startsWith(literalPrefix(p)));
        if (earlier !== -1) {
            const catchAll = paths[earlier] === "*";
            problems.push({
                index: j,
                message: catchAll
                    ? `route ${path} is never reached: the catch-all * of routes[${earlier}] comes first; the catch-all must be the last route`
                    : `route ${path} is never reached: routes[${earlier}] (${paths[earlier]}) comes first and matches every path it does; put the more specific route first`,
            });
        }
    });
    if (paths.length > 0 && paths[paths.length - 1] !== "*" && !paths.includes("*")) {
        problems.push({ index: paths.length - 1, message: "the last route must be the catch-all * (where every path no other route takes goes)" });
    }
    return problems;
}

/** Top-level names that never reach the public Internet: special-use (RFC 6761, 6762, 8375), ICANN's .internal, and private habits. */
const privateSuffixes = ["localhost", "local", "internal", "home.arpa", "test", "invalid", "onion", "lan", "home", "corp", "intranet", "private", "localdomain", "in-addr.arpa", "ip6.arpa"];
/** Public wildcard-DNS services that answer any address written into the name (127.0.0.1.nip.io is loopback). */
const addressInNameServices = ["nip.io", "sslip.io", "xip.io", "localtest.me", "lvh.me"];

/**
 * Why a (syntactically valid) hostname is not a public origin a proxy may fetch from: loopback, link-local or private
 * names, and names that embed an IP address. Undefined when it is one.
 */
export function privateHostnameProblem(host: string): string | undefined {
    const h = host.toLowerCase();
    const suffix = privateSuffixes.find((s) => h === s || h.endsWith(`.${s}`));
    if (suffix) return `is a ${suffix === "localhost" ? "loopback" : "private or link-local"} name (.${suffix}), which a CDN cannot and must not reach`;
    const service = addressInNameServices.find((s) => h === s || h.endsWith(`.${s}`));
    if (service) return `uses ${service}, which resolves to whatever address the name spells (loopback and private ones included)`;
    if (/(^|[.-])\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3}([.-]|$)/.test(h)) return "embeds an IP address; give the origin's own DNS name";
    return undefined;
}

/** The model's origins and vendor routes of a custom vendor, in the config's order. */
export function customOriginsAndRoutes(
    origins: { readonly [id: string]: string },
    routes: readonly CustomRouteSpec[],
    clientIp: ClientIpMode,
): { origins: Origin[]; routes: Route[] } {
    // The model keeps cookies and the client's address per origin: one model origin per distinct combination a
    // route asks of a configured origin, the first named as configured, the others `<id>-2`, `<id>-3` (ids have no hyphen).
    const modelOrigins: Origin[] = [];
    const idOf = new Map<string, string>();
    const modelRoutes = routes.map((r): Route => {
        const domain = origins[r.origin];
        if (domain === undefined) throw new Error(`route ${r.path} names origin ${r.origin}, which origins does not define`);
        const key = `${r.origin}\u0000${r.cookies}\u0000${r.clientIp}`;
        let id = idOf.get(key);
        if (id === undefined) {
            const taken = modelOrigins.filter((o) => o.domain === domain && (o.id === r.origin || o.id.startsWith(`${r.origin}-`))).length;
            id = taken === 0 ? r.origin : `${r.origin}-${taken + 1}`;
            idOf.set(key, id);
            modelOrigins.push({
                id,
                domain,
                protocol: "https",
                host: "origin",
                forwardClientIp: r.clientIp,
                clientIp: r.clientIp ? clientIp : "drop",
                cookies: r.cookies,
            });
        }
        return { ...customRoute(r), pathPattern: r.path, originId: id };
    });
    const problems = routeOrderProblems(routes.map((r) => r.path));
    if (problems.length > 0) throw new Error(problems.map((p) => `routes[${p.index}]: ${p.message}`).join("; "));
    return { origins: modelOrigins, routes: modelRoutes };
}
