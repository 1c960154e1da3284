import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { acmeChallengePattern, managed, vendorOfHost, viewerTlsPolicies } from "./facts";

export type DistributionProps = Unwrap<aws.cloudfront.DistributionArgs>;

/** One cache behaviour as the policies read it: the default one is named `default (*)`. */
export interface Behaviour {
    readonly label: string;
    readonly pathPattern: string;
    readonly targetOriginId?: string;
    readonly viewerProtocolPolicy?: string;
    readonly cachePolicyId?: string;
    readonly originRequestPolicyId?: string;
    readonly forwardedHeaders?: readonly string[];
    /** The hostname of the origin the behaviour targets, if the distribution declares it. */
    readonly originDomain?: string;
}

/** Every behaviour of a distribution, ordered ones first, with its origin's hostname resolved. */
export function behavioursOf(d: DistributionProps): Behaviour[] {
    const origins = new Map<string, string>((d.origins ?? []).map((o) => [o.originId, o.domainName]));
    const ordered = (d.orderedCacheBehaviors ?? []).map((b) => ({ ...b, label: `behaviour "${b.pathPattern}"` }));
    const all = d.defaultCacheBehavior ? [...ordered, { ...d.defaultCacheBehavior, pathPattern: "*", label: "the default behaviour (*)" }] : ordered;
    return all.map((b) => ({
        label: b.label,
        pathPattern: b.pathPattern,
        targetOriginId: b.targetOriginId,
        viewerProtocolPolicy: b.viewerProtocolPolicy,
        cachePolicyId: b.cachePolicyId,
        originRequestPolicyId: b.originRequestPolicyId,
        forwardedHeaders: b.forwardedValues?.headers,
        originDomain: b.targetOriginId === undefined ? undefined : origins.get(b.targetOriginId),
    }));
}

/** VTEX's certificate challenge: the one behaviour that may serve plain HTTP and reach an http-only origin. */
export function isVtexAcmeBehaviour(b: Behaviour): boolean {
    return b.pathPattern === acmeChallengePattern && vendorOfHost(b.originDomain) === "vtex";
}

export const cloudfrontViewerHttps: ResourceValidationPolicy = {
    name: "cloudfront-viewer-https",
    description:
        "Every CloudFront behaviour redirects plain HTTP to HTTPS (or serves HTTPS only), except VTEX's /.well-known/acme-challenge/*, which VTEX needs over plain HTTP.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.cloudfront.Distribution, (d, _, reportViolation) => {
        for (const b of behavioursOf(d)) {
            if (b.viewerProtocolPolicy === "redirect-to-https" || b.viewerProtocolPolicy === "https-only") continue;
            if (isVtexAcmeBehaviour(b)) continue;
            reportViolation(
                `${b.label} (to ${b.originDomain ?? b.targetOriginId}) has viewerProtocolPolicy ${b.viewerProtocolPolicy}: set redirect-to-https. ` +
                    `Only VTEX's ${acmeChallengePattern} may allow plain HTTP.`,
            );
        }
    }),
};

export const cloudfrontViewerTls: ResourceValidationPolicy = {
    name: "cloudfront-viewer-tls",
    description: "CloudFront serves viewers with its own ACM certificate over SNI, with TLSv1.2_2021 as the minimum protocol.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.cloudfront.Distribution, (d, _, reportViolation) => {
        const cert = d.viewerCertificate;
        if (!cert || cert.cloudfrontDefaultCertificate || !cert.acmCertificateArn) {
            reportViolation("viewerCertificate must name an ACM certificate (acmCertificateArn) for the aliases, not CloudFront's default certificate.");
            return;
        }
        if (cert.sslSupportMethod !== "sni-only") {
            reportViolation(`viewerCertificate.sslSupportMethod is ${cert.sslSupportMethod}: set sni-only (dedicated IPs cost extra and are not needed).`);
        }
        if (!viewerTlsPolicies.includes(cert.minimumProtocolVersion ?? "")) {
            reportViolation(
                `viewerCertificate.minimumProtocolVersion is ${cert.minimumProtocolVersion ?? "unset"}: set TLSv1.2_2021 (allowed: ${viewerTlsPolicies.join(", ")}).`,
            );
        }
    }),
};

export const cloudfrontOriginHttps: ResourceValidationPolicy = {
    name: "cloudfront-origin-https",
    description:
        "CloudFront reaches every vendor origin over HTTPS only with TLSv1.2, except the origin that serves only VTEX's ACME challenge over plain HTTP.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.cloudfront.Distribution, (d, _, reportViolation) => {
        const behaviours = behavioursOf(d);
        for (const o of d.origins ?? []) {
            const using = behaviours.filter((b) => b.targetOriginId === o.originId);
            // An origin no behaviour uses carries no traffic; an origin only the ACME behaviour uses may be plain HTTP.
            const acmeOnly = using.length > 0 && using.every(isVtexAcmeBehaviour);
            const custom = o.customOriginConfig;
            if (!custom) {
                reportViolation(`origin ${o.originId} (${o.domainName}) has no customOriginConfig: vendor origins are custom HTTPS origins.`);
                continue;
            }
            if (acmeOnly) {
                if (custom.originProtocolPolicy !== "http-only" && custom.originProtocolPolicy !== "https-only") {
                    reportViolation(`origin ${o.originId} (${o.domainName}) has originProtocolPolicy ${custom.originProtocolPolicy}: set http-only for the ACME challenge.`);
                }
                continue;
            }
            if (custom.originProtocolPolicy !== "https-only") {
                reportViolation(
                    `origin ${o.originId} (${o.domainName}) has originProtocolPolicy ${custom.originProtocolPolicy}: set https-only (only an origin serving just VTEX's ${acmeChallengePattern} may be http-only).`,
                );
            }
            const protocols = custom.originSslProtocols ?? [];
            const weak = protocols.filter((p) => p !== "TLSv1.2");
            if (weak.length > 0 || !protocols.includes("TLSv1.2")) {
                reportViolation(
                    `origin ${o.originId} (${o.domainName}) allows ${protocols.join(", ") || "no protocol"}: originSslProtocols must be exactly [TLSv1.2]${weak.length ? ` (remove ${weak.join(", ")})` : ""}.`,
                );
            }
        }
    }),
};

export const cloudfrontPoliciesNoCookies: ResourceValidationPolicy = {
    name: "cloudfront-policies-no-cookies",
    description:
        "Custom cache and origin request policies neither key on nor forward cookies: the site's cookies must not reach vendors (VTEX gets them through the managed AllViewer policy).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(aws.cloudfront.CachePolicy, (p, _, reportViolation) => {
            const behavior = p.parametersInCacheKeyAndForwardedToOrigin?.cookiesConfig?.cookieBehavior;
            if (behavior !== "none") {
                reportViolation(`cache policy ${p.name ?? ""} has cookieBehavior ${behavior ?? "unset"} in its cache key: set none (cookies are never keyed or forwarded).`);
            }
        }),
        validateResourceOfType(aws.cloudfront.OriginRequestPolicy, (p, _, reportViolation) => {
            const behavior = p.cookiesConfig?.cookieBehavior;
            if (behavior !== "none") {
                reportViolation(`origin request policy ${p.name ?? ""} has cookieBehavior ${behavior ?? "unset"}: set none (the site's cookies must not reach vendors).`);
            }
        }),
    ],
};

export const cloudfrontUncachedPolicyEmptyKey: ResourceValidationPolicy = {
    name: "cloudfront-uncached-policy-empty-key",
    description:
        "A cache policy that never caches (maxTtl 0) has no headers, cookies or query strings in its cache key: CloudFront refuses such a policy.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.cloudfront.CachePolicy, (p, _, reportViolation) => {
        if (p.maxTtl !== 0) return;
        const key = p.parametersInCacheKeyAndForwardedToOrigin;
        const parts = [
            ["headers", key?.headersConfig?.headerBehavior],
            ["cookies", key?.cookiesConfig?.cookieBehavior],
            ["query strings", key?.queryStringsConfig?.queryStringBehavior],
        ].filter(([, behavior]) => behavior !== undefined && behavior !== "none");
        for (const [what, behavior] of parts) {
            reportViolation(
                `cache policy ${p.name ?? ""} has maxTtl 0 but ${what} (${behavior}) in its cache key: CloudFront refuses it; set the behaviour to none, or use the managed CachingDisabled policy.`,
            );
        }
    }),
};

export const cloudfrontOriginRequestNoAuthorization: ResourceValidationPolicy = {
    name: "cloudfront-origin-request-no-authorization",
    description: "Origin request policies do not list Authorization (CloudFront refuses it there; put it in the cache policy's key instead).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.cloudfront.OriginRequestPolicy, (p, _, reportViolation) => {
        const headers = p.headersConfig?.headers?.items ?? [];
        if (headers.some((h) => h.toLowerCase() === "authorization")) {
            reportViolation(
                `origin request policy ${p.name ?? ""} forwards Authorization: CloudFront refuses it in an origin request policy; include it in the cache policy's key (as PostHog's CloudFront guide does).`,
            );
        }
    }),
};

/** Header behaviours that send every viewer header, Host included. */
const allViewerHeaderBehaviours = ["allViewer", "allViewerAndWhitelistCloudFront"];

export const cloudfrontOriginRequestPolicyNoHost: ResourceValidationPolicy = {
    name: "cloudfront-origin-request-policy-no-host",
    description:
        "Custom origin request policies never forward the viewer's Host: every vendor but VTEX refuses it (CloudFront 403), and VTEX gets it through the managed AllViewer policy.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.cloudfront.OriginRequestPolicy, (p, _, reportViolation) => {
        const behavior = p.headersConfig?.headerBehavior;
        const headers = p.headersConfig?.headers?.items ?? [];
        const listsHost = headers.some((h) => h.toLowerCase() === "host");
        if (behavior !== undefined && allViewerHeaderBehaviours.includes(behavior)) {
            reportViolation(`origin request policy ${p.name ?? ""} has headerBehavior ${behavior}, which forwards the viewer's Host: list the headers (whitelist) instead.`);
        }
        // allExcept sends every viewer header but the listed ones: Host must be among them.
        if (behavior === "allExcept") {
            if (!listsHost) reportViolation(`origin request policy ${p.name ?? ""} has headerBehavior allExcept without Host among the excluded headers, so it forwards the viewer's Host: add Host.`);
        } else if (listsHost) {
            reportViolation(`origin request policy ${p.name ?? ""} forwards Host: vendors answer 403 to the proxy's Host; remove it.`);
        }
    }),
};

/** Whether a behaviour forwards the viewer's Host: the managed AllViewer policy, or legacy forwarded values with Host or `*`. */
export function forwardsViewerHost(b: Behaviour): boolean {
    return (
        b.originRequestPolicyId === managed.originRequest.AllViewer ||
        (b.forwardedHeaders ?? []).some((h) => h === "*" || h.toLowerCase() === "host")
    );
}

/** CloudFront's limit on a function's code (CloudFront Functions quotas). */
const maxFunctionCodeBytes = 10_240;
/** cloudfront-js-2.0 helper methods that send a request to another origin than its behaviour's. */
const originChangingHelpers = /\b(updateRequestOrigin|selectRequestOriginById|createRequestOriginGroup)\b/;

type FunctionProps = Unwrap<aws.cloudfront.FunctionArgs>;

export const cloudfrontPublicPathsRewritten: StackValidationPolicy = {
    name: "cloudfront-public-paths-rewritten",
    description:
        "A distribution that rewrites public paths runs its viewer-request function on every behaviour (default included: a behaviour without it would send the public path to the vendor, or serve paths outside the prefix), and each function is published, cloudfront-js-2.0, under 10 KB, and only rewrites the path: it never picks another origin or sets Host.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const functions = args.resources.filter((r) => r.isType(aws.cloudfront.Function));
        const byArn = new Map<string, (typeof functions)[number]>(functions.map((f) => [String(f.props.arn ?? `arn:aws:cloudfront::function/${f.props.name}`), f]));
        const byName = new Map(functions.map((f) => [String(f.props.name), f]));
        for (const d of args.resources.filter((r) => r.isType(aws.cloudfront.Distribution))) {
            const props = d.props as DistributionProps;
            const all = [
                ...(props.orderedCacheBehaviors ?? []).map((b) => ({ label: `behaviour "${b.pathPattern}"`, associations: b.functionAssociations ?? [] })),
                ...(props.defaultCacheBehavior ? [{ label: "the default behaviour (*)", associations: props.defaultCacheBehavior.functionAssociations ?? [] }] : []),
            ];
            const viewerRequest = all.map((b) => ({ ...b, fn: b.associations.find((a) => a.eventType === "viewer-request") }));
            if (!viewerRequest.some((b) => b.fn)) continue;
            for (const b of viewerRequest) {
                if (!b.fn) {
                    reportViolation(
                        `${b.label} of distribution ${(props.aliases ?? []).join(", ")} runs no viewer-request function while others do: its requests would reach the vendor with the public path (or be served outside the prefix). Attach the site's rewrite (or 404) function.`,
                        d.urn,
                    );
                    continue;
                }
                // During a preview a new function's ARN is not known yet: only a known one can be checked.
                if (typeof b.fn.functionArn !== "string" || !b.fn.functionArn.startsWith("arn:")) continue;
                const arn = b.fn.functionArn;
                const fn = byArn.get(arn) ?? byName.get(arn.split("/").pop() ?? "");
                if (!fn) {
                    reportViolation(`${b.label} of distribution ${(props.aliases ?? []).join(", ")} runs function ${arn}, which this stack does not declare.`, d.urn);
                }
            }
        }
        for (const f of functions) {
            const props = f.props as FunctionProps;
            const code = String(props.code ?? "");
            const problems = [
                props.runtime !== "cloudfront-js-2.0" ? `runtime ${props.runtime} (use cloudfront-js-2.0)` : undefined,
                props.publish === false ? "is not published (behaviours run the LIVE stage)" : undefined,
                Buffer.byteLength(code) > maxFunctionCodeBytes ? `code of ${Buffer.byteLength(code)} bytes (CloudFront takes ${maxFunctionCodeBytes})` : undefined,
                originChangingHelpers.test(code) ? "changes the request's origin (only the path may be rewritten: the origin is the behaviour's)" : undefined,
                /headers\s*\.\s*host\b|headers\s*\[\s*["']host["']\s*\]/.test(code) ? "sets the Host header" : undefined,
            ].filter((p): p is string => p !== undefined);
            for (const p of problems) reportViolation(`CloudFront Function ${props.name}: ${p}.`, f.urn);
        }
    },
};
