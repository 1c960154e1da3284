import { createHash } from "crypto";

/** A short, stable hex digest: the same config always plans to the same ids. */
export function stableHash(text: string, length = 12): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

const account = "123456789012";

/** What the plan shows for a value the provider only returns after `pulumi up` (a domain name, a random suffix). */
export const knownAfterUp = "<known after pulumi up>";

/** A mock provider answer: the id, the state, and the invented strings in that state that only a deploy knows. */
export interface MockAnswer {
    readonly id: string;
    readonly state: Record<string, any>;
    /**
     * Strings the mock made up that stand for values known only after deploy: the plan's presentation replaces
     * each (wherever it appears, in part of a value too) with `knownAfterUp`. Ids are not listed: they stay usable
     * as references, and the plan names them as mock.
     */
    readonly unknown: readonly string[];
}

/**
 * Plausible provider answers for a resource under mocks: its id and the outputs the program reads from it.
 * Inputs are echoed back as state, as a real provider would for the fields it stores.
 */
export function mockResource(type: string, name: string, inputs: Record<string, any>): MockAnswer {
    const answer = mockState(type, name, inputs);
    return { unknown: [], ...answer };
}

function mockState(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any>; unknown?: string[] } {
    const h = stableHash(`${type}::${name}`);
    switch (type) {
        case "aws:acm/certificate:Certificate": {
            const domain: string = inputs.domainName;
            const arn = `arn:aws:acm:us-east-1:${account}:certificate/${stableHash(name, 8)}-${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8, 12)}`;
            const recordLabel = stableHash(domain, 32);
            const recordValue = `_${stableHash(`v:${domain}`, 32)}.abcdefghij.acm-validations.aws`;
            return {
                id: arn,
                state: {
                    ...inputs,
                    arn,
                    domainValidationOptions: [
                        {
                            domainName: domain,
                            resourceRecordName: `_${recordLabel}.${domain}.`,
                            resourceRecordType: "CNAME",
                            resourceRecordValue: `${recordValue}.`,
                        },
                    ],
                },
                // The record's name keeps the known hostname: `_<known after pulumi up>.e.example.com`.
                unknown: [recordValue, recordLabel],
            };
        }
        case "aws:acm/certificateValidation:CertificateValidation":
            // The validation's own id is a timestamp in AWS; its certificateArn output echoes the certificate.
            return { id: `validation-${h}`, state: { ...inputs } };
        case "aws:cloudfront/distribution:Distribution": {
            const id = `E${h.toUpperCase().slice(0, 13)}`;
            const arn = `arn:aws:cloudfront::${account}:distribution/${id}`;
            const domainName = `d${stableHash(name, 13)}.cloudfront.net`;
            return {
                id,
                state: { ...inputs, arn, domainName, hostedZoneId: "Z2FDTNDATAQYW2", status: "Deployed" },
                unknown: [arn, domainName],
            };
        }
        case "aws:cloudfront/cachePolicy:CachePolicy":
        case "aws:cloudfront/originRequestPolicy:OriginRequestPolicy":
        case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": {
            const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${stableHash(name, 3)}-8${stableHash(type, 3)}-${stableHash(name + type, 12)}`;
            const etag = `E${h.slice(0, 12).toUpperCase()}`;
            return { id, state: { ...inputs, etag }, unknown: [etag] };
        }
        case "aws:cloudfront/function:Function": {
            // A function's id is its name; its ARN names it too.
            const fnName = String(inputs.name ?? name);
            return { id: fnName, state: { ...inputs, arn: `arn:aws:cloudfront::${account}:function/${fnName}`, etag: `E${h.slice(0, 12).toUpperCase()}`, status: "UNASSOCIATED" } };
        }
        case "aws:s3/bucket:Bucket": {
            // A site's bucket (a user program's default origin): named by the provider unless the program names it.
            const bucket = String(inputs.bucket ?? `${name}-${h.slice(0, 7)}`);
            const region = String(inputs.region ?? "us-east-1");
            const generated = inputs.bucket === undefined ? [bucket] : [];
            return {
                id: bucket,
                state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region },
                unknown: generated,
            };
        }
        case "random:index/randomId:RandomId": {
            const hex = stableHash(`random:${name}`, 2 * Number(inputs.byteLength ?? 8));
            const bytes = Buffer.from(hex, "hex");
            return {
                id: bytes.toString("base64url"),
                state: { ...inputs, hex, b64Url: bytes.toString("base64url"), b64Std: bytes.toString("base64"), dec: BigInt(`0x${hex}`).toString() },
                unknown: [hex], // what the program reads (policy name suffixes)
            };
        }
        case "aws:route53/record:Record": {
            const fqdn = String(inputs.name ?? "").replace(/\.$/, "");
            return { id: `${inputs.zoneId}_${fqdn}_${inputs.type}`, state: { ...inputs, fqdn } };
        }
        case "cloudflare:index/dnsRecord:DnsRecord":
        case "cloudflare:index/workersScript:WorkersScript":
        case "cloudflare:index/workersRoute:WorkersRoute":
        case "cloudflare:index/pageRule:PageRule":
        case "cloudflare:index/ruleset:Ruleset":
            return { id: stableHash(`${type}::${name}`, 32), state: { ...inputs } };
        default:
            if (type.startsWith("pulumi:providers:")) return { id: `${stableHash(name, 8)}-provider`, state: { ...inputs } };
            return { id: `${name}-${h}`, state: { ...inputs } };
    }
}

/** Answers to the invokes the program makes (zone look-ups). Any other invoke is an error, never a silent `{}`. */
export function mockInvoke(token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:route53/getZone:getZone": {
            const name = String(inputs.name ?? "example.com").replace(/\.$/, "");
            const zoneId = `Z${stableHash(name, 20).toUpperCase()}`;
            return { id: zoneId, zoneId, name, privateZone: false, nameServers: [`ns-1.awsdns-01.org`, `ns-2.awsdns-02.com`] };
        }
        case "cloudflare:index/getZone:getZone": {
            const name = String(inputs.filter?.name ?? inputs.zoneId ?? "example.com");
            const zoneId = inputs.zoneId ?? stableHash(`zone:${name}`, 32);
            return { id: zoneId, zoneId, name, status: "active", nameServers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"] };
        }
        default: {
            // The runtime reports an invoke's failure by the gRPC error's `details`.
            const message = `the offline plan has no mock answer for invoke ${token}`;
            throw Object.assign(new Error(message), { details: message });
        }
    }
}
