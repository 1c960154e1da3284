import * as assert from "assert";
import * as path from "path";
import { mockInvoke } from "../../components/plan/mockOutputs";
import { Plan } from "../../components/plan/mockPlan";
import { ofType, planConfig, planSettingsFile, TestConfig, withVendorPaths } from "../helpers/plan";

export const T = {
    workerProxy: "first-party-proxy:cloudflare:WorkerProxy",
    cnameProxy: "first-party-proxy:cloudflare:CnameProxy",
    pageRuleProxy: "first-party-proxy:cloudflare:PageRuleProxy",
    zoneRules: "first-party-proxy:cloudflare:ZoneRules",
    script: "cloudflare:index/workersScript:WorkersScript",
    route: "cloudflare:index/workersRoute:WorkersRoute",
    record: "cloudflare:index/dnsRecord:DnsRecord",
    pageRule: "cloudflare:index/pageRule:PageRule",
    ruleset: "cloudflare:index/ruleset:Ruleset",
    distribution: "aws:cloudfront/distribution:Distribution",
} as const;

export const accountId = "0123456789abcdef0123456789abcdef";
export const zone = "example.com";
/** The zone id the mocked zone look-up answers for example.com. */
export const zoneId: string = mockInvoke("cloudflare:index/getZone:getZone", { filter: { name: zone } }).zoneId;

/** One proxy per vendor and region, single host, plus Segment's two-host shape: every site the product has. */
export const everyVendor: TestConfig[] = withVendorPaths([
    { vendor: "segment", region: "us", domain: "s.example.com" },
    { vendor: "segment", region: "eu", domain: "s-eu.example.com" },
    { vendor: "segment", region: "us", name: "segment-split", cdnDomain: "cdn.example.com", apiDomain: "api.example.com" },
    { vendor: "segment", region: "eu", name: "segment-split-eu", cdnDomain: "cdn-eu.example.com", apiDomain: "api-eu.example.com" },
    { vendor: "posthog", region: "us", domain: "e.example.com" },
    { vendor: "posthog", region: "eu", domain: "e-eu.example.com" },
    { vendor: "amplitude", region: "us", domain: "r.example.com" },
    { vendor: "amplitude", region: "eu", domain: "r-eu.example.com" },
    { vendor: "amplitude", region: "us", name: "amplitude-all", domain: "a.example.com", products: ["analytics", "sessionReplay"] },
    { vendor: "amplitude", region: "eu", name: "amplitude-analytics-eu", domain: "a-eu.example.com", products: ["analytics"] },
    { vendor: "vtex", domain: "www.example.com" },
    { vendor: "mixpanel", region: "us", domain: "m.example.com" },
    { vendor: "mixpanel", region: "eu", domain: "m-eu.example.com" },
    { vendor: "plausible", domain: "p.example.com" },
    // A vendor of the user's own: the loader from its CDN (cached), a cookie-forwarding path, the API as catch-all.
    {
        vendor: "custom",
        name: "custom-heap",
        domain: "h.example.com",
        origins: { cdn: "cdn.heapanalytics.com", api: "heapanalytics.com" },
        routes: [
            { path: "/js/*", origin: "cdn", methods: "read", cache: "origin", clientIp: false },
            { path: "/h/session*", origin: "api", cookies: "forward" },
            { path: "*", origin: "api" },
        ],
    },
]);

/** Per hostname: the route table every CDN must implement, `[path pattern, origin host]` in order, default last. */
export const routeTables: Record<string, [string, string][]> = {
    "s.example.com": segmentSingle("api.segment.io"),
    "s-eu.example.com": segmentSingle("events.eu1.segmentapis.com"),
    "cdn.example.com": [["*", "cdn.segment.com"]],
    "api.example.com": [["*", "api.segment.io"]],
    "cdn-eu.example.com": [["*", "cdn.segment.com"]],
    "api-eu.example.com": [["*", "events.eu1.segmentapis.com"]],
    "e.example.com": posthog("us"),
    "e-eu.example.com": posthog("eu"),
    "r.example.com": [
        ["/config*", "sr-client-cfg.amplitude.com"],
        ["*", "api-sr.amplitude.com"],
    ],
    "r-eu.example.com": [
        ["/config*", "sr-client-cfg.eu.amplitude.com"],
        ["*", "api-sr.eu.amplitude.com"],
    ],
    "a.example.com": [
        ["/2/httpapi*", "api2.amplitude.com"],
        ["/batch*", "api2.amplitude.com"],
        ["/config*", "sr-client-cfg.amplitude.com"],
        ["*", "api-sr.amplitude.com"],
    ],
    "a-eu.example.com": [
        ["/config*", "sr-client-cfg.eu.amplitude.com"],
        ["*", "api.eu.amplitude.com"],
    ],
    "m.example.com": [
        ["/libs/*", "cdn.mxpnl.com"],
        ["*", "api-js.mixpanel.com"],
    ],
    "m-eu.example.com": [
        ["/libs/*", "cdn.mxpnl.com"],
        ["*", "api-eu.mixpanel.com"],
    ],
    "p.example.com": [
        ["/js/*", "plausible.io"],
        ["*", "plausible.io"],
    ],
    "h.example.com": [
        ["/js/*", "cdn.heapanalytics.com"],
        ["/h/session*", "heapanalytics.com"],
        ["*", "heapanalytics.com"],
    ],
};

function segmentSingle(api: string): [string, string][] {
    return [
        ["/analytics.js/*", "cdn.segment.com"],
        ["/v1/projects/*", "cdn.segment.com"],
        ["/next-integrations/*", "cdn.segment.com"],
        ["/analytics-next/*", "cdn.segment.com"],
        ["*", api],
    ];
}

function posthog(region: string): [string, string][] {
    return [
        ["/static/*", `${region}-assets.i.posthog.com`],
        ["/array/*", `${region}-assets.i.posthog.com`],
        ["*", `${region}.i.posthog.com`],
    ];
}

export const cloudflareStack = (cloudflare: TestConfig, proxies: TestConfig[] = everyVendor, dns: TestConfig = { provider: "cloudflare", zone }): TestConfig => ({
    provider: "cloudflare",
    dns,
    cloudflare,
    proxies: withVendorPaths(proxies),
});

export const inputs = (r: { inputs: Record<string, unknown> }): any => r.inputs;

/**
 * Plans are plain data: the big ones are planned once per test run and shared by the files that assert on them
 * (WorkerProxy, CnameProxy, PageRuleProxy, equivalence, examples), which keeps the suite fast. Never mutate them.
 */
const planned = new Map<string, Promise<Plan>>();
const once = (key: string, plan: () => Promise<Plan>): Promise<Plan> => {
    if (!planned.has(key)) planned.set(key, plan());
    return planned.get(key)!;
};

/** Every vendor and region in worker mode. */
export const workerModePlan = () => once("worker", () => planConfig(cloudflareStack({ accountId, mode: "worker" })));
/** Every vendor and region in page-rule mode. */
export const pageRuleModePlan = () => once("pageRule", () => planConfig(cloudflareStack({ mode: "pageRule", enterprise: true })));
/** Every vendor and region on CloudFront with Route 53. */
export const cloudFrontPlan = () => once("cloudfront", () => planConfig({ provider: "aws", dns: { provider: "route53", zone }, proxies: everyVendor }));
/** One of examples/*.yaml. */
export const examplePlan = (name: string) => once(`example:${name}`, () => planSettingsFile(path.resolve(__dirname, "../../examples", `${name}.yaml`)));

/** Page rules: the highest-priority rule whose URL pattern matches wins; none matching, the proxied CNAME's target. */
export function pageRuleOrigin(plan: Plan, host: string, path: string): string {
    const rules = ofType(plan, T.pageRule)
        .map(inputs)
        .filter((r) => String(r.target).startsWith(`${host}/`))
        .sort((a, b) => b.priority - a.priority);
    const url = `${host}${path}`;
    const rule = rules.find((r) => new RegExp(`^${String(r.target).split("*").map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "s").test(url));
    return rule ? rule.actions.resolveOverride : proxiedTarget(plan, host);
}

/** A hostname served as proxied DNS goes wholly to its CNAME's target. */
export function proxiedTarget(plan: Plan, host: string): string {
    const record = ofType(plan, T.record).find((r) => inputs(r).name === host && inputs(r).type === "CNAME")!;
    assert.strictEqual(inputs(record).proxied, true, `${host} is proxied`);
    return inputs(record).content;
}
