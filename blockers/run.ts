/*
 * `npm run blockers`: every request of each vendor's real SDK, loaded with the settings our outputs give, through
 * uBlock Origin's own engine and default lists, on CloudFront and on the Cloudflare Worker, in the default layout,
 * `paths: vendor` and (Workers) the same-origin mode, beside the vendors' own hostnames. Prints a table per row and a
 * summary, writes a markdown report (blockers/.work/results.md, or blockers/results.md with --update-report), and
 * exits non-zero when a default-layout or same-origin row has a blocked request or undelivered events (--report-only
 * keeps 0). A few minutes at most.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { project } from "../components/config/load";
import { SdkSettings } from "../components/model/types";
import { ProxyOutputs } from "../components/outputs";
import { Plan, planProgram } from "../components/plan/mockPlan";
import { buildStack } from "../components/stack";
import { vendorPresets } from "../components/vendors";
import { ensureChromium, launchChromium, RecordedRequest, runRow } from "./browser";
import { loadEngine } from "./engine";
import { Delivery, startFakeVendors } from "./fakeVendors";
import { inLayout, Layout, layouts } from "./layouts";
import { pageUrl } from "./pages";
import { describeSnapshot, ensureLists } from "./lists";
import { cloudFrontProxies, ProxyUnderTest, startWorkerProxies } from "./proxies";
import { AnchorVendor, vendorHostSdk } from "./sdkRequests";
import { snapshotFilters } from "../test/blockers/snapshotFilters";
import { Row, renderReport, rowSummary, RunInfo } from "./report";

const projectDir = path.resolve(__dirname, "..");
const workDir = path.join(projectDir, "blockers", ".work");
const log = (line: string) => process.stderr.write(`${line}\n`);

export const allVendors: readonly AnchorVendor[] = ["segment", "posthog", "amplitude", "datadog", "mixpanel", "plausible"];
export const allCdns = ["cloudfront", "cloudflare-worker"] as const;
type Cdn = (typeof allCdns)[number];

/** The proxies each planned stack has: one per vendor, single hostname, as a new user would write them. */
const proxyConfigs: Record<AnchorVendor, Record<string, unknown>> = {
    segment: { vendor: "segment", domain: "s.example.com" },
    posthog: { vendor: "posthog", domain: "e.example.com" },
    amplitude: { vendor: "amplitude", domain: "r.example.com", products: ["analytics", "sessionReplay"] },
    datadog: { vendor: "datadog", domain: "d.example.com" },
    mixpanel: { vendor: "mixpanel", domain: "m.example.com" },
    plausible: { vendor: "plausible", domain: "p.example.com" },
};

const zone = "example.com";
const accountId = "0123456789abcdef0123456789abcdef";

function stackConfig(cdn: Cdn, proxies: readonly Record<string, unknown>[]): Record<string, string> {
    const config: Record<string, unknown> =
        cdn === "cloudfront"
            ? { provider: "aws", dns: { provider: "route53", zone }, proxies }
            : { provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { accountId, mode: "worker" }, proxies };
    const flat: Record<string, string> = { "aws:region": "eu-west-1" };
    for (const [key, value] of Object.entries(config)) flat[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    return flat;
}

/** Same origin on Cloudflare: the proxy on the page's own hostname under a prefix (one proxy per hostname). */
const sameOrigin = (vendor: AnchorVendor) => ({ ...proxyConfigs[vendor], domain: new URL(pageUrl).hostname, pathPrefix: "/k7", sharedHost: true });

/** The stacks each CDN is planned as: both layouts with every vendor, and on Workers one same-origin stack per vendor. */
function stacksOf(cdn: Cdn, vendors: readonly AnchorVendor[]): { layout: string; proxies: Record<string, unknown>[]; vendors: readonly AnchorVendor[] }[] {
    const stacks = layouts.map((layout: Layout) => ({ layout: layout as string, proxies: allVendors.map((v) => inLayout(proxyConfigs[v], layout)), vendors }));
    if (cdn === "cloudflare-worker") for (const v of vendors) stacks.push({ layout: "same origin (sharedHost)", proxies: [sameOrigin(v)], vendors: [v] });
    return stacks;
}

/** Rows that must lose nothing: the default layout and the same-origin mode. */
const mustPass = (layout: string) => layout === "default" || layout.startsWith("same origin");

/** Every hostname the fake vendors answer as: the presets' endpoints. */
function vendorHostnames(): Set<string> {
    const hosts = new Set<string>();
    for (const v of allVendors) for (const endpoints of Object.values(vendorPresets[v].endpoints)) for (const h of Object.values(endpoints ?? {})) hosts.add(h);
    return hosts;
}

/**
 * In a proxied row, requests straight to a vendor's host bypass the proxy: the SDK, set up as the outputs say, still
 * talks to the vendor. They are shown and counted apart; the row fails on blocked requests to the proxy and on
 * undelivered events or recordings.
 */
function bypassesProxy(proxy: ProxyUnderTest | undefined, host: string, vendorHosts: ReadonlySet<string>): boolean {
    return proxy !== undefined && !proxy.hostnames.includes(host) && vendorHosts.has(host);
}

/** Whether the fake vendors received the vendor's events (and recordings, for the replay SDKs). */
function deliveries(vendor: AnchorVendor, delivered: readonly Delivery[]): { events: boolean; recordings?: boolean } {
    const d = delivered.filter((x) => x.method === "POST");
    const p = (x: Delivery) => x.path.split("?")[0];
    switch (vendor) {
        case "segment":
            return { events: d.some((x) => /segment(\.io|apis\.com)$/.test(x.host) && /^\/v1\/(t|p|batch)$/.test(p(x))) };
        case "posthog":
            return {
                events: d.some((x) => /\.i\.posthog\.com$/.test(x.host) && /^\/(e|i\/v0\/e|batch)\/?$/.test(p(x))),
                recordings: d.some((x) => /\.i\.posthog\.com$/.test(x.host) && /^\/s\/?$/.test(p(x))),
            };
        case "datadog":
            return {
                events: d.some((x) => /^browser-intake-/.test(x.host) && p(x) === "/api/v2/rum"),
                recordings: d.some((x) => /^browser-intake-/.test(x.host) && p(x) === "/api/v2/replay"),
            };
        case "amplitude":
            return {
                events: d.some((x) => /^api(2|\.eu)\.amplitude\.com$/.test(x.host) && p(x) === "/2/httpapi"),
                recordings: d.some((x) => /^api-sr\./.test(x.host) && p(x) === "/sessions/v2/track"),
            };
        case "mixpanel":
            return { events: d.some((x) => /^api-(js|eu)\.mixpanel\.com$/.test(x.host) && p(x) === "/track/") };
        case "plausible":
            return { events: d.some((x) => x.host === "plausible.io" && p(x) === "/api/event") };
    }
}

const cli = new Command("blockers")
    .description("Measure which requests of the vendors' real SDKs uBlock Origin's default lists block, per vendor, CDN and path layout.")
    .option("--report-only", "exit 0 even when a default-layout or same-origin row has blocked requests or undelivered events")
    .option("--update-report", "write the committed report, blockers/results.md")
    .option("--dwell <ms>", "how long each page runs after load", "6000")
    .option("--no-lists", "control run: no filters at all (shows that the SDKs deliver through the proxies when nothing blocks)")
    .option("--vendor <name...>", "only these vendors (segment, posthog, amplitude, datadog, mixpanel, plausible)")
    .option("--cdn <name...>", "only these CDNs (cloudfront, cloudflare-worker)");

async function main(): Promise<number> {
    cli.parse();
    const options = cli.opts<{ reportOnly?: boolean; updateReport?: boolean; dwell: string; lists: boolean; vendor?: string[]; cdn?: string[] }>();
    const vendors = allVendors.filter((v) => !options.vendor || options.vendor.includes(v));
    const cdns = allCdns.filter((c) => !options.cdn || options.cdn.includes(c));
    if (vendors.length === 0 || cdns.length === 0) throw new Error(`--vendor takes ${allVendors.join(", ")}; --cdn takes ${allCdns.join(", ")}`);
    const started = Date.now();
    const snapshot = ensureLists(path.join(workDir, "lists"), log);
    log(`blockers: lists ${describeSnapshot(snapshot)}`);
    const engine = await loadEngine(options.lists ? snapshot.lists.map((l) => ({ name: `${l.title} (${l.path})`, raw: l.raw })) : [], snapshot.publicSuffixList);
    if (!options.lists) log("blockers: control run, no filters loaded");
    const executable = ensureChromium(log);

    const fake = await startFakeVendors();
    const browser = await launchChromium(executable);
    const hosts = vendorHostnames();
    const rows: Row[] = [];
    const dwellMs = Number(options.dwell);
    try {
        const runOne = async (vendor: AnchorVendor, cdn: string, layout: string, sdk: SdkSettings, proxy?: ProxyUnderTest) => {
            const before = fake.deliveries.length;
            log(`blockers: ${vendor} · ${cdn} · ${layout}`);
            const arrived = () => {
                const got = deliveries(vendor, fake.deliveries.slice(before));
                return got.events && got.recordings !== false;
            };
            // Anchors wait no longer than the dwell: their first request is blocked, nothing will arrive.
            const graceMs = proxy ? 15_000 : 0;
            const requests: RecordedRequest[] = await runRow(browser, engine, fake, { sdk, proxy, vendorHosts: hosts, dwellMs, arrived, graceMs });
            const got = deliveries(vendor, fake.deliveries.slice(before));
            rows.push({ vendor, cdn, layout, sdk, requests, ...got, bypass: (r) => bypassesProxy(proxy, new URL(r.url).hostname, hosts) });
        };
        for (const vendor of vendors) await runOne(vendor, "vendor hosts", "anchor", vendorHostSdk(vendor));
        for (const cdn of cdns) {
            for (const stack of stacksOf(cdn, vendors)) {
                const plan: Plan = await planProgram(stackConfig(cdn, stack.proxies), () => buildStack(), { project, stack: "blockers" });
                const outputs = plan.outputs.proxies as Record<string, ProxyOutputs>;
                const proxy = cdn === "cloudfront" ? cloudFrontProxies(plan, fake.address) : await startWorkerProxies(plan, fake.address);
                try {
                    for (const vendor of stack.vendors) {
                        const out = Object.values(outputs).find((o) => o.vendor === vendor)!;
                        await runOne(vendor, cdn, stack.layout, out.sdk, proxy);
                    }
                } finally {
                    await proxy.close();
                }
            }
        }
    } finally {
        await browser.close();
        await fake.close();
    }

    const fixture = snapshotFilters.map((f) => {
        const file = snapshot.lists.find((l) => f.list.endsWith(`(${l.path})`));
        const lines = file ? file.raw.split("\n") : [];
        const at = lines.indexOf(f.filter) + 1;
        const found = !file ? "list not loaded" : at === 0 ? "**gone**" : at === f.line ? "yes, same line" : `yes, now line ${at}`;
        return { filter: f.filter, list: f.list, line: f.line, found };
    });
    const info: RunInfo = { fixture, snapshot: options.lists ? describeSnapshot(snapshot) : "none (control run, --no-lists)", seconds: Math.round((Date.now() - started) / 1000), date: new Date().toISOString().slice(0, 10) };
    const report = renderReport(rows, info);
    const out = options.updateReport ? path.join(projectDir, "blockers", "results.md") : path.join(workDir, "results.md");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, report);
    process.stdout.write(report.replace(/^#+ /gm, "") + "\n");
    log(`blockers: report written to ${path.relative(projectDir, out)} (${info.seconds} s)`);

    const failing = rows.filter((r) => mustPass(r.layout) && rowSummary(r).fails);
    if (failing.length) {
        log(`blockers: ${failing.length} default-layout or same-origin row(s) lose events to uBlock Origin: ${failing.map((r) => `${r.vendor} on ${r.cdn} (${r.layout})`).join(", ")}`);
        return options.reportOnly ? 0 : 1;
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        log(`blockers: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        process.exit(2);
    },
);
