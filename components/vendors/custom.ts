import { Route } from "../model/types";
import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

/*
 * A vendor of the user's own (`vendor: custom`): its origins and ordered routes come from the config, checked by the
 * same schema and guardrails as the presets (HTTPS hostnames only, no wildcard, IP, private, loopback or link-local
 * names, routes in an order where each one can match, the catch-all last). This preset holds only what the config's
 * route options mean in the model, so that both CDNs build a custom vendor from the same Site/Origin/Route.
 */

/** A custom route's options as the config writes them. */
export interface CustomRouteOptions {
    readonly methods: "all" | "read";
    /** `disabled`: never cached. `origin`: cached as the origin's Cache-Control says, keyed on the query and Origin. */
    readonly cache: "disabled" | "origin";
    /** Whether the viewer's cookies reach the route's origin. */
    readonly cookies: "strip" | "forward";
    /** `edge`: the edge answers CORS preflights and adds CORS headers; `origin`: the origin's own pass through. */
    readonly cors: "origin" | "edge";
}

/** The model's route for a custom route (its pattern and origin aside). */
export function customRoute(options: CustomRouteOptions): Omit<Route, "pathPattern" | "originId"> {
    return {
        ...defaultRoute,
        methods: options.methods,
        cache: options.cache === "disabled" ? { mode: "disabled" } : { mode: "keyed", headers: ["Origin"], queryStrings: "all" },
        // Cookies reach the origin only through CloudFront's managed AllViewerExceptHostHeader (all viewer headers
        // but Host); without them, the query and the headers SDKs' endpoints read (CORS Origin, User-Agent, language).
        forward:
            options.cookies === "forward"
                ? { mode: "allViewerExceptHost" }
                : { mode: "custom", headers: ["Origin", "User-Agent", "Accept-Language"], queryStrings: "all" },
        cors: options.cors === "edge" ? { mode: "edgePreflight", securityHeaders: false } : { mode: "origin" },
    };
}

export const custom = {
    id: "custom",
    displayName: "Custom vendor",
    source: vendorDocuments.cloudFrontPathPatterns,
    // The origins are the config's: no endpoint table, no region.
    endpoints: { us: {} },
    origins: {},
    layouts: { single: [] },
    notes: [],
} as const satisfies VendorPreset;
