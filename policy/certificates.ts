import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cloudFrontCertificateRegion } from "./facts";
import { isProxies } from "./scope";

/** Whether a certificate name (`*.example.com` or exact) covers `hostname`. */
export function certificateCovers(certName: string, hostname: string): boolean {
    const name = certName.toLowerCase().replace(/\.$/, "");
    const host = hostname.toLowerCase().replace(/\.$/, "");
    if (name === host) return true;
    if (!name.startsWith("*.")) return false;
    const rest = host.slice(host.indexOf(".") + 1);
    return host.includes(".") && rest === name.slice(2);
}

/** The region a resource runs in: its provider's `region`, read from the provider resource it references. */
function regionOf(resource: PolicyResource, all: readonly PolicyResource[]): string | undefined {
    const ref = resource.provider;
    if (!ref) return undefined;
    const providerResource = all.find((r) => r.urn === ref.urn);
    const region = providerResource?.props.region ?? ref.props.region;
    return typeof region === "string" ? region : undefined;
}

/** `arn:aws:acm:<region>:...`: the region an ACM ARN names. */
function arnRegion(arn: unknown): string | undefined {
    return typeof arn === "string" ? arn.split(":")[3] : undefined;
}

export const acmCertificateInUsEast1: StackValidationPolicy = {
    name: "acm-certificate-in-us-east-1",
    description:
        "ACM certificates (and their validations) are created through an AWS provider in us-east-1, the only region CloudFront takes certificates from.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources) {
            if (!r.isType(aws.acm.Certificate) && !r.isType(aws.acm.CertificateValidation)) continue;
            const region = regionOf(r, args.resources) ?? arnRegion(r.props.arn ?? r.props.certificateArn);
            if (region !== cloudFrontCertificateRegion) {
                // The engine names a package's default provider `default` or `default_<version>`.
                const isDefault = !r.provider || /^default(_|$)/.test(r.provider.name);
                const via = isDefault ? "the default provider (the stack's aws:region)" : `its provider ${r.provider!.name} (${r.provider!.urn})`;
                reportViolation(
                    `${r.type.split(":").pop()} ${r.name} is created in ${region ?? "an unknown region"} through ${via}: CloudFront takes certificates only from ${cloudFrontCertificateRegion}; pass an aws.Provider with region ${cloudFrontCertificateRegion}.`,
                    r.urn,
                );
            }
        }
    },
};

/** The certificate a distribution serves, found by dependency (known in previews) or by ARN. */
function certificateOf(distribution: PolicyResource, all: readonly PolicyResource[]): PolicyResource | undefined {
    const certificates = all.filter((r) => r.isType(aws.acm.Certificate));
    const viaDependency = (distribution.propertyDependencies.viewerCertificate ?? []).flatMap((dep) => {
        if (dep.isType(aws.acm.Certificate)) return [dep];
        if (dep.isType(aws.acm.CertificateValidation)) return (dep.propertyDependencies.certificateArn ?? []).filter((c) => c.isType(aws.acm.Certificate));
        return [];
    });
    if (viaDependency.length === 1) return viaDependency[0];
    const arn = distribution.props.viewerCertificate?.acmCertificateArn;
    return certificates.find((c) => c.props.arn === arn);
}

export const cloudfrontCertificateMatchesAliases: StackValidationPolicy = {
    name: "cloudfront-certificate-matches-aliases",
    description:
        "Every CloudFront alias is covered by the distribution's ACM certificate from this stack (CloudFront refuses an alias without a matching certificate).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const d of args.resources.filter((r) => r.isType(aws.cloudfront.Distribution))) {
            const aliases: string[] = d.props.aliases ?? [];
            if (aliases.length === 0) continue;
            const certificate = certificateOf(d, args.resources);
            if (!certificate) {
                // A user's own site distribution (same origin) serves its own certificate: CloudFront checks that one.
                if (!isProxies(d.urn)) continue;
                reportViolation(
                    `distribution ${d.name} serves ${aliases.join(", ")} with certificate ${d.props.viewerCertificate?.acmCertificateArn ?? "(none)"}, which is not an ACM certificate of this stack, so its names cannot be checked.`,
                    d.urn,
                );
                continue;
            }
            const names: string[] = [certificate.props.domainName, ...(certificate.props.subjectAlternativeNames ?? [])].filter(
                (n): n is string => typeof n === "string",
            );
            for (const alias of aliases) {
                if (!names.some((n) => certificateCovers(n, alias))) {
                    reportViolation(
                        `distribution ${d.name} has the alias ${alias}, which its certificate ${certificate.name} (${names.join(", ")}) does not cover: CloudFront refuses it.`,
                        d.urn,
                    );
                }
            }
        }
    },
};

export const acmCertificateCreateBeforeDelete: ResourceValidationPolicy = {
    name: "acm-certificate-create-before-delete",
    description:
        "ACM certificates are replaced create-before-delete (no deleteBeforeReplace), so a distribution is never left without its certificate.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.acm.Certificate, (c, args, reportViolation) => {
        if (args.opts.deleteBeforeReplace === true) {
            reportViolation(
                `certificate ${args.name} (${c.domainName}) has deleteBeforeReplace: a replacement would delete the certificate CloudFront serves before its successor exists; remove the option.`,
            );
        }
    }),
};

export const acmCertificateDnsValidated: ResourceValidationPolicy = {
    name: "acm-certificate-dns-validated",
    description: "ACM certificates are validated by DNS records in the user's DNS, which renew without anyone's action.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.acm.Certificate, (c, args, reportViolation) => {
        if (c.validationMethod !== "DNS") {
            reportViolation(`certificate ${args.name} (${c.domainName}) has validationMethod ${c.validationMethod ?? "unset"}: set DNS.`);
        }
    }),
};
