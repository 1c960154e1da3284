import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { bareHttpsHost, readWorkerSites, WorkersScriptProps } from "./cloudflare";
import { behavioursOf, DistributionProps, forwardsViewerHost } from "./cloudfront";
import { isAmplitudeHost, managed, vendorOfHost } from "./facts";

/*
 * The vendors' contracts, on whichever CDN serves them: who gets the viewer's Host, and what must never be cached.
 */

export const noViewerHostToVendors: ResourceValidationPolicy = {
    name: "no-viewer-host-to-vendors",
    description:
        "Segment, PostHog and Amplitude get their own hostname as Host, never the viewer's (they answer 403 otherwise): no AllViewer origin request policy on CloudFront, and a Host override to the origin on Cloudflare page rules.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(aws.cloudfront.Distribution, (d, _, reportViolation) => {
            for (const b of behavioursOf(d)) {
                if (vendorOfHost(b.originDomain) === "vtex" || !forwardsViewerHost(b)) continue;
                const how = b.originRequestPolicyId === managed.originRequest.AllViewer ? "the managed AllViewer origin request policy" : "forwarded Host headers";
                reportViolation(
                    `${b.label} sends the viewer's Host to ${b.originDomain ?? b.targetOriginId} through ${how}: that origin refuses it (403); use AllViewerExceptHostHeader, CORS-CustomOrigin or no origin request policy.`,
                );
            }
        }),
        validateResourceOfType(cloudflare.PageRule, (rule, _, reportViolation) => {
            const origin = rule.actions?.resolveOverride;
            if (origin === undefined || vendorOfHost(origin) === "vtex") return;
            if (rule.actions?.hostHeaderOverride !== origin) {
                reportViolation(
                    `page rule ${rule.target} resolves to ${origin} with hostHeaderOverride ${rule.actions?.hostHeaderOverride ?? "unset"}: set it to ${origin}, or the origin sees the proxy's Host and answers 403.`,
                );
            }
        }),
    ],
};

/** CloudFront's managed origin request policies that forward every cookie of the viewer's. */
const cookieForwardingManagedPolicies: Record<string, string> = {
    [managed.originRequest.AllViewer]: "AllViewer",
    [managed.originRequest.AllViewerExceptHostHeader]: "AllViewerExceptHostHeader",
};

export const noCookiesToVendors: ResourceValidationPolicy = {
    name: "no-cookies-to-vendors",
    description:
        "The site's cookies never reach an analytics vendor: no CloudFront behaviour toward a vendor but VTEX (whose cookies are the store's) uses a managed origin request policy that forwards cookies (AllViewer, AllViewerExceptHostHeader).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.cloudfront.Distribution, (d, _, reportViolation) => {
        for (const b of behavioursOf(d)) {
            const vendor = vendorOfHost(b.originDomain);
            const policy = cookieForwardingManagedPolicies[b.originRequestPolicyId ?? ""];
            if (vendor === undefined || vendor === "vtex" || policy === undefined) continue;
            reportViolation(
                `${b.label} forwards the viewer's cookies to ${b.originDomain} through the managed ${policy} origin request policy: use a custom policy with cookies none (every header but Host: headers allExcept Host).`,
            );
        }
    }),
};

export const vtexKeepsHost: ResourceValidationPolicy = {
    name: "vtex-keeps-host",
    description:
        "VTEX gets the store's own Host: the managed AllViewer origin request policy on CloudFront; on Cloudflare proxied DNS, never a page rule Host override or a Worker (whose fetch always sends the URL's host).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(aws.cloudfront.Distribution, (d, _, reportViolation) => {
            for (const b of behavioursOf(d)) {
                if (vendorOfHost(b.originDomain) !== "vtex" || b.originRequestPolicyId === managed.originRequest.AllViewer) continue;
                reportViolation(
                    `${b.label} goes to VTEX (${b.originDomain}) with origin request policy ${b.originRequestPolicyId ?? "none"}: use the managed AllViewer (${managed.originRequest.AllViewer}), or VTEX cannot tell which store is asked for.`,
                );
            }
        }),
        validateResourceOfType(cloudflare.PageRule, (rule, _, reportViolation) => {
            for (const [action, value] of [
                ["hostHeaderOverride", rule.actions?.hostHeaderOverride],
                ["resolveOverride", rule.actions?.resolveOverride],
            ] as const) {
                if (vendorOfHost(value) === "vtex") {
                    reportViolation(`page rule ${rule.target} has ${action} ${value}: VTEX needs the store's Host; serve the store as a proxied DNS record instead.`);
                }
            }
        }),
        validateResourceOfType(cloudflare.WorkersScript, (script, _, reportViolation) => {
            for (const [id, origin] of readWorkerSites(script).sites.flatMap((settings) => Object.entries(settings.origins))) {
                const host = typeof origin?.baseUrl === "string" ? safeHost(origin.baseUrl) : undefined;
                if (vendorOfHost(host) === "vtex") {
                    reportViolation(`Worker ${script.scriptName} origin ${id} is VTEX (${host}): a Worker cannot send the store's Host; serve the store as a proxied DNS record.`);
                }
            }
        }),
    ],
};

export const amplitudeNeverCached: ResourceValidationPolicy = {
    name: "amplitude-never-cached",
    description:
        "Nothing on the way to Amplitude is cached (session replay data, analytics events and their remote config): CachingDisabled on CloudFront, cache bypass on Cloudflare page rules, uncached subrequests in Workers.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(aws.cloudfront.Distribution, (d, _, reportViolation) => {
            for (const b of behavioursOf(d)) {
                if (!isAmplitudeHost(b.originDomain) || b.cachePolicyId === managed.cache.CachingDisabled) continue;
                reportViolation(
                    `${b.label} goes to Amplitude (${b.originDomain}) with cache policy ${b.cachePolicyId}: use the managed CachingDisabled (${managed.cache.CachingDisabled}); replay data must never be cached.`,
                );
            }
        }),
        validateResourceOfType(cloudflare.PageRule, (rule, _, reportViolation) => {
            const origin = rule.actions?.resolveOverride ?? rule.actions?.hostHeaderOverride;
            if (isAmplitudeHost(origin) && rule.actions?.cacheLevel !== "bypass") {
                reportViolation(`page rule ${rule.target} goes to Amplitude (${origin}) with cacheLevel ${rule.actions?.cacheLevel ?? "unset"}: set bypass.`);
            }
        }),
        validateResourceOfType(cloudflare.WorkersScript, (script, _, reportViolation) => {
            for (const settings of readWorkerSites(script).sites) {
                for (const route of settings.routes) {
                    const origin = typeof route.originId === "string" ? settings.origins[route.originId] : undefined;
                    const host = bareHttpsHost(origin?.baseUrl) ?? (typeof origin?.baseUrl === "string" ? safeHost(origin.baseUrl) : undefined);
                    if (isAmplitudeHost(host) && route.cache !== "disabled") {
                        reportViolation(`Worker ${script.scriptName} route ${String(route.pathPattern)} goes to Amplitude (${host}) with cache ${String(route.cache)}: set disabled.`);
                    }
                }
            }
        }),
    ],
};

function safeHost(url: string): string | undefined {
    try {
        return new URL(url).hostname;
    } catch {
        return undefined;
    }
}

/**
 * Datadog's SDK names the intake path in `ddforward`: whatever forwards to a Datadog intake must read and check it
 * (only intake paths, never another host), or it forwards blindly ("Proxy Your Browser RUM Data": no open proxy).
 */
export const datadogDdforwardChecked: StackValidationPolicy = {
    name: "datadog-ddforward-checked",
    description:
        "Every way to a Datadog intake checks ddforward at the edge: CloudFront behaviours run the generated ddforward viewer-request function, Worker routes carry the ddforward target, and no page rule resolves to a Datadog intake (page rules cannot check it).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const functionCode = new Map(args.resources.filter((r) => r.isType(aws.cloudfront.Function)).map((f) => [String(f.props.name), String(f.props.code ?? "")]));
        for (const d of args.resources.filter((r) => r.isType(aws.cloudfront.Distribution))) {
            const props = d.props as DistributionProps;
            const origins = new Map((props.origins ?? []).map((o) => [o.originId, o.domainName]));
            const all = [
                ...(props.orderedCacheBehaviors ?? []).map((b) => ({ label: `behaviour "${b.pathPattern}"`, b })),
                ...(props.defaultCacheBehavior ? [{ label: "the default behaviour (*)", b: props.defaultCacheBehavior }] : []),
            ];
            for (const { label, b } of all) {
                const host = origins.get(b.targetOriginId);
                if (vendorOfHost(host) !== "datadog") continue;
                const fn = (b.functionAssociations ?? []).find((a) => a.eventType === "viewer-request");
                const code = fn ? functionCode.get(String(fn.functionArn).split("/").pop() ?? "") : undefined;
                if (code === undefined || !code.includes("ddforwardViewerRequest(")) {
                    reportViolation(`${label} of distribution ${(props.aliases ?? []).join(", ")} goes to ${host} without the ddforward viewer-request function: the request's ddforward would go unchecked (or not at all) to the intake.`, d.urn);
                }
            }
        }
        for (const script of args.resources.filter((r) => r.isType(cloudflare.WorkersScript))) {
            for (const settings of readWorkerSites(script.props as WorkersScriptProps).sites) {
                for (const route of settings.routes) {
                    const origin = typeof route.originId === "string" ? settings.origins[route.originId] : undefined;
                    const host = bareHttpsHost(origin?.baseUrl);
                    if (vendorOfHost(host) === "datadog" && route.queryTarget?.kind !== "ddforward") {
                        reportViolation(`Worker ${String(script.props.scriptName)} route ${String(route.pathPattern)} goes to ${host} without the ddforward target: set queryTarget ddforward.`, script.urn);
                    }
                }
            }
        }
        for (const rule of args.resources.filter((r) => r.isType(cloudflare.PageRule))) {
            const origin = (rule.props as { actions?: { resolveOverride?: string } }).actions?.resolveOverride;
            if (vendorOfHost(origin) === "datadog") {
                reportViolation(`page rule ${String(rule.props.target)} resolves to ${origin}: page rules cannot check ddforward; serve Datadog with a Worker.`, rule.urn);
            }
        }
    },
};
