/*
 * A static site on S3 behind CloudFront, with an analytics vendor served under a path prefix of the site's own
 * hostname: same origin, so no other hostname, DNS record or certificate, and no third-party or cross-site request.
 *
 * In your own project: `npm install <first-party-proxy's git URL> @pulumi/aws @pulumi/pulumi`, copy this file, set
 * the config (Pulumi.yaml declares it), `pulumi up`. In a clone of the repository, `npm ci` builds the package and
 * this directory runs as it is.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudFrontSiteRoutes, CloudFrontSiteRoutesArgs } from "first-party-proxy";

const config = new pulumi.Config();
const domain = config.require("domain");
const certificateArn = config.require("certificateArn");

// The vendor under /k7 of the site: origins, behaviours, and the policies and function those reference.
// Bad values (an unknown vendor, a region Plausible does not have, a prefix with a trailing /) are refused here,
// before anything is created, with a message naming the arg.
const analytics = cloudFrontSiteRoutes("analytics", {
    vendor: (config.get("vendor") ?? "posthog") as CloudFrontSiteRoutesArgs["vendor"],
    region: config.get("region") as CloudFrontSiteRoutesArgs["region"],
    domain,
    pathPrefix: config.get("pathPrefix") ?? "/k7",
    // This distribution's own behaviours: the default and /assets/*. Counted against the 75-behaviour quota.
    otherBehaviours: 2,
});

// The site: a private bucket, read by CloudFront alone (origin access control).
const bucket = new aws.s3.Bucket("site", { forceDestroy: true });
new aws.s3.BucketPublicAccessBlock("site", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
});
const access = new aws.cloudfront.OriginAccessControl("site", {
    originAccessControlOriginType: "s3",
    signingBehavior: "always",
    signingProtocol: "sigv4",
});

// The site's own viewer-request function, on its own behaviours: /about/ and /about are served from
// /about/index.html (S3 has no directory indexes). The vendor's behaviours run their own function instead.
const directoryIndex = new aws.cloudfront.Function("site-directory-index", {
    runtime: "cloudfront-js-2.0",
    publish: true,
    comment: "Serves /path/ and /path from /path/index.html",
    code: [
        "function handler(event) {",
        "  var request = event.request;",
        "  if (request.uri.endsWith('/')) request.uri += 'index.html';",
        "  else if (request.uri.split('/').pop().indexOf('.') === -1) request.uri += '/index.html';",
        "  return request;",
        "}",
    ].join("\n"),
});

// CloudFront's managed policies (the same ids in every account).
const cachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6";

const distribution = new aws.cloudfront.Distribution("site", {
    enabled: true,
    comment: `${domain}: site and analytics`,
    aliases: [domain],
    origins: [{ originId: "site", domainName: bucket.bucketRegionalDomainName, originAccessControlId: access.id }, ...analytics.origins],
    // The vendor's behaviours first: CloudFront takes the first pattern that matches, and a pattern of yours such as
    // *.js would otherwise take the vendor's loader.
    orderedCacheBehaviors: [
        ...analytics.orderedCacheBehaviors,
        {
            pathPattern: "/assets/*",
            targetOriginId: "site",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: cachingOptimized,
            compress: true,
        },
    ],
    // The site keeps its default behaviour: every path outside the prefix is the site's.
    defaultCacheBehavior: {
        targetOriginId: "site",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: cachingOptimized,
        compress: true,
        functionAssociations: [{ eventType: "viewer-request", functionArn: directoryIndex.arn }],
    },
    viewerCertificate: { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
    httpVersion: "http2and3",
    isIpv6Enabled: true,
    restrictions: { geoRestriction: { restrictionType: "none" } },
});

// The bucket answers this distribution only.
new aws.s3.BucketPolicy("site", {
    bucket: bucket.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: pulumi.interpolate`${bucket.arn}/*`,
                Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
            },
        ],
    }),
});

export const url = `https://${domain}`;
export const distributionDomainName = distribution.domainName;
export const bucketName = bucket.id;
/** The SDK settings for the site's own hostname and the prefix, and the code to paste. */
export const sdk = analytics.sdk;
export const snippet = analytics.snippet;
export const notes = analytics.notes;
