import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createExtraDnsRecords, createHostnameRecord, PlannedRecord } from "../dns/record";
import { ProxyComponentType, RecordOwner } from "../dns/recordAliases";
import { DnsZone } from "../dns/zone";
import { ProxySpec, Route, Site } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { createValidatedCertificate } from "./certificate";
import { certificateProvider, certificateRegion } from "./certificateProvider";
import { distributionArgs } from "./distributionArgs";
import { PolicySet } from "./policies";
import { siteViewerRequestFunctions } from "./viewerRequestFunction";
import { ViewerRequestFunctions } from "./viewerRequestFunctions";
import { CloudFrontShared } from "./shared";
import { requireClientIpHonoured } from "../model/clientIp";

export interface CloudFrontProxyArgs {
    /** The neutral description of the proxy, from `buildProxySpec`. */
    readonly proxy: ProxySpec;
    /** Where the alias, validation and vendor records go. */
    readonly zone: DnsZone;
    /** An AWS provider in us-east-1 for the ACM certificates. Default: one created under this component. */
    readonly certificateProvider?: aws.Provider;
    /** CloudFront price class. Default: PriceClass_All. */
    readonly priceClass?: string;
    /** Tags for the distributions and certificates. Default: none. */
    readonly tags?: Record<string, string>;
    /**
     * The stack's shared custom policies (one per distinct content, whatever the number of proxies).
     * Default: `CloudFrontShared.forStack({ nameSuffix })`, the one registry of this program and default provider.
     */
    readonly shared?: CloudFrontShared;
    /** Used only when `shared` is not given: see CloudFrontSharedArgs.nameSuffix. */
    readonly nameSuffix?: pulumi.Input<string>;
    /**
     * The stack's CloudFront Functions, shared by every proxy (one per distinct code). Default: functions created
     * under this component.
     */
    readonly viewerRequestFunctions?: ViewerRequestFunctions;
}

const componentType = "first-party-proxy:aws:CloudFrontProxy" satisfies ProxyComponentType;

/**
 * A vendor proxy on CloudFront: per hostname a distribution with one origin per upstream and one behaviour per
 * route, the vendor's cache, origin request and response headers policies (managed ones, or the stack's shared
 * custom ones: see CloudFrontShared), a DNS-validated certificate in
 * us-east-1, and the DNS records pointing the hostname at the distribution. The hostname's record and the vendor's
 * records keep their identity across CDNs (`createHostnameRecord`): switching the stack to Cloudflare updates them.
 */
export class CloudFrontProxy extends pulumi.ComponentResource {
    public readonly distributions: aws.cloudfront.Distribution[];
    public readonly outputs: pulumi.Output<ProxyOutputs>;
    /** The URNs this component had before (its aliases), for the policies it owned then. */
    private readonly formerUrns: pulumi.Output<string>[];

    constructor(name: string, args: CloudFrontProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        // Refused before the component registers: CloudFront/Cloudflare would send the full address anyway.
        requireClientIpHonoured(name, args.proxy, "aws");
        super(componentType, name, {}, opts);
        this.formerUrns = formerUrnsOf(name, opts?.aliases);
        const { proxy, zone } = args;
        const owner: RecordOwner = { type: componentType, name, parent: opts?.parent };
        const tags = { "first-party-proxy:proxy": proxy.name, "first-party-proxy:vendor": proxy.vendor, ...args.tags };
        const usEast1 =
            args.certificateProvider ?? certificateProvider(`${name}-${certificateRegion}`, { parent: this });

        if (proxy.sharedHost) {
            throw new Error(
                `${proxy.name}: sharedHost is not available on CloudFront (the hostname's own distribution would need the proxy's behaviours); give the proxy its own hostname, or spread cloudFrontSiteRoutes into the site's own distribution`,
            );
        }
        const functions = args.viewerRequestFunctions ?? new ViewerRequestFunctions(args.nameSuffix, { parent: this });
        const records: pulumi.Input<PlannedRecord[]>[] = [];
        this.distributions = proxy.sites.map((site) => {
            const siteName = proxy.sites.length === 1 ? name : `${name}-${site.role}`;
            const certificate = createValidatedCertificate(siteName, site.hostname, zone, tags, {
                parent: this,
                provider: usEast1,
            });
            const distribution = this.createDistribution(siteName, site, certificate.arn, args, tags, functions, proxy.paths.prefix);
            const alias = createHostnameRecord(
                zone,
                owner,
                siteName,
                { type: "cdnAlias", name: site.hostname, target: distribution.domainName },
                `Points ${site.hostname} at its CloudFront distribution`,
                { parent: this },
            );
            records.push(alias.planned, certificate.validationRecords);
            return distribution;
        });
        records.push(...createExtraDnsRecords(zone, name, proxy.extraDnsRecords, { parent: this }, owner));

        this.outputs = proxyOutputs(
            proxy,
            "cloudfront",
            records,
            this.distributions.map((d) => d.domainName),
        );
        this.registerOutputs({ outputs: this.outputs });
    }

    private createDistribution(
        name: string,
        site: Site,
        certificateArn: pulumi.Input<string>,
        args: CloudFrontProxyArgs,
        tags: Record<string, string>,
        functions: ViewerRequestFunctions,
        prefix: string | undefined,
    ): aws.cloudfront.Distribution {
        const shared = args.shared ?? CloudFrontShared.forStack({ nameSuffix: args.nameSuffix });
        const policies = new PolicySet(name, shared, this, this.formerUrns);
        const codes = siteViewerRequestFunctions(site, prefix);
        const functionFor = (route: Route): pulumi.Input<string> | undefined => {
            const fn = codes[site.routes.indexOf(route)];
            return fn === undefined ? undefined : functions.arnFor(fn.code, fn.comment, name);
        };
        return new aws.cloudfront.Distribution(
            `${name}-distribution`,
            distributionArgs(site, {
                certificateArn,
                priceClass: args.priceClass ?? "PriceClass_All",
                comment: `first-party-proxy: ${site.hostname}`,
                tags,
                policiesFor: (route) => policies.forRoute(route),
                viewerRequestFunctionFor: functionFor,
            }),
            { parent: this },
        );
    }
}

/** The URNs a component named `name` had before, from its object aliases (a former parent, name or type). */
function formerUrnsOf(name: string, aliases: pulumi.ComponentResourceOptions["aliases"]): pulumi.Output<string>[] {
    return (aliases ?? []).flatMap((alias) => {
        if (typeof alias === "string" || pulumi.Output.isInstance(alias)) return [];
        const a = alias as pulumi.Alias;
        const parent = a.parent === pulumi.rootStackResource ? undefined : a.parent;
        return [
            pulumi
                .all([a.name ?? name, a.type ?? componentType, a.project ?? pulumi.getProject(), a.stack ?? pulumi.getStack()])
                .apply(([n, t, project, stack]) => pulumi.createUrn(n, t, parent, project, stack)),
        ];
    });
}
