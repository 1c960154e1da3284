import * as pulumi from "@pulumi/pulumi";
import { PlannedRecord } from "./dns/record";
import { sdkSnippet } from "./model/sdk";
import { ProxySpec, SdkSettings } from "./model/types";

/** What every proxy component exports, whichever CDN built it: the stack output users read after `pulumi up`. */
export interface ProxyOutputs {
    readonly vendor: string;
    readonly region: string;
    /** `cloudfront`, `cloudflare-worker`, `cloudflare-page-rule`, `cloudflare-dns` or `dns-only`. */
    readonly cdn: string;
    readonly urls: string[];
    /** The SDK settings to paste, as values and as code. */
    readonly sdk: SdkSettings;
    readonly snippet: string;
    /** Every DNS record the proxy relies on; with manual DNS, the records to create by hand. */
    readonly dnsRecords: PlannedRecord[];
    /** What the CDN answers on (distribution domain names), where there is such a thing. */
    readonly cdnTargets: string[];
    readonly notes: string[];
}

export function proxyOutputs(
    proxy: ProxySpec,
    cdn: string,
    dnsRecords: pulumi.Input<PlannedRecord[]>[],
    cdnTargets: pulumi.Input<string>[],
    extraNotes: readonly string[] = [],
): pulumi.Output<ProxyOutputs> {
    return pulumi.all([pulumi.all(dnsRecords), pulumi.all(cdnTargets)]).apply(([records, targets]) => ({
        vendor: proxy.vendor,
        region: proxy.region,
        cdn,
        urls: proxy.sites.map((s) => `https://${s.hostname}`),
        sdk: proxy.sdk,
        snippet: sdkSnippet(proxy.sdk),
        dnsRecords: records.flat(),
        cdnTargets: targets,
        notes: [...proxy.notes, ...extraNotes],
    }));
}
