import { buildSync } from "esbuild";
import * as path from "path";
import { literalPrefix } from "../model/publicPaths";
import { cloudFrontBundleFile, CloudFrontEdgeFile, prebuiltBundle } from "../prebuiltBundle";
import { QueryTarget, Route, Site } from "../model/types";
import { RewriteTable } from "./edge/viewerRequest";

/** The runtime CloudFront Functions code is written for. */
export const cloudFrontFunctionRuntime = "cloudfront-js-2.0";

/** CloudFront's limit on a function's code; ours stays far below it. */
export const cloudFrontFunctionMaxBytes = 10_240;

const projectRoot = path.resolve(__dirname, "..", "..");
const bundled = new Map<string, string>();

/**
 * An edge module (components/aws/edge/<file>) and the model code it imports, as plain top-level functions: CloudFront
 * Functions take a script, not a module, so the bundle's one `export {...}` statement is dropped. Identifiers are
 * kept, so the handler calls the functions by their source names.
 */
export function edgeBundle(file: CloudFrontEdgeFile): string {
    let text = bundled.get(file) ?? prebuiltBundle(path.join(__dirname, cloudFrontBundleFile(file)));
    if (text === undefined) {
        const out = buildSync({
            entryPoints: [path.join(__dirname, "edge", file)],
            absWorkingDir: projectRoot,
            bundle: true,
            write: false,
            format: "esm",
            platform: "neutral",
            target: "es2020",
            minifyWhitespace: true,
            minifySyntax: true,
            legalComments: "none",
            charset: "ascii",
        }).outputFiles[0].text;
        const exports = out.match(/export\s*\{[^}]*\};?\s*$/);
        if (!exports) throw new Error(`esbuild's bundle of the CloudFront Function ${file} has no final export statement to drop`);
        text = out.slice(0, exports.index).trim();
    }
    bundled.set(file, text);
    return text;
}

/** A CloudFront Function's code: the bundle of `file`, then the `handler` CloudFront calls. */
function functionCode(handlerBody: string, file: CloudFrontEdgeFile = "viewerRequest.ts"): string {
    return `${edgeBundle(file)}\nfunction handler(event) {\n${handlerBody}\n}\n`;
}

/**
 * What a site's rewrite function needs: its routes' rewrites relative to the prefix. Routes that only drop the
 * prefix are left out unless a later rewrite would otherwise take their paths, so that every proxy of a vendor
 * layout — and every layout that only drops its prefix — shares one function.
 */
export function rewriteTable(site: Site, prefix: string): RewriteTable {
    const relative = site.routes
        .filter((r) => r.answer === undefined)
        .map((r) => {
            const from = r.rewrite?.from ?? literalPrefix(r.pathPattern);
            const to = r.rewrite?.to ?? from;
            if (!from.startsWith(prefix)) throw new Error(`${site.hostname}: route ${r.pathPattern} is outside the prefix ${prefix}`);
            return { from: from.slice(prefix.length), to };
        });
    const rewrites = relative.filter(
        (r, i) => r.from !== r.to || relative.slice(i + 1).some((later) => later.from !== later.to && later.from.startsWith(r.from)),
    );
    return { prefixSegments: prefix.split("/").length - 1, rewrites };
}

/** The viewer-request code that rewrites a site's public paths to the vendor's. */
export function rewriteFunctionCode(table: RewriteTable): string {
    return functionCode(`  return rewriteViewerRequest(${JSON.stringify(table)}, event.request);`);
}

/**
 * The viewer-request code of a route that sends the viewer's geolocation headers (`viewerGeo`), after rewriting its
 * public path where the site rewrites (`table`).
 */
export function geoFunctionCode(table: RewriteTable | undefined): string {
    if (table === undefined) return functionCode("  return forwardViewerGeo(event.request);");
    return functionCode(
        [
            `  var request = rewriteViewerRequest(${JSON.stringify(table)}, event.request);`,
            "  return request.statusCode ? request : forwardViewerGeo(request);",
        ].join("\n"),
    );
}

/** The viewer-request code of a site's default behaviour in a public layout: 404 without contacting an origin. */
export function notFoundFunctionCode(): string {
    return functionCode("  return notFound();");
}

/** The viewer-request code of a Datadog intake behaviour: the upstream path and query from `ddforward`, checked. */
export function ddforwardFunctionCode(target: QueryTarget): string {
    return functionCode(`  return ddforwardViewerRequest(${JSON.stringify(target)}, event.request);`, "ddforwardRequest.ts");
}

/** Which function, if any, a route's behaviour runs on viewer request. */
export function viewerRequestFunctionOf(route: Route): "rewrite" | "notFound" | "geo" | "rewriteAndGeo" | "queryTarget" | undefined {
    if (route.answer === "notFound") return "notFound";
    if (route.queryTarget !== undefined) return "queryTarget";
    if (route.viewerGeo !== undefined) return route.rewrite !== undefined ? "rewriteAndGeo" : "geo";
    return route.rewrite !== undefined ? "rewrite" : undefined;
}

/** A CloudFront Function's code, and the comment it is created with. */
export interface ViewerRequestFunctionCode {
    readonly code: string;
    readonly comment: string;
}

/**
 * For each route of a site, in order, the function its behaviour runs on viewer request (undefined: none). The stack
 * creates one function per distinct code (ViewerRequestFunctions), and the quota check counts these same codes.
 */
export function siteViewerRequestFunctions(site: Site, prefix: string | undefined): (ViewerRequestFunctionCode | undefined)[] {
    let rewrite: ViewerRequestFunctionCode | undefined;
    const geoComment = "first-party-proxy: the viewer's country and region as X-Forwarded-Country(Region) headers";
    return site.routes.map((route) => {
        switch (viewerRequestFunctionOf(route)) {
            case "notFound":
                return { code: notFoundFunctionCode(), comment: "first-party-proxy: 404 outside a proxy's path prefix" };
            case "queryTarget":
                return { code: ddforwardFunctionCode(route.queryTarget!), comment: "first-party-proxy: Datadog's ddforward to the site's intake, checked" };
            case "rewrite":
                rewrite ??= {
                    code: rewriteFunctionCode(rewriteTable(site, prefix ?? "")),
                    comment: "first-party-proxy: rewrites a proxy's public paths to the vendor's",
                };
                return rewrite;
            case "geo":
                return { code: geoFunctionCode(undefined), comment: geoComment };
            case "rewriteAndGeo":
                return { code: geoFunctionCode(rewriteTable(site, prefix ?? "")), comment: `${geoComment}, after the path rewrite` };
            case undefined:
                return undefined;
        }
    });
}
