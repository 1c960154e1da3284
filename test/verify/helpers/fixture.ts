import { buildProxySpec } from "../../../components/model/proxySpec";
import { Site, VendorId, VendorRegion } from "../../../components/model/types";
import { Connection } from "../../../components/verify/http";
import { RecordingOrigin, startRecordingOrigin } from "../../helpers/recordingOrigin";
import { ProxyWorker, startProxyWorker } from "../../cloudflare/worker/proxyWorker";
import { Edge, EdgeSite, HostKeepingFaults, hostKeepingSite, startEdge, workerSite } from "./edge";
import { fakeVendors, VendorFaults } from "./fakeVendors";
import { hosts, testPki } from "./pki";

/** The site a config entry for `vendor` on `hostname` expands to (the preset's single layout). */
export function siteFor(vendor: VendorId, region: VendorRegion, hostname: string): Site {
    return buildProxySpec({ kind: "cdn", name: vendor, vendor, region, layout: "single", hostnames: { main: hostname, store: hostname } }).sites[0];
}

export const sites = {
    posthog: siteFor("posthog", "eu", hosts.posthog),
    segment: siteFor("segment", "us", hosts.segment),
    amplitude: siteFor("amplitude", "us", hosts.amplitude),
    vtex: siteFor("vtex", "us", hosts.vtex),
};

/**
 * What `pulumi stack output --json` would print for these four proxies on Cloudflare (Workers for three, proxied DNS
 * for VTEX), built from the same model the components use; `cdn` overrides the CDN of all four.
 */
export function outputsDocument(cdn?: string): { proxies: Record<string, unknown>; warnings: string[] } {
    const entry = (vendor: VendorId, region: VendorRegion, host: string, defaultCdn: string) => {
        const spec = buildProxySpec({ kind: "cdn", name: vendor, vendor, region, layout: "single", hostnames: { main: host, store: host } });
        return { vendor, region, cdn: cdn ?? defaultCdn, urls: [`https://${host}`], sdk: spec.sdk, dnsRecords: [], cdnTargets: [], notes: spec.notes };
    };
    return {
        proxies: {
            posthog: entry("posthog", "eu", hosts.posthog, "cloudflare-worker"),
            segment: entry("segment", "us", hosts.segment, "cloudflare-worker"),
            amplitude: entry("amplitude", "us", hosts.amplitude, "cloudflare-worker"),
            vtex: entry("vtex", "us", hosts.vtex, "cloudflare-dns"),
        },
        warnings: [],
    };
}

export interface VerifyFixture {
    readonly origin: RecordingOrigin;
    /** Mutable faults of the fake vendors. */
    readonly vendorFaults: VendorFaults;
    /** Mutable faults of the host-keeping CDN in front of VTEX. */
    readonly vtexFaults: HostKeepingFaults;
    /** Mutable: a test may swap a hostname's site (another Worker) and put it back. */
    readonly sites: Record<string, EdgeSite>;
    readonly edge: Edge;
    /** Connects to the edge, trusting the test CA. */
    readonly connection: Connection;
    /** Starts another Worker on the same origin (for a misconfigured route table); disposed with the fixture. */
    worker(site: Site): Promise<ProxyWorker>;
    dispose(): Promise<void>;
}

/**
 * The fake vendors on a recording origin, the generated Worker in workerd for PostHog, Segment and Amplitude, a
 * host-keeping CDN for VTEX, and a Cloudflare-like edge with a test certificate in front of them all.
 */
export async function startVerifyFixture(): Promise<VerifyFixture> {
    const pki = testPki();
    const vendorFaults: VendorFaults = {};
    const vtexFaults: HostKeepingFaults = {};
    const origin = await startRecordingOrigin(fakeVendors(vendorFaults));
    const workers: ProxyWorker[] = [];
    const worker = async (site: Site) => {
        const w = await startProxyWorker(site, { outbound: origin.address });
        workers.push(w);
        return w;
    };
    const [posthog, segment, amplitude] = await Promise.all([worker(sites.posthog), worker(sites.segment), worker(sites.amplitude)]);
    const edgeSites: Record<string, EdgeSite> = {
        [hosts.posthog]: workerSite(posthog, sites.posthog),
        [hosts.segment]: workerSite(segment, sites.segment),
        [hosts.amplitude]: workerSite(amplitude, sites.amplitude),
        [hosts.vtex]: hostKeepingSite(sites.vtex, origin.address, vtexFaults),
    };
    const edge = await startEdge({ sites: edgeSites, tls: { cert: pki.edge.cert, key: pki.edge.key }, cloudflareHeaders: true });
    return {
        origin,
        vendorFaults,
        vtexFaults,
        sites: edgeSites,
        edge,
        connection: { httpsBase: new URL(edge.httpsUrl), httpBase: new URL(edge.httpUrl), ca: pki.ca.cert, timeoutMs: 5000 },
        worker,
        async dispose() {
            await edge.close();
            await Promise.all(workers.map((w) => w.dispose()));
            await origin.close();
        },
    };
}
