/*
 * The CloudFront Function (viewer-request, runtime cloudfront-js-2.0) of a proxy with public paths. Bundled by esbuild
 * with the model's rewritePath, so CloudFront rewrites with the same code as the Worker. It runs only on behaviours
 * whose pattern already matched a public path; it is billed per request, so it does as little as it can.
 */
import { rewritePath } from "../../model/pathRewrite";
import type { PathRewrite } from "../../model/types";

/**
 * What the function knows, independent of the proxy's own prefix, so that every proxy of one vendor layout (and
 * prefix depth) shares one function: CloudFront Functions are an account quota.
 */
export interface RewriteTable {
    /** Path segments of the proxy's prefix, removed before the rewrites apply. */
    readonly prefixSegments: number;
    /**
     * In route order, relative to the prefix: the first whose `from` starts the remaining path applies; with none,
     * the remaining path is sent as it is.
     */
    readonly rewrites: readonly PathRewrite[];
}

/** A query string as CloudFront Functions give it: name → value (with `multiValue` when the name repeats). */
export interface ViewerQuerystring {
    [name: string]: { value: string; multiValue?: { value: string }[] };
}

/** The parts of a CloudFront Functions viewer-request event's request this function reads and writes. */
export interface ViewerRequest {
    uri: string;
    method?: string;
    querystring?: ViewerQuerystring;
    [key: string]: unknown;
}

/** A response a CloudFront Function generates (CloudFront Functions event structure, `response`). */
export interface GeneratedResponse {
    readonly statusCode: number;
    readonly statusDescription: string;
    readonly headers: { readonly [name: string]: { readonly value: string } };
}

/**
 * The request with its uri rewritten to the vendor's path (the query string is a separate field, left as is); 404
 * for a uri shorter than the prefix, which no behaviour that runs this function matches.
 */
export function rewriteViewerRequest(table: RewriteTable, request: ViewerRequest): ViewerRequest | GeneratedResponse {
    const uri = request.uri;
    let cut = 0;
    for (let i = 0; i < table.prefixSegments && cut !== -1; i++) cut = uri.indexOf("/", cut + 1);
    if (cut <= 0) return notFound();
    const rest = uri.slice(cut);
    let upstream = rest;
    for (let i = 0; i < table.rewrites.length; i++) {
        const rewrite = table.rewrites[i];
        if (rest.startsWith(rewrite.from)) {
            upstream = rewritePath(rewrite, rest);
            break;
        }
    }
    request.uri = upstream;
    return request;
}

/** The answer for paths outside the proxy's prefix: no origin is contacted. */
export function notFound(): GeneratedResponse {
    return {
        statusCode: 404,
        statusDescription: "Not Found",
        headers: { "content-type": { value: "text/plain; charset=utf-8" }, "cache-control": { value: "no-store" } },
    };
}

/** The geolocation headers Google's tag gateway reads ("Set up Google tag gateway for advertisers", manual setup). */
const forwardedGeoHeaders = ["x-forwarded-country", "x-forwarded-region", "x-forwarded-countryregion"];

/**
 * The viewer's country and region (CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region, which CloudFront
 * sets from the viewer's address and passes functions when an origin request policy includes them) as
 * X-Forwarded-Country, X-Forwarded-Region and X-Forwarded-CountryRegion (`US-CA`). Copies the viewer sent are
 * dropped first: the vendor trusts these headers, so only the edge may set them.
 */
export function forwardViewerGeo(request: ViewerRequest): ViewerRequest {
    const headers = (request.headers || {}) as { [name: string]: { value: string } | undefined };
    for (let i = 0; i < forwardedGeoHeaders.length; i++) delete headers[forwardedGeoHeaders[i]];
    const country = headers["cloudfront-viewer-country"];
    const region = headers["cloudfront-viewer-country-region"];
    if (country && country.value) {
        headers["x-forwarded-country"] = { value: country.value };
        headers["x-forwarded-countryregion"] = { value: region && region.value ? `${country.value}-${region.value}` : country.value };
    }
    if (region && region.value) headers["x-forwarded-region"] = { value: region.value };
    request.headers = headers;
    return request;
}
