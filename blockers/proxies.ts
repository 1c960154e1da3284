/*
 * The proxies under test, built from what the program PLANNED (planProgram under mocks), not from the model:
 * - Cloudflare Worker: every planned WorkersScript (its content and SETTINGS binding) in workerd via Miniflare, on its
 *   planned route patterns, its subrequests sent to the fake vendors.
 * - CloudFront: behaviour selection over the planned distribution (ordered behaviours, then the default), the
 *   viewer-request CloudFront Function of the chosen behaviour executed on the event shape AWS documents for
 *   CloudFront Functions (node:vm), then the request forwarded to the chosen origin's domain (Host) at the fake vendors.
 */
import http from "node:http";
import vm from "node:vm";
import { Plan, PlannedResource } from "../components/plan/mockPlan";
import { patternRegex } from "../test/helpers/cloudFrontEdge";
import { startPlannedWorkers } from "../test/helpers/plannedWorkers";
import { Answer } from "./fakeVendors";

export interface ProxyRequest {
    readonly url: string;
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly body?: Buffer;
}

export interface ProxyUnderTest {
    /** The hostnames the proxy answers on. */
    readonly hostnames: readonly string[];
    handle(request: ProxyRequest): Promise<Answer>;
    close(): Promise<void>;
}

const types = {
    distribution: "aws:cloudfront/distribution:Distribution",
    cfFunction: "aws:cloudfront/function:Function",
    script: "cloudflare:index/workersScript:WorkersScript",
    route: "cloudflare:index/workersRoute:WorkersRoute",
} as const;

const ofType = (plan: Plan, type: string): PlannedResource[] => plan.resources.filter((r) => r.type === type);
const inputs = (r: PlannedResource): any => r.inputs;

/** Sends a request to the fake vendors at `address` as `host` would receive it. */
export function sendUpstream(address: string, host: string, method: string, pathAndQuery: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
    const [hostname, port] = address.split(":");
    return new Promise((resolve, reject) => {
        const req = http.request({ host: hostname, port: Number(port), method, path: pathAndQuery, headers: { ...headers, host } }, async (res) => {
            const chunks: Buffer[] = [];
            for await (const chunk of res) chunks.push(chunk as Buffer);
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) if (value !== undefined && name !== "content-length" && name !== "connection") out[name] = [value].flat().join(", ");
            resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
        req.on("error", reject);
        req.end(body && body.length ? body : undefined);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Cloudflare Workers in workerd

export async function startWorkerProxies(plan: Plan, upstream: string): Promise<ProxyUnderTest> {
    const routes = ofType(plan, types.route).map(inputs);
    const mf = await startPlannedWorkers(plan, upstream);
    const hostnames = [...new Set(routes.map((r) => String(r.pattern).split("/")[0]))];
    return {
        hostnames,
        async handle(request) {
            const response = await mf.dispatchFetch(request.url, {
                method: request.method,
                headers: request.headers,
                body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
                redirect: "manual",
            });
            const headers: Record<string, string> = {};
            response.headers.forEach((value, name) => {
                if (name !== "content-length" && name !== "transfer-encoding" && name !== "content-encoding") headers[name] = value;
            });
            return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
        },
        close: () => mf.dispose(),
    };
}

// ---------------------------------------------------------------------------------------------------------------
// CloudFront

/** The query string as CloudFront Functions see it: name → {value} (or {value, multiValue} when repeated). */
function queryObject(search: URLSearchParams): Record<string, { value: string; multiValue?: { value: string }[] }> {
    const out: Record<string, { value: string; multiValue?: { value: string }[] }> = {};
    for (const [name, value] of search) {
        const seen = out[name];
        if (!seen) out[name] = { value };
        else seen.multiValue = [...(seen.multiValue ?? [{ value: seen.value }]), { value }];
    }
    return out;
}

function queryString(q: Record<string, { value: string; multiValue?: { value: string }[] }>): string {
    const parts: string[] = [];
    for (const [name, v] of Object.entries(q)) for (const one of v.multiValue ?? [v]) parts.push(one.value === "" ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(one.value)}`);
    return parts.join("&");
}

type FunctionResult = { readonly uri: string; readonly query: string } | { readonly answer: Answer };

/**
 * Runs a CloudFront Function's code on the viewer-request event AWS documents ("CloudFront Functions event structure":
 * version, context, viewer, request with method, uri, querystring, headers and cookies as objects of {value}).
 */
export function runViewerRequestFunction(code: string, host: string, method: string, url: URL, headers: Record<string, string>): FunctionResult {
    const request = {
        method,
        uri: url.pathname,
        querystring: queryObject(url.searchParams),
        headers: Object.fromEntries([...Object.entries(headers).map(([n, v]) => [n.toLowerCase(), { value: v }]), ["host", { value: host }]]),
        cookies: {},
    };
    const event = {
        version: "1.0",
        context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "blockers" },
        viewer: { ip: "198.51.100.7" },
        request,
    };
    const context = vm.createContext({ console });
    vm.runInContext(code, context, { timeout: 1000 });
    const handler = vm.runInContext("handler", context);
    if (typeof handler !== "function") throw new Error("the CloudFront Function defines no handler(event)");
    const original = url.search.slice(1);
    const result = handler(event);
    if (result && typeof result.statusCode === "number") {
        const h: Record<string, string> = {};
        for (const [name, v] of Object.entries(result.headers ?? {})) h[name] = (v as { value: string }).value;
        return { answer: { status: result.statusCode, headers: h, body: Buffer.from(typeof result.body === "string" ? result.body : result.body?.data ?? "") } };
    }
    const q = JSON.stringify(result.querystring) === JSON.stringify(queryObject(url.searchParams)) ? original : queryString(result.querystring ?? {});
    return { uri: result.uri, query: q };
}

export function cloudFrontProxies(plan: Plan, upstream: string): ProxyUnderTest {
    const distributions = ofType(plan, types.distribution);
    const functions = ofType(plan, types.cfFunction);
    if (distributions.length === 0) throw new Error("the plan has no CloudFront distribution");
    const byHost = new Map<string, any>();
    for (const d of distributions) for (const alias of inputs(d).aliases ?? []) byHost.set(alias, inputs(d));
    const functionCode = (arn: string): string => {
        const f = functions.find((r) => r.id === arn || arn.endsWith(`/${inputs(r).name ?? r.name}`) || arn.endsWith(`/${r.name}`));
        if (!f) throw new Error(`no planned CloudFront Function has the ARN ${arn}`);
        return inputs(f).code;
    };
    return {
        hostnames: [...byHost.keys()],
        async handle(request) {
            const url = new URL(request.url);
            const d = byHost.get(url.hostname);
            if (!d) return { status: 403, headers: {}, body: Buffer.from("no distribution has this alias") };
            const behaviours = [...(d.orderedCacheBehaviors ?? []), { ...d.defaultCacheBehavior, pathPattern: "*" }];
            const chosen = behaviours.find((b: any) => patternRegex(b.pathPattern).test(url.pathname));
            if (!chosen.allowedMethods.includes(request.method)) return { status: 403, headers: { "content-type": "text/html" }, body: Buffer.from("method not allowed on this behaviour") };
            let uri = url.pathname;
            let query = url.search.slice(1);
            for (const association of chosen.functionAssociations ?? []) {
                if (association.eventType !== "viewer-request") continue;
                const result = runViewerRequestFunction(functionCode(association.functionArn), url.hostname, request.method, url, request.headers);
                if ("answer" in result) return result.answer;
                ({ uri, query } = result);
            }
            const origin = d.origins.find((o: any) => o.originId === chosen.targetOriginId);
            const headers = { ...request.headers };
            delete headers.host;
            const path = `${origin.originPath ?? ""}${uri}${query ? `?${query}` : ""}`;
            return sendUpstream(upstream, origin.domainName, request.method, path, headers, request.body);
        },
        close: async () => undefined,
    };
}
