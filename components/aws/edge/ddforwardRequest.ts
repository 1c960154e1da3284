/*
 * The CloudFront Function (viewer-request, runtime cloudfront-js-2.0) of a Datadog intake behaviour. Bundled by
 * esbuild on its own (not with viewerRequest.ts, whose functions every other proxy shares and whose code must not
 * change for them), with the model's ddforwardTarget: CloudFront checks ddforward with the same code as the Worker.
 */
import { ddforwardTarget } from "../../model/pathRewrite";
import type { QueryTarget } from "../../model/types";
import type { GeneratedResponse, ViewerQuerystring, ViewerRequest } from "./viewerRequest";

/**
 * Datadog's `ddforward` (model/pathRewrite.ts, the same check as the Worker's): the request's uri and query string
 * become the intake path and parameters it names; anything else is answered 400 (405 for a method other than POST)
 * without contacting the origin, which is the behaviour's fixed intake host.
 */
export function ddforwardViewerRequest(target: QueryTarget, request: ViewerRequest): ViewerRequest | GeneratedResponse {
    const querystring = request.querystring || {};
    const names = Object.keys(querystring);
    const ddforward = querystring.ddforward;
    // A repeated ddforward is as ambiguous as a missing one.
    const raw = ddforward && !(ddforward.multiValue && ddforward.multiValue.length > 1) ? ddforward.value : undefined;
    const named = ddforwardTarget(target, request.method || "GET", names, raw);
    if (!named.ok) return refused(named.status, named.status === 405 ? "Method Not Allowed" : "Bad Request");
    const upstream: ViewerQuerystring = {};
    if (named.query !== "") {
        const params = named.query.split("&");
        for (let i = 0; i < params.length; i++) {
            const eq = params[i].indexOf("=");
            const name = params[i].slice(0, eq);
            const value = params[i].slice(eq + 1);
            const seen = upstream[name];
            if (!seen) upstream[name] = { value };
            else seen.multiValue = (seen.multiValue || [{ value: seen.value }]).concat([{ value }]);
        }
    }
    request.uri = named.path;
    request.querystring = upstream;
    return request;
}

function refused(statusCode: number, statusDescription: string): GeneratedResponse {
    const headers: { [name: string]: { value: string } } = { "content-type": { value: "text/plain; charset=utf-8" }, "cache-control": { value: "no-store" } };
    if (statusCode === 405) headers.allow = { value: "POST" };
    return { statusCode, statusDescription, headers };
}

