import { proxyConfig } from "../components/config/schema";

/*
 * The path layouts the report compares. `default`: a proxy's config as users write it. `vendor`: `paths: vendor`,
 * the vendors' own paths at the root (the seed layout). Until the config knows `paths`, the default layout IS the
 * vendor layout, and both rows say so.
 */
export const layouts = ["default", "vendor"] as const;
export type Layout = (typeof layouts)[number];

/** Whether the proxy config accepts `paths: vendor` (asked of the config schema itself). */
export function configKnowsPaths(): boolean {
    return proxyConfig.safeParse({ vendor: "posthog", domain: "e.example.com", paths: "vendor" }).success;
}

/** A proxy entry in `layout`: `paths: vendor` added for the vendor layout where the config knows it. */
export function inLayout<T extends Record<string, unknown>>(proxy: T, layout: Layout): T {
    return layout === "vendor" && configKnowsPaths() ? { ...proxy, paths: "vendor" } : proxy;
}
