import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { methodsOf, Origin, Route, Site } from "../model/types";
import { BehaviourPolicies } from "./policies";

export interface DistributionSettings {
    readonly certificateArn: pulumi.Input<string>;
    readonly priceClass: string;
    readonly comment: string;
    readonly tags: Record<string, string>;
    readonly policiesFor: (route: Route) => BehaviourPolicies;
    /** The ARN of the viewer-request function a route's behaviour runs, or undefined where it runs none. */
    readonly viewerRequestFunctionFor: (route: Route) => pulumi.Input<string> | undefined;
}

/** CloudFront's viewer TLS floor for SNI certificates (at least TLSv1.2_2021). */
export const viewerMinimumProtocol = "TLSv1.2_2021";

/** The distribution for one site: one origin per upstream, one behaviour per route, the last route as default. */
export function distributionArgs(site: Site, settings: DistributionSettings): aws.cloudfront.DistributionArgs {
    const behaviours = site.routes.map((route) =>
        cacheBehaviour(route, settings.policiesFor(route), settings.viewerRequestFunctionFor(route)),
    );
    const defaultBehaviour = behaviours.pop()!;
    const { pathPattern: _default, ...defaultCacheBehavior } = defaultBehaviour;
    return {
        enabled: true,
        comment: settings.comment,
        aliases: [site.hostname],
        origins: site.origins.map(distributionOrigin),
        // CloudFront evaluates ordered behaviours first to last, then the default: the route table's order.
        orderedCacheBehaviors: behaviours,
        defaultCacheBehavior,
        viewerCertificate: {
            acmCertificateArn: settings.certificateArn,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: viewerMinimumProtocol,
        },
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        priceClass: settings.priceClass,
        restrictions: { geoRestriction: { restrictionType: "none" } },
        tags: settings.tags,
    };
}

/** A site's upstream as a distribution origin: HTTPS (or HTTP where the route table says so), TLS 1.2 at least. */
export function distributionOrigin(o: Origin): aws.types.input.cloudfront.DistributionOrigin {
    return {
        originId: o.id,
        domainName: o.domain,
        customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: o.protocol === "https" ? "https-only" : "http-only",
            originSslProtocols: ["TLSv1.2"],
        },
    };
}

/** A route as a cache behaviour: its pattern, origin, methods, policies and viewer-request function (if any). */
export function cacheBehaviour(
    route: Route,
    policies: BehaviourPolicies,
    functionArn: pulumi.Input<string> | undefined,
): aws.types.input.cloudfront.DistributionOrderedCacheBehavior {
    return {
        pathPattern: route.pathPattern,
        targetOriginId: route.originId,
        viewerProtocolPolicy: route.viewerProtocol === "redirect" ? "redirect-to-https" : "allow-all",
        allowedMethods: [...methodsOf[route.methods]],
        cachedMethods: route.cacheOptions ? ["GET", "HEAD", "OPTIONS"] : ["GET", "HEAD"],
        compress: route.cache.mode !== "disabled",
        cachePolicyId: policies.cachePolicyId,
        originRequestPolicyId: policies.originRequestPolicyId,
        responseHeadersPolicyId: policies.responseHeadersPolicyId,
        // Only where a public path is rewritten or answered 404: CloudFront Functions are billed per request.
        ...(functionArn === undefined ? {} : { functionAssociations: [{ eventType: "viewer-request", functionArn }] }),
    };
}
