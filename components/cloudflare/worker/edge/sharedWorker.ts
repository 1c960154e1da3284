/*
 * The shared proxy Worker (`cloudflare.workerScripts: shared`): one script serves every site of a vendor layout in an
 * account, and picks the site's settings by the request's hostname (and, on a shared host, its path prefix). The
 * sites are data the program writes at the top of the uploaded module (../source.ts: sharedWorkerModuleSource), not
 * bindings: a Worker takes 64 (Free) or 128 (Paid) environment variables of 5 KB, while a module may be megabytes.
 *
 * A hostname the table does not hold gets the proxy's refusal (404) and nothing is fetched: the script is no more an
 * open proxy than the one-site Worker.
 */
import type { SharedWorkerSites } from "../settings";
import { notFound, proxy } from "./proxy";
import { indexSharedSites, sharedSiteFor } from "./sites";

/** Declared by the line the program writes before this bundle (sharedSitesIdentifier in ../source.ts). */
declare const FIRST_PARTY_PROXY_SITES: SharedWorkerSites;

// Once per isolate: the table as a Map. Per request, one Map look-up by hostname.
const sites = indexSharedSites(FIRST_PARTY_PROXY_SITES);

export default {
    fetch(request) {
        const settings = sharedSiteFor(sites, request.url);
        return settings === undefined ? notFound() : proxy(request, settings);
    },
} satisfies ExportedHandler;
