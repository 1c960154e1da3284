import * as vm from "vm";
import { Plan, PlannedResource } from "../../components/plan/mockPlan";

/*
 * CloudFront as the tests see it, from planned resources only: behaviour selection over a distribution's inputs
 * (CloudFront's path pattern semantics, written here rather than taken from the model), then the behaviour's
 * viewer-request CloudFront Function, its planned code executed on the event shape AWS documents.
 */

/** CloudFront path pattern → anchored, case-sensitive RegExp: `*` any run, `?` one character, the rest literal. */
export function patternRegex(pattern: string): RegExp {
    const p = pattern.startsWith("/") || pattern.startsWith("*") ? pattern : `/${pattern}`;
    const body = [...p].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&"))).join("");
    return new RegExp(`^${body}$`, "s");
}

/** The event CloudFront passes a viewer-request function ("CloudFront Functions event structure", AWS docs). */
export function viewerRequestEvent(uri: string, query: string, host = "e.example.com", method = "GET") {
    const querystring = Object.fromEntries([...new URLSearchParams(query)].map(([k, v]) => [k, { value: v }]));
    return {
        version: "1.0",
        context: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "viewer-request",
            requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
        },
        viewer: { ip: "198.51.100.11" },
        request: { method, uri, querystring, headers: { host: { value: host }, accept: { value: "*/*" } }, cookies: {} },
    };
}

/** Runs a function's code as CloudFront does: a script whose `handler(event)` returns the request or a response. */
export function runFunction(code: string, event: ReturnType<typeof viewerRequestEvent>): any {
    const sandbox: { handler?: (e: unknown) => unknown } = {};
    vm.runInNewContext(`${code}\nthis.handler = handler;`, sandbox, { timeout: 1000 });
    return sandbox.handler!(JSON.parse(JSON.stringify(event)));
}

/** What CloudFront does with a request: `<origin host><path>?<query>` upstream, or the status a function answered. */
export function cloudFrontRequest(plan: Plan, distribution: PlannedResource, path: string, query: string, method = "GET"): string {
    const i = distribution.inputs as any;
    const behaviours = [...i.orderedCacheBehaviors, { ...i.defaultCacheBehavior, pathPattern: "*" }];
    const behaviour = behaviours.find((b: any) => patternRegex(b.pathPattern).test(path));
    const origin = i.origins.find((o: any) => o.originId === behaviour.targetOriginId).domainName;
    const association = (behaviour.functionAssociations ?? []).find((a: any) => a.eventType === "viewer-request");
    if (!association) return `${origin}${path}${query}`;
    const name = String(association.functionArn).split("/").pop();
    // Named by its `name` input, or (a user's function Pulumi names) by its id, which the mocks make its name.
    const fn = plan.resources.find((r) => r.type === "aws:cloudfront/function:Function" && ((r.inputs as any).name ?? r.id) === name);
    if (!fn) throw new Error(`${i.aliases[0]} ${behaviour.pathPattern}: function ${name} is not in the plan`);
    const result = runFunction((fn.inputs as any).code, viewerRequestEvent(path, query.replace(/^\?/, ""), i.aliases[0], method));
    if (result.statusCode) return String(result.statusCode);
    const qs = new URLSearchParams(Object.entries(result.querystring as Record<string, { value: string }>).map(([k, v]) => [k, v.value])).toString();
    return `${origin}${result.uri}${qs ? `?${qs}` : ""}`;
}
