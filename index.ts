/**
 * first-party-proxy as a library: import it from your own Pulumi program. Importing it creates nothing and reads no
 * config; the stack program of this repository is program/index.ts.
 */
export { buildStack, proxiesPerBatch, StackOutputs } from "./components/stack";
export { holdShareSeals } from "./components/programShares";
export { ConfigError, ConfigIssue, LoadedConfig, parseStackConfig, readStackConfig } from "./components/config/load";
export { ProxyOutputs } from "./components/outputs";
export { cloudFrontSiteRoutes, CloudFrontSiteRoutesArgs, CloudFrontSiteRoutesArgsError } from "./components/aws/siteRoutes";
export type { CloudFrontSiteRoutes } from "./components/aws/siteRoutes";
export {
    AmplitudeProduct,
    CustomRouteArgs,
    RouteCache,
    RouteCookies,
    RouteCors,
    RouteMethods,
    DatadogSite,
    Cdn,
    CloudflareArgs,
    CloudflareMode,
    CloudFrontArgs,
    DnsArgs,
    DnsProvider,
    DnsRecord,
    FirstPartyProxy,
    FirstPartyProxyArgs,
    FirstPartyProxyArgsError,
    Paths,
    PriceClass,
    proxyOutputsOf,
    Region,
    ClientIp,
    CloudflarePlan,
    Managed,
    QuotaArgs,
    WorkersPlan,
    validateFirstPartyProxyArgs,
    Vendor,
} from "./components/firstPartyProxy";
