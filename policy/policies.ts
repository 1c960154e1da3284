import { Policies } from "@pulumi/policy";
import { acmCertificateCreateBeforeDelete, acmCertificateDnsValidated, acmCertificateInUsEast1, cloudfrontCertificateMatchesAliases } from "./certificates";
import {
    cloudflareGoogleTagGatewayOnePerZone,
    cloudflarePageRuleLimit,
    cloudflarePageRuleOrder,
    cloudflarePageRuleSslStrict,
    cloudflareProxiedRecordTtlAuto,
    cloudflareUrlRewritesPathOnly,
    cloudflareVtexAcmeOverHttp,
    cloudflareWorkerEdgeCorsHeaders,
    cloudflareWorkerNotOpenProxy,
    cloudflareWorkerRedirectsHttp,
    cloudflareWorkerRouteProxied,
} from "./cloudflare";
import {
    cloudfrontOriginHttps,
    cloudfrontOriginRequestNoAuthorization,
    cloudfrontOriginRequestPolicyNoHost,
    cloudfrontPoliciesNoCookies,
    cloudfrontPublicPathsRewritten,
    cloudfrontUncachedPolicyEmptyKey,
    cloudfrontViewerHttps,
    cloudfrontViewerTls,
} from "./cloudfront";
import { dnsCloudfrontTargetNotProxied, dnsZonesLookedUpOnly } from "./dns";
import { scopedToProxies } from "./scope";
import { amplitudeNeverCached, datadogDdforwardChecked, noCookiesToVendors, noViewerHostToVendors, vtexKeepsHost } from "./vendors";

/**
 * Every policy of the pack, by area. Kept apart from index.ts, which serves them to the Pulumi engine: importing
 * this list starts nothing, so the tests run the policies offline. In a user's own project each one looks only at
 * the proxies' resources (scope.ts).
 */
export const policies: Policies = [
    // CloudFront mechanics
    cloudfrontViewerHttps,
    cloudfrontViewerTls,
    cloudfrontOriginHttps,
    cloudfrontPoliciesNoCookies,
    cloudfrontUncachedPolicyEmptyKey,
    cloudfrontOriginRequestNoAuthorization,
    cloudfrontOriginRequestPolicyNoHost,
    cloudfrontPublicPathsRewritten,
    // Certificates
    acmCertificateInUsEast1,
    cloudfrontCertificateMatchesAliases,
    acmCertificateCreateBeforeDelete,
    acmCertificateDnsValidated,
    // Vendor contracts on either CDN
    noViewerHostToVendors,
    noCookiesToVendors,
    vtexKeepsHost,
    amplitudeNeverCached,
    datadogDdforwardChecked,
    // Cloudflare mechanics
    cloudflareProxiedRecordTtlAuto,
    cloudflarePageRuleSslStrict,
    cloudflarePageRuleLimit,
    cloudflarePageRuleOrder,
    cloudflareWorkerNotOpenProxy,
    cloudflareWorkerRedirectsHttp,
    cloudflareWorkerRouteProxied,
    cloudflareWorkerEdgeCorsHeaders,
    cloudflareVtexAcmeOverHttp,
    cloudflareUrlRewritesPathOnly,
    cloudflareGoogleTagGatewayOnePerZone,
    // DNS
    dnsZonesLookedUpOnly,
    dnsCloudfrontTargetNotProxied,
].map(scopedToProxies);
