import { PublicRename } from "../model/publicPaths";
import { Origin, Route, VendorId, VendorRegion } from "../model/types";
import { VendorDocument } from "./documents";

/** An origin as a preset declares it: its hostname comes from the region's endpoint table. */
export type OriginTemplate = Omit<Origin, "id" | "domain" | "clientIp">;

/** A site as a preset declares it; the hostname comes from the user's config. */
export interface SiteTemplate {
    readonly role: string;
    readonly routes: readonly Route[];
}

/**
 * Everything the product knows about one vendor, as data. Endpoint hostnames may contain `{host}`, replaced by
 * the site's own hostname (VTEX's `<store host>.cdn.vtex.com`).
 */
export interface VendorPreset<OriginId extends string = string> {
    readonly id: VendorId;
    readonly displayName: string;
    /** The vendor's public document this preset follows (title and URL), or its documents when it follows several. */
    readonly source: VendorDocument | readonly VendorDocument[];
    /** Upstream hostnames per region the vendor offers. */
    readonly endpoints: { readonly [r in VendorRegion]?: { readonly [o in OriginId]: string } };
    readonly origins: { readonly [o in OriginId]: OriginTemplate };
    /** Site layouts the vendor supports. `single` is one hostname; others name their sites by role. */
    readonly layouts: { readonly single: readonly SiteTemplate[]; readonly [layout: string]: readonly SiteTemplate[] };
    /**
     * Vendor paths served under another name in the public layout, because blockers' default lists match them.
     * Only paths whose public URL the SDK takes from our outputs can be renamed (the loader script's src).
     */
    readonly publicRenames?: readonly PublicRename[];
    /**
     * Why the vendor's origins cannot do without the client's address (its proxy guide says it drops events without
     * it): `clientIp: drop` is then refused with this reason. Absent: the vendor works without it (less geolocation).
     */
    readonly clientIpRequired?: string;
    /**
     * Why the proxy needs code at the edge (a Worker, or a CloudFront viewer-request function): Cloudflare's page-rule
     * mode is then refused with this reason. Absent: page rules can serve it.
     */
    readonly edgeCodeRequired?: string;
    /** Notes shown in the stack outputs (DNS caveats, limits). */
    readonly notes: readonly string[];
    /** Steps the user takes outside the stack (support requests, go-live checks): the outputs' `todo`. */
    readonly todo?: readonly string[];
}

/** The route every preset starts from; presets spell out what differs. */
export const defaultRoute: Omit<Route, "pathPattern" | "originId"> = {
    methods: "all",
    cacheOptions: false,
    viewerProtocol: "redirect",
    cache: { mode: "disabled" },
    forward: { mode: "minimal" },
    cors: { mode: "origin" },
};
