import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { combine } from "../combine";
import { createDnsRecord, PlannedRecord } from "../dns/record";
import { DnsZone } from "../dns/zone";

export interface ValidatedCertificate {
    /** ARN of the certificate, available once ACM has validated it. */
    readonly arn: pulumi.Output<string>;
    readonly validationRecords: pulumi.Input<PlannedRecord[]>;
}

/**
 * An ACM certificate for `hostname` in us-east-1 (the only region CloudFront takes certificates from), validated
 * through a DNS record in the user's zone. With manual DNS the validation waits for the user to create the record,
 * which is logged as soon as ACM names it.
 */
export function createValidatedCertificate(
    name: string,
    hostname: string,
    zone: DnsZone,
    tags: Record<string, string>,
    opts: pulumi.CustomResourceOptions & { provider: aws.Provider },
): ValidatedCertificate {
    // Replacements create the new certificate before deleting the old, so the distribution is never without one.
    const certificate = new aws.acm.Certificate(
        `${name}-cert`,
        { domainName: hostname, validationMethod: "DNS", keyAlgorithm: "RSA_2048", tags },
        { ...opts, deleteBeforeReplace: false },
    );
    const option = certificate.domainValidationOptions.apply((options) => {
        const match = options.find((o) => o.domainName === hostname) ?? options[0];
        if (!match) throw new Error(`ACM returned no DNS validation option for ${hostname}`);
        return match;
    });
    const record = createDnsRecord(
        zone,
        `${name}-cert-validation`,
        { type: "CNAME", name: option.resourceRecordName, value: option.resourceRecordValue },
        `ACM validation of the certificate for ${hostname}`,
        { parent: opts.parent },
    );
    if (zone.provider === "manual") {
        pulumi.output(record.planned).apply((records) => {
            // Only a real `pulumi up` knows the record (and waits for it); the offline plan lists it in dnsRecords.
            if (!pulumi.runtime.isDryRun() && pulumi.runtime.hasEngine()) {
                for (const r of records) pulumi.log.warn(`Create this DNS record so ACM can issue the certificate: ${r.name} ${r.type} ${r.value}`, certificate);
            }
        });
    }
    const validation = new aws.acm.CertificateValidation(
        `${name}-cert-validation`,
        {
            certificateArn: certificate.arn,
            validationRecordFqdns: zone.provider === "manual" ? undefined : combine([record.planned], ([rs]) => rs.map((r) => r.name)),
        },
        { ...opts, dependsOn: record.resources },
    );
    return { arn: validation.certificateArn, validationRecords: record.planned };
}
