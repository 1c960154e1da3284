import { ConfigError, parseStackConfig } from "../../components/config/load";

/*
 * Small stack configs for config and plan tests: the zone is example.com, and every problem the config has comes
 * back as `<key>: <message>` lines.
 */

export const testAccountId = "0123456789abcdef0123456789abcdef";

/** A CloudFront stack with Route 53 DNS. */
/** A vendor of the user's own (`vendor: custom`): its loader from a CDN, a cookie path, its API as the catch-all. */
export const customHeap = {
    vendor: "custom",
    domain: "h.example.com",
    origins: { cdn: "cdn.heapanalytics.com", api: "heapanalytics.com" },
    routes: [
        { path: "/js/*", origin: "cdn", methods: "read", cache: "origin", clientIp: false },
        { path: "/h/session*", origin: "api", cookies: "forward", cors: "edge" },
        { path: "*", origin: "api" },
    ],
};

export const awsStack = (proxies: unknown[]) => ({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies });

/** A Cloudflare stack in `mode` (page-rule mode confirms Enterprise). */
export const cloudflareStack = (proxies: unknown[], mode = "worker") => ({
    provider: "cloudflare",
    dns: { provider: "cloudflare", zone: "example.com" },
    cloudflare: { accountId: testAccountId, mode, ...(mode === "pageRule" ? { enterprise: true } : {}) },
    proxies,
});

/** Every problem parseStackConfig reports for `raw`, as `<full key>: <message>`; none for a valid config. */
export function configProblems(raw: Record<string, unknown>): string[] {
    try {
        parseStackConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return e.issues.map((i) => `${i.key}: ${i.message}`);
        throw e;
    }
    return [];
}
