/*
 * The request headers sent upstream.
 */
import { anonymizeClientIp } from "./clientIp";

/**
 * Connection-scoped headers (RFC 9110 7.6.1), and request headers that must not reach a vendor: the viewer's Host,
 * Expect (workerd would relay the origin's interim 100 Continue as the final response), Cloudflare's loop marker,
 * client-supplied forwarding claims, and path overrides some backends honour. cf-* and x-forwarded-* go too.
 * Content-Length is framing, not content: fetch() frames the upstream request from the body it is given (the viewer's
 * declared length when there was one, chunked when not), and a copied header costs workerd a conversion for nothing.
 */
const droppedRequestHeaders: ReadonlySet<string> = new Set([
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "expect", "cdn-loop", "forwarded", "x-original-url", "x-rewrite-url",
    "content-length",
    // Forged client claims: addresses a vendor could take for the client's (X-Forwarded-For is set from
    // CF-Connecting-IP instead), hosts it could take for the one asked, and method overrides some frameworks honour.
    // None of them is a header a vendor's SDK sends.
    "x-real-ip", "true-client-ip", "x-client-ip", "x-cluster-client-ip", "client-ip", "x-originating-ip", "x-remote-ip",
    "x-remote-addr", "fastly-client-ip", "x-host", "x-original-host", "x-http-method-override", "x-http-method",
    "x-method-override",
]);

/**
 * Whether a name spelled with underscores is one of the above once they are read as hyphens. workerd passes such
 * names through as they came (`x_forwarded_for` stays a header of its own), and CGI-style backends read `_` and `-`
 * alike, so `X_Forwarded_For` would stand in for the X-Forwarded-For the Worker sets. Only names with an underscore
 * (almost none) get here.
 */
function isDroppedUnderscoreName(name: string): boolean {
    const hyphenated = name.replaceAll("_", "-");
    return droppedRequestHeaders.has(hyphenated) || hyphenated.startsWith("cf-") || hyphenated.startsWith("x-forwarded-");
}

/** What one pass over the incoming headers collects (forEach's thisArg). */
export interface HeaderScan {
    readonly headers: Record<string, string>;
    readonly stripCookies: boolean;
    /** The lower-cased Connection header, if any: the headers it names are connection-scoped. */
    connection: string;
    /** CF-Connecting-IP: the address Cloudflare's edge saw. */
    clientIp: string | null;
    /** The viewer's declared Content-Length, if any. */
    contentLength: string | null;
}

/**
 * The forEach callback: one module-level function with its state as forEach's thisArg, so no closure (and no context
 * for its variables) is allocated per request.
 */
function collectUpstreamHeader(this: HeaderScan, value: string, name: string): void {
    if (droppedRequestHeaders.has(name) || name.startsWith("cf-") || name.startsWith("x-forwarded-")) {
        if (name === "connection") this.connection = value.toLowerCase();
        else if (name === "cf-connecting-ip") this.clientIp = value;
        else if (name === "content-length") this.contentLength = value;
    } else if ((name !== "cookie" || !this.stripCookies) && (!name.includes("_") || !isDroppedUnderscoreName(name))) {
        this.headers[name] = value;
    }
}

/** What scanRequestHeaders needs to know of the origin. */
export interface HeaderPolicy {
    readonly forwardClientIp: boolean;
    /** Send the client's /24 (IPv4) or /48 (IPv6) network instead of its address. */
    readonly anonymizeClientIp: boolean;
    readonly stripCookies: boolean;
}

/**
 * The headers sent upstream (`headers`) and the viewer's declared body length, from one pass. The headers are a plain
 * object: fetch() converts it in one call. Every call into a Headers object crosses into the runtime, so the
 * incoming ones are read in a single forEach and nothing else is asked of them. forEach, like iteration, gives each
 * name once, with repeated fields joined.
 */
export function scanRequestHeaders(incoming: Headers, origin: HeaderPolicy): HeaderScan {
    const scan: HeaderScan = {
        headers: Object.create(null),
        connection: "",
        clientIp: null,
        contentLength: null,
        stripCookies: origin.stripCookies,
    };
    incoming.forEach(collectUpstreamHeader, scan);
    const headers = scan.headers;
    // Headers the client named as connection-scoped.
    if (scan.connection) for (const token of scan.connection.split(",")) delete headers[token.trim()];
    // PostHog geolocates the first X-Forwarded-For address: the client's, never an edge's.
    // With clientIp: anonymize, only the network leaves the edge; an address that does not parse is not sent at all.
    if (origin.forwardClientIp && scan.clientIp) {
        const sent = origin.anonymizeClientIp ? anonymizeClientIp(scan.clientIp) : scan.clientIp;
        if (sent !== undefined) headers["x-forwarded-for"] = sent;
    }
    return scan;
}

/** What of Cloudflare's `request.cf` the geolocation headers are made of. */
export interface ViewerLocation {
    /** ISO 3166-1 alpha-2 country code. */
    readonly country?: unknown;
    /** ISO 3166-2 region code, without the country. */
    readonly regionCode?: unknown;
}

/**
 * The viewer's country and region as X-Forwarded-Country, X-Forwarded-Region and X-Forwarded-CountryRegion (`US-CA`),
 * the headers Google's tag gateway reads. The viewer's own x-forwarded-* never reach `headers` (collectUpstreamHeader).
 */
export function addViewerGeo(headers: Record<string, string>, cf: ViewerLocation | undefined): void {
    const country = typeof cf?.country === "string" && cf.country !== "" && cf.country !== "T1" ? cf.country : undefined;
    const region = typeof cf?.regionCode === "string" && cf.regionCode !== "" ? cf.regionCode : undefined;
    if (country) {
        headers["x-forwarded-country"] = country;
        headers["x-forwarded-countryregion"] = region ? `${country}-${region}` : country;
    }
    if (region) headers["x-forwarded-region"] = region;
}
