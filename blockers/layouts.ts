/*
 * The path layouts the report and the regression tests compare. `default`: a proxy's config as users write it (public
 * paths under the proxy's prefix). `vendor`: `paths: vendor`, the vendors' own paths at the root (the seed layout).
 */
export const layouts = ["default", "vendor"] as const;
export type Layout = (typeof layouts)[number];

/** A proxy entry in `layout`. */
export function inLayout<T extends Record<string, unknown>>(proxy: T, layout: Layout): T {
    return layout === "vendor" ? { ...proxy, paths: "vendor" } : proxy;
}
