/*
 * The provider quotas a stack can run into, with each provider's documented default. Checked against what the stack
 * plans (components/quotas/check.ts) before any resource is registered, so that a stack that would hit one is refused
 * by `pulumi preview` rather than half-way through `pulumi up`.
 *
 * Sources (defaults as published; an account or zone may have had them raised):
 * - "Quotas - Amazon CloudFront", https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html
 *   and "Amazon CloudFront endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/cf_region.html:
 *   500 distributions per account, 75 cache behaviors per distribution, 100 alternate domain names per distribution,
 *   20 cache policies, 20 origin request policies, 20 response headers policies, 100 CloudFront Functions per account;
 *   100 distributions associated with the same custom policy of each kind, and with the same function ("General
 *   quotas on policies", "Quotas on CloudFront Functions").
 * - "Quotas - AWS Certificate Manager", https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html: 2,500 ACM
 *   certificates, 10 domain names per ACM certificate.
 * - "Quotas - Amazon Route 53", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html: 10,000
 *   records per hosted zone. "DNS records · Cloudflare DNS docs", https://developers.cloudflare.com/dns/manage-dns-records/:
 *   200 records on a Free zone created since September 2024 (1,000 before), 3,500 on paid plans.
 * - "Limits · Cloudflare Workers docs", https://developers.cloudflare.com/workers/platform/limits/: 100 Workers on
 *   Workers Free, 500 on Workers Paid; 1,000 routes per zone.
 * - "Page Rules · Cloudflare Rules docs", https://developers.cloudflare.com/rules/page-rules/: 3 / 20 / 50 / 125 page
 *   rules (Free / Pro / Business / Enterprise).
 * - "Transform Rules · Cloudflare Rules docs", https://developers.cloudflare.com/rules/transform/ (Availability):
 *   10 / 25 / 50 / 100 active Transform Rules (URL rewrite and response header rules among them; counted per phase).
 * - "Configuration Rules · Cloudflare Rules docs", https://developers.cloudflare.com/rules/configuration-rules/:
 *   10 / 25 / 50 / 300 rules.
 * - "Cache Rules · Cloudflare Cache docs", https://developers.cloudflare.com/cache/how-to/cache-rules/: 10 / 25 / 50 /
 *   125 rules.
 * - "Redirects · Cloudflare Rules docs", https://developers.cloudflare.com/rules/url-forwarding/ (Single Redirects are
 *   per zone and depend on the zone plan): taken as 10 / 25 / 50 / 300, the same as Configuration Rules.
 */

export const cloudflarePlans = ["free", "pro", "business", "enterprise"] as const;
export type CloudflarePlan = (typeof cloudflarePlans)[number];
export const workersPlans = ["free", "paid"] as const;
export type WorkersPlan = (typeof workersPlans)[number];

/** What a default depends on: the Cloudflare zone's plan and the account's Workers plan. */
export interface Plans {
    readonly zone: CloudflarePlan;
    readonly workers: WorkersPlan;
}

export interface QuotaDefinition {
    readonly provider: "aws" | "cloudflare";
    /** What is counted, as the provider names the quota. */
    readonly title: string;
    /** What one count is held by: the account, one distribution, one zone... */
    readonly per: "account" | "distribution" | "certificate" | "zone" | "policy" | "function";
    readonly defaultLimit: (plans: Plans) => number;
    /** Where the default is published. */
    readonly source: { readonly title: string; readonly url: string };
    /** How to get more. */
    readonly raise: string;
}

const byZonePlan =
    (free: number, pro: number, business: number, enterprise: number) =>
    (plans: Plans): number =>
        ({ free, pro, business, enterprise })[plans.zone];

const cloudfrontQuotas = { title: "Quotas - Amazon CloudFront", url: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html" };
const acmQuotas = { title: "Quotas - AWS Certificate Manager", url: "https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html" };
const workersLimits = { title: "Limits - Cloudflare Workers docs", url: "https://developers.cloudflare.com/workers/platform/limits/" };
const raiseCloudFront = (name: string) => `request more in the Service Quotas console (Amazon CloudFront → "${name}")`;
const raiseByPlan = "a higher Cloudflare plan for the zone allows more (set cloudflare.plan), or split the proxies across zones";

/** Every quota, keyed by its `quotas:` config key. */
export const quotaDefinitions = {
    cloudfrontDistributions: {
        provider: "aws",
        title: "CloudFront distributions per AWS account",
        per: "account",
        defaultLimit: () => 500,
        source: cloudfrontQuotas,
        raise: raiseCloudFront("Web distributions per AWS account"),
    },
    cloudfrontCacheBehaviorsPerDistribution: {
        provider: "aws",
        title: "cache behaviors per CloudFront distribution",
        per: "distribution",
        defaultLimit: () => 75,
        source: cloudfrontQuotas,
        raise: raiseCloudFront("Cache behaviors per distribution"),
    },
    cloudfrontAlternateDomainNamesPerDistribution: {
        provider: "aws",
        title: "alternate domain names (CNAMEs) per CloudFront distribution",
        per: "distribution",
        defaultLimit: () => 100,
        source: cloudfrontQuotas,
        raise: raiseCloudFront("Alternate domain names (CNAMEs) per distribution"),
    },
    cloudfrontCachePolicies: {
        provider: "aws",
        title: "custom CloudFront cache policies per AWS account",
        per: "account",
        defaultLimit: () => 20,
        source: cloudfrontQuotas,
        raise: `${raiseCloudFront("Cache policies per AWS account")}, or reuse another stack's (cloudfront.sharedPolicies)`,
    },
    cloudfrontOriginRequestPolicies: {
        provider: "aws",
        title: "custom CloudFront origin request policies per AWS account",
        per: "account",
        defaultLimit: () => 20,
        source: cloudfrontQuotas,
        raise: `${raiseCloudFront("Origin request policies per AWS account")}, or reuse another stack's (cloudfront.sharedPolicies)`,
    },
    cloudfrontResponseHeadersPolicies: {
        provider: "aws",
        title: "custom CloudFront response headers policies per AWS account",
        per: "account",
        defaultLimit: () => 20,
        source: cloudfrontQuotas,
        raise: `${raiseCloudFront("Response headers policies per AWS account")}, or reuse another stack's (cloudfront.sharedPolicies)`,
    },
    cloudfrontFunctions: {
        provider: "aws",
        title: "CloudFront Functions per AWS account",
        per: "account",
        defaultLimit: () => 100,
        source: cloudfrontQuotas,
        raise: `${raiseCloudFront("CloudFront Functions per AWS account")}, or reuse another stack's (cloudfront.sharedPolicies)`,
    },
    cloudfrontDistributionsPerPolicy: {
        provider: "aws",
        title: "CloudFront distributions associated with the same custom cache, origin request or response headers policy",
        per: "policy",
        defaultLimit: () => 100,
        source: cloudfrontQuotas,
        raise: "the proxies' distributions are spread over copies of each policy, one per this many distributions (each copy counts against the account's policies); a raised quota takes fewer copies",
    },
    cloudfrontDistributionsPerFunction: {
        provider: "aws",
        title: "CloudFront distributions associated with the same CloudFront Function",
        per: "function",
        defaultLimit: () => 100,
        source: cloudfrontQuotas,
        raise: `the proxies' distributions are spread over copies of each function, one per this many distributions; ${raiseCloudFront("Distributions associated with the same function")} for fewer copies`,
    },
    acmCertificates: {
        provider: "aws",
        title: "ACM certificates in us-east-1",
        per: "account",
        defaultLimit: () => 2500,
        source: acmQuotas,
        raise: 'request more in the Service Quotas console (AWS Certificate Manager → "ACM certificates", region us-east-1)',
    },
    acmDomainNamesPerCertificate: {
        provider: "aws",
        title: "domain names per ACM certificate",
        per: "certificate",
        defaultLimit: () => 10,
        source: acmQuotas,
        raise: 'request more in the Service Quotas console (AWS Certificate Manager → "Domain names per ACM certificate")',
    },
    route53RecordsPerHostedZone: {
        provider: "aws",
        title: "records per Route 53 hosted zone",
        per: "zone",
        defaultLimit: () => 10_000,
        source: { title: "Quotas - Amazon Route 53", url: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html" },
        raise: 'request more in the Service Quotas console (Amazon Route 53 → "Records per hosted zone"), or split the proxies across zones; the records the zone already holds count too (quotas.route53RecordsPerHostedZone.used)',
    },
    cloudflareDnsRecordsPerZone: {
        provider: "cloudflare",
        title: "DNS records per Cloudflare zone",
        per: "zone",
        defaultLimit: byZonePlan(200, 3500, 3500, 3500),
        source: { title: "DNS records - Cloudflare DNS docs", url: "https://developers.cloudflare.com/dns/manage-dns-records/" },
        raise: "a paid zone plan allows 3,500 (set cloudflare.plan) and a Free zone created before September 2024 allows 1,000 (set quotas.cloudflareDnsRecordsPerZone: 1000), or split the proxies across zones; the records the zone already holds count too (quotas.cloudflareDnsRecordsPerZone.used)",
    },
    workersScripts: {
        provider: "cloudflare",
        title: "Workers per Cloudflare account",
        per: "account",
        defaultLimit: (plans) => (plans.workers === "paid" ? 500 : 100),
        source: workersLimits,
        raise: "set cloudflare.workerScripts: shared (one script per vendor layout instead of one per site); or Workers Paid allows 500 (set cloudflare.workersPlan: paid); beyond that, ask Cloudflare or split the proxies across accounts",
    },
    workersRoutesPerZone: {
        provider: "cloudflare",
        title: "Worker routes per zone",
        per: "zone",
        defaultLimit: () => 1000,
        source: workersLimits,
        raise: "ask Cloudflare to raise it, or split the proxies across zones",
    },
    pageRules: {
        provider: "cloudflare",
        title: "page rules per zone",
        per: "zone",
        defaultLimit: byZonePlan(3, 20, 50, 125),
        source: { title: "Page Rules - Cloudflare Rules docs", url: "https://developers.cloudflare.com/rules/page-rules/" },
        raise: "use cloudflare.mode worker, or split the proxies across zones",
    },
    redirectRules: {
        provider: "cloudflare",
        title: "Single Redirect rules per zone (phase http_request_dynamic_redirect)",
        per: "zone",
        defaultLimit: byZonePlan(10, 25, 50, 300),
        source: { title: "Redirects - Cloudflare Rules docs", url: "https://developers.cloudflare.com/rules/url-forwarding/" },
        raise: raiseByPlan,
    },
    configurationRules: {
        provider: "cloudflare",
        title: "Configuration Rules per zone (phase http_config_settings)",
        per: "zone",
        defaultLimit: byZonePlan(10, 25, 50, 300),
        source: { title: "Configuration Rules - Cloudflare Rules docs", url: "https://developers.cloudflare.com/rules/configuration-rules/" },
        raise: raiseByPlan,
    },
    cacheRules: {
        provider: "cloudflare",
        title: "Cache Rules per zone (phase http_request_cache_settings)",
        per: "zone",
        defaultLimit: byZonePlan(10, 25, 50, 125),
        source: { title: "Cache Rules - Cloudflare Cache docs", url: "https://developers.cloudflare.com/cache/how-to/cache-rules/" },
        raise: raiseByPlan,
    },
    urlRewriteRules: {
        provider: "cloudflare",
        title: "URL Rewrite Transform Rules per zone (phase http_request_transform)",
        per: "zone",
        defaultLimit: byZonePlan(10, 25, 50, 100),
        source: { title: "Transform Rules - Cloudflare Rules docs", url: "https://developers.cloudflare.com/rules/transform/" },
        raise: raiseByPlan,
    },
    responseHeaderRules: {
        provider: "cloudflare",
        title: "response header Transform Rules per zone (phase http_response_headers_transform)",
        per: "zone",
        defaultLimit: byZonePlan(10, 25, 50, 100),
        source: { title: "Transform Rules - Cloudflare Rules docs", url: "https://developers.cloudflare.com/rules/transform/" },
        raise: raiseByPlan,
    },
} as const satisfies Record<string, QuotaDefinition>;

export type QuotaId = keyof typeof quotaDefinitions;
export const quotaIds = Object.keys(quotaDefinitions) as QuotaId[];
