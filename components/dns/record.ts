import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { combine } from "../combine";
import { ExtraDnsRecord } from "../model/types";
import { DnsRecordOutput } from "../outputs";
import { FormerNames, formerHostnameRecordNames, hostnameRecordName, RecordOwner, recordAliases, route53RecordType } from "./recordAliases";
import { DnsZone } from "./zone";

/** CloudFront's fixed hosted zone id for alias records. */
export const cloudFrontHostedZoneId = "Z2FDTNDATAQYW2";

/** A record in neutral terms; each DNS provider writes it its own way. */
export type DnsRecordSpec =
    | {
          readonly type: "CNAME";
          readonly name: pulumi.Input<string>;
          readonly value: pulumi.Input<string>;
          /** Cloudflare only: serve the name through Cloudflare's proxy (orange cloud). */
          readonly proxied?: boolean;
      }
    | { readonly type: "TXT"; readonly name: pulumi.Input<string>; readonly value: pulumi.Input<string> }
    | { readonly type: "NS"; readonly name: pulumi.Input<string>; readonly values: readonly pulumi.Input<string>[] }
    /** A hostname pointing at a CloudFront distribution: Route 53 alias A and AAAA, elsewhere an unproxied CNAME. */
    | { readonly type: "cdnAlias"; readonly name: pulumi.Input<string>; readonly target: pulumi.Input<string> };

/** A record as the outputs show it (who creates it, its real type). */
export type PlannedRecord = DnsRecordOutput;

export interface CreatedRecords {
    /** The resources created (none for manual DNS). */
    readonly resources: pulumi.Resource[];
    /** What the records say, for outputs: plain data where nothing in it waits for a deploy. */
    readonly planned: pulumi.Input<PlannedRecord[]>;
}

/** The resource types records are registered as (their aliases must name the same type). */
const cloudflareRecordType = "cloudflare:index/dnsRecord:DnsRecord";

const recordTtl = 300;
/** Cloudflare's "automatic" TTL, required for proxied records. */
const cloudflareAutoTtl = 1;

const withoutDot = (name: string) => name.replace(/\.$/, "");

/**
 * A record that belongs to a proxy's hostname rather than to one CDN: registered with `recordAliases`, so it stays
 * the same resource whichever proxy component owns it.
 */
export interface SharedRecord {
    readonly owner: RecordOwner;
    /** Names earlier versions gave the record, per owner type. */
    readonly formerNames?: FormerNames;
}

/** The options of one record resource (`suffix`: what its name adds to the record's name, e.g. Route 53's `-a`). */
type RecordOptions = (resourceType: string, suffix: string) => pulumi.CustomResourceOptions;

/**
 * Creates `spec` in `zone`, naming resources from `name`, or only describes it when DNS is manual. A `shared` record
 * gets aliases under every proxy component type (see `recordAliases`).
 */
export function createDnsRecord(
    zone: DnsZone,
    name: string,
    spec: DnsRecordSpec,
    purpose: string,
    opts: pulumi.CustomResourceOptions,
    shared?: SharedRecord,
): CreatedRecords {
    const planned = describe(spec, purpose, zone.provider);
    const options: RecordOptions = (resourceType, suffix) => {
        if (!shared) return opts;
        const former = Object.fromEntries(Object.entries(shared.formerNames ?? {}).map(([type, names]) => [type, names!.map((n) => `${n}${suffix}`)]));
        return { ...opts, aliases: [...(opts.aliases ?? []), ...recordAliases(shared.owner, resourceType, `${name}${suffix}`, former)] };
    };
    switch (zone.provider) {
        case "manual":
            return { resources: [], planned };
        case "route53":
            return { resources: route53Records(zone.zoneId, name, spec, options), planned };
        case "cloudflare":
            return { resources: cloudflareRecords(zone.zoneId, name, spec, options), planned };
    }
}

/**
 * A site's own record, pointing its hostname at whatever serves it, named `<site>-hostname` under every proxy
 * component and aliased across them: switching CDN updates the record in place (new target, proxied or not) rather
 * than creating a second record for the name.
 */
export function createHostnameRecord(
    zone: DnsZone,
    owner: RecordOwner,
    siteName: string,
    spec: DnsRecordSpec,
    purpose: string,
    opts: pulumi.CustomResourceOptions,
): CreatedRecords {
    return createDnsRecord(zone, hostnameRecordName(siteName), spec, purpose, opts, { owner, formerNames: formerHostnameRecordNames(siteName) });
}

function describe(spec: DnsRecordSpec, purpose: string, provider: DnsZone["provider"]): pulumi.Input<PlannedRecord[]> {
    const values: pulumi.Input<string>[] = spec.type === "NS" ? [...spec.values] : [spec.type === "cdnAlias" ? spec.target : spec.value];
    const createdBy = provider === "manual" ? "you" : "stack";
    // What the provider really holds: Route 53 aliases are an A and an AAAA record; elsewhere an alias is a CNAME.
    const types: { type: PlannedRecord["type"]; alias?: true }[] =
        spec.type !== "cdnAlias"
            ? [{ type: spec.type }]
            : provider === "route53"
              ? [
                    { type: "A", alias: true },
                    { type: "AAAA", alias: true },
                ]
              : [{ type: "CNAME" }];
    return combine([spec.name, ...values], ([n, ...vs]) =>
        types.flatMap((t) => vs.map((value) => ({ name: withoutDot(n), ...t, value: withoutDot(value), purpose, createdBy }) as PlannedRecord)),
    );
}

function route53Records(
    zoneId: pulumi.Input<string>,
    name: string,
    spec: DnsRecordSpec,
    options: RecordOptions,
): aws.route53.Record[] {
    if (spec.type === "cdnAlias") {
        return (["A", "AAAA"] as const).map(
            (type) =>
                new aws.route53.Record(
                    `${name}-${type.toLowerCase()}`,
                    {
                        zoneId,
                        name: spec.name,
                        type,
                        aliases: [{ name: spec.target, zoneId: cloudFrontHostedZoneId, evaluateTargetHealth: false }],
                    },
                    options(route53RecordType, `-${type.toLowerCase()}`),
                ),
        );
    }
    const records = spec.type === "NS" ? [...spec.values] : [spec.value];
    return [
        new aws.route53.Record(
            name,
            // ACM reuses validation names across certificates of one hostname; overwriting keeps re-creation idempotent.
            { zoneId, name: spec.name, type: spec.type, ttl: recordTtl, records, allowOverwrite: spec.type === "CNAME" },
            options(route53RecordType, ""),
        ),
    ];
}

function cloudflareRecords(
    zoneId: pulumi.Input<string>,
    name: string,
    spec: DnsRecordSpec,
    options: RecordOptions,
): cloudflare.DnsRecord[] {
    const record = (suffix: string, type: string, content: pulumi.Input<string>, proxied: boolean) =>
        new cloudflare.DnsRecord(
            `${name}${suffix}`,
            {
                zoneId,
                name: combine([spec.name], ([n]) => withoutDot(n)),
                type,
                content: combine([content], ([c]) => withoutDot(c)),
                proxied,
                ttl: proxied ? cloudflareAutoTtl : recordTtl,
            },
            options(cloudflareRecordType, suffix),
        );
    switch (spec.type) {
        case "cdnAlias":
            // CloudFront terminates TLS for the name itself: Cloudflare's proxy in front would break its certificate.
            return [record("", "CNAME", spec.target, false)];
        case "CNAME":
            return [record("", "CNAME", spec.value, spec.proxied ?? false)];
        case "TXT":
            // Cloudflare stores TXT content quoted; unquoted content is accepted but flagged on every read.
            return [record("", "TXT", combine([spec.value], ([v]) => JSON.stringify(v)), false)];
        case "NS":
            return spec.values.map((value, i) => record(`-${i}`, "NS", value, false));
    }
}

/**
 * Creates a proxy's vendor records (VTEX's TXT, Segment's NS or CNAMEs), naming them from `name`. With an `owner`
 * (a proxy component), they are aliased across proxy components like the hostname's own record.
 */
export function createExtraDnsRecords(
    zone: DnsZone,
    name: string,
    records: readonly ExtraDnsRecord[],
    opts: pulumi.CustomResourceOptions,
    owner?: RecordOwner,
): pulumi.Input<PlannedRecord[]>[] {
    return records.map((record, i) => {
        const spec: DnsRecordSpec =
            record.type === "NS"
                ? { type: "NS", name: record.name, values: record.values }
                : { type: record.type, name: record.name, value: record.values[0] };
        return createDnsRecord(zone, `${name}-${record.type.toLowerCase()}-${i}`, spec, record.purpose, opts, owner && { owner }).planned;
    });
}
