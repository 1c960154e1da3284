/** `posthog` + `e.example.com` → `posthog-e-example-com`, trimmed to a length every resource name allows. */
export function defaultProxyName(vendor: string, hostname: string): string {
    return `${vendor}-${hostname.replace(/\./g, "-")}`.slice(0, 60).replace(/-+$/, "");
}

/**
 * The name a proxy entry gets: its `name`, or one derived from its vendor and first hostname. Reads the raw entry
 * leniently (undefined when it has neither), so that the cross-key rules can use it on configs the schema refuses.
 */
export function effectiveProxyName(proxy: Readonly<Record<string, unknown>>): string | undefined {
    if (typeof proxy.name === "string") return proxy.name;
    const host = [proxy.domain, proxy.cdnDomain].find((h): h is string => typeof h === "string");
    return typeof proxy.vendor === "string" && host !== undefined ? defaultProxyName(proxy.vendor, host) : undefined;
}
