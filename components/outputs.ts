import * as pulumi from "@pulumi/pulumi";
import { combine } from "./combine";
import { sdkSnippet } from "./model/sdk";
import { ProxySpec, SdkSettings } from "./model/types";

/**
 * One DNS record a proxy relies on, as a DNS console shows it. `createdBy` says who makes it: `stack` (this stack
 * creates and updates it in Route 53 or Cloudflare; nothing to do) or `you` (with `dns.provider: manual`: create it
 * by hand). The type is the record's real one: a Route 53 alias is an `A` and an `AAAA` record with `alias: true`.
 */
export interface DnsRecordOutput {
    readonly name: string;
    readonly type: "A" | "AAAA" | "CNAME" | "TXT" | "NS";
    /** The content, or for an alias the name it points at (a CloudFront distribution). */
    readonly value: string;
    /** Route 53 alias records only: the record answers with the target's addresses (no CNAME at the name). */
    readonly alias?: true;
    readonly purpose: string;
    readonly createdBy: "stack" | "you";
}

/** What every proxy component exports, whichever CDN built it: the stack output users read after `pulumi up`. */
export interface ProxyOutputs {
    readonly vendor: string;
    /** The vendor region the proxy sends to; absent where there is no choice (VTEX, Segment's managed domains). */
    readonly region?: string;
    /** `cloudfront`, `cloudflare-worker`, `cloudflare-page-rule`, `cloudflare-dns` or `dns-only`. */
    readonly cdn: string;
    readonly urls: string[];
    /** The SDK settings to paste, as values and as code. */
    readonly sdk: SdkSettings;
    readonly snippet: string;
    /** Every DNS record the proxy relies on, each saying who creates it (`createdBy: stack | you`). */
    readonly dnsRecords: DnsRecordOutput[];
    /** What the CDN answers on (distribution domain names), where there is such a thing. */
    readonly cdnTargets: string[];
    readonly notes: string[];
    /**
     * What you must do yourself for the proxy to work, in order: the records `createdBy: you`, then the vendor's own
     * steps (Segment's support request, VTEX's go-live). Empty when the stack does it all.
     */
    readonly todo: string[];
}

export function proxyOutputs(
    proxy: ProxySpec,
    cdn: string,
    dnsRecords: readonly pulumi.Input<DnsRecordOutput[]>[],
    cdnTargets: readonly pulumi.Input<string>[],
    extraNotes: readonly string[] = [],
): pulumi.Output<ProxyOutputs> {
    // One combination of everything a deploy decides (records' targets, distribution names), not one per kind.
    const outputs = combine<DnsRecordOutput[] | string, ProxyOutputs>([...dnsRecords, ...cdnTargets], (values) => {
        const records = (values.slice(0, dnsRecords.length) as DnsRecordOutput[][]).flat();
        return {
            vendor: proxy.vendor,
            // Only where the user chose one: VTEX has no regions, and a managed domain's is the vendor workspace's.
            ...(proxy.regional ? { region: proxy.region } : {}),
            cdn,
            urls: proxy.sites.map((s) => `https://${s.hostname}`),
            sdk: proxy.sdk,
            snippet: sdkSnippet(proxy.sdk),
            dnsRecords: records,
            cdnTargets: values.slice(dnsRecords.length) as string[],
            notes: [...proxy.notes, ...extraNotes],
            todo: [
                ...records.filter((r) => r.createdBy === "you").map((r) => `Create the DNS record ${r.name} ${r.type} ${r.value} (${r.purpose}).`),
                ...(proxy.todo ?? []),
            ],
        };
    });
    // pulumi.output would copy an Output it is given: only plain outputs need wrapping.
    return pulumi.Output.isInstance(outputs) ? (outputs as pulumi.Output<ProxyOutputs>) : pulumi.output(outputs);
}
