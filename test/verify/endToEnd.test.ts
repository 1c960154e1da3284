import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Site } from "../../components/model/types";
import { verifyTargets } from "../../components/verify/run";
import { targetsFromOutputs } from "../../components/verify/targets";
import { ProbeOptions, ReportRow } from "../../components/verify/types";
import { startEdge, workerSite } from "./helpers/edge";
import { keys } from "./helpers/fakeVendors";
import { outputsDocument, sites, startVerifyFixture, VerifyFixture } from "./helpers/fixture";
import { hosts, testPki } from "./helpers/pki";

/*
 * The verify checks end to end: the generated Worker in workerd (PostHog, Segment, Amplitude) and a host-keeping CDN
 * (VTEX) behind a Cloudflare-like TLS edge, fake vendor origins on 127.0.0.1. First everything passes; then each
 * failure the tool claims to diagnose is produced for real and must be reported with the seed's fix.
 */

const origin = "https://www.example.com";
const withKeys: ProbeOptions = { origin, sendTestEvent: false, ...keys };

describe("verify, end to end against the generated Worker", function () {
    let fx: VerifyFixture;
    before(async () => {
        fx = await startVerifyFixture();
    });
    after(async () => fx?.dispose());
    afterEach(() => {
        for (const faults of [fx.vendorFaults, fx.vtexFaults, fx.edge.faults]) for (const k of Object.keys(faults)) delete (faults as Record<string, unknown>)[k];
    });

    const run = async (proxies: string[], options: ProbeOptions = withKeys, cdn?: string): Promise<ReportRow[]> => {
        const { targets } = targetsFromOutputs(outputsDocument(cdn));
        return verifyTargets(targets.filter((t) => proxies.includes(t.name)), options, fx.connection);
    };
    const row = (rows: ReportRow[], proxy: string, check: string): ReportRow => {
        const found = rows.find((r) => r.proxy === proxy && r.check.startsWith(check));
        assert.ok(found, `no row ${proxy} / ${check} in ${rows.map((r) => `${r.proxy}/${r.check}`).join(", ")}`);
        return found;
    };
    const failed = (rows: ReportRow[]) => rows.filter((r) => !r.ok).map((r) => `${r.proxy}/${r.check}`);
    /** Runs `fn` with another Worker (for a changed route table) serving `hostname`, then puts the original back. */
    const withSite = async <T>(hostname: string, site: Site, fn: () => Promise<T>): Promise<T> => {
        const original = fx.sites[hostname];
        fx.sites[hostname] = workerSite(await fx.worker(site), { ...site, hostname });
        try {
            return await fn();
        } finally {
            fx.sites[hostname] = original;
        }
    };

    describe("a healthy deployment", () => {
        it("passes every check of all four vendors, with keys and a test event each", async () => {
            const rows = await run(["posthog", "segment", "amplitude", "vtex"], { ...withKeys, sendTestEvent: true });
            assert.deepEqual(failed(rows), []);
            assert.equal(rows.filter((r) => r.skipped).length, 0);
            const checks = (proxy: string) => rows.filter((r) => r.proxy === proxy).map((r) => r.check);
            assert.deepEqual(checks("posthog"), [
                "tls",
                "http → https",
                "GET /static/array.js",
                "GET /array/<token>/config",
                "CORS preflight (OPTIONS /e/)",
                "POST /i/v0/e/ (test event)",
                "no Set-Cookie from the proxy",
            ]);
            assert.deepEqual(checks("segment"), [
                "tls",
                "http → https",
                "GET /analytics.js/v1/<key>/analytics.min.js",
                "GET /v1/projects/<key>/settings",
                "CORS preflight (OPTIONS /v1/t)",
                "POST /v1/t (test event)",
                "no Set-Cookie from the proxy",
            ]);
            assert.match(row(rows, "posthog", "tls").detail, /^TLSv1\.3; certificate for e\.example\.com.*valid \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
            assert.match(row(rows, "posthog", "GET /array").detail, /cache-control: public, max-age=300/);
        });

        it("sends no event and no POST at all without --send-test-event", async () => {
            fx.origin.reset();
            const rows = await run(["posthog", "segment", "amplitude"]);
            assert.deepEqual(failed(rows), []);
            assert.deepEqual(fx.origin.requests.filter((r) => r.method === "POST"), []);
        });

        it("passes without keys: the vendor's 404 for a placeholder key proves the vendor answered", async () => {
            const rows = await run(["posthog", "segment", "amplitude"], { origin, sendTestEvent: false });
            assert.deepEqual(failed(rows), []);
            // Segment's CDN 404 carries `x-cache: Error from cloudfront`, and is still the vendor's answer.
            assert.match(row(rows, "segment", "GET /analytics.js").detail, /^404.*placeholder write key/);
            const config = row(rows, "posthog", "GET /array");
            assert.equal(config.skipped, true);
            assert.match(config.detail, /pass --token/);
        });
    });

    describe("diagnoses", () => {
        it("an origin answering 403 as if it got the proxy's Host, with the fix for the CDN in front", async () => {
            fx.vendorFaults.refuseHost = true;
            const onCloudflare = await run(["segment", "amplitude"]);
            const bundle = row(onCloudflare, "segment", "GET /analytics.js");
            assert.equal(bundle.ok, false);
            assert.match(bundle.detail, /CloudFront error page.*403 "The request could not be satisfied": Bad request\./);
            assert.match(bundle.fix, /Host Header Override/);
            assert.match(bundle.fix, /Worker/);
            assert.match(row(onCloudflare, "amplitude", "GET /config").fix, /Cloudflare sends your hostname as Host/);

            const onCloudFront = await run(["segment", "amplitude"], withKeys, "cloudfront");
            assert.match(row(onCloudFront, "segment", "GET /analytics.js").fix, /cache key headers None.*not AllViewer/);
            assert.match(row(onCloudFront, "amplitude", "GET /config").fix, /allExcept Host/);
        });

        it("PostHog /array/* routed to the main origin: no cache-control on the config", async () => {
            const misrouted: Site = { ...sites.posthog, routes: sites.posthog.routes.filter((r) => r.pathPattern !== "/array/*") };
            const rows = await withSite(hosts.posthog, misrouted, () => run(["posthog"]));
            const config = row(rows, "posthog", "GET /array");
            assert.equal(config.ok, false);
            assert.match(config.detail, /^200.*no cache-control/);
            assert.match(config.fix, /Route \/array\/\* to the assets origin eu-assets\.i\.posthog\.com/);
            assert.deepEqual(failed(rows), ["posthog/GET /array/<token>/config"]);
        });

        it("PostHog /static/* routed to the main origin: the SDK is not served", async () => {
            const misrouted: Site = { ...sites.posthog, routes: sites.posthog.routes.filter((r) => r.pathPattern !== "/static/*") };
            const rows = await withSite(hosts.posthog, misrouted, () => run(["posthog"]));
            assert.match(row(rows, "posthog", "GET /static/array.js").fix, /Route \/static\/\* to the assets origin eu-assets/);
        });

        it("no CORS headers on Segment's API behind Cloudflare: SSL Strict", async () => {
            fx.vendorFaults.noCors = true;
            const rows = await run(["segment"]);
            const preflight = row(rows, "segment", "CORS preflight");
            assert.equal(preflight.ok, false);
            assert.match(preflight.detail, /no Access-Control-Allow-Origin for https:\/\/www\.example\.com/);
            assert.match(preflight.fix, /SSL mode "Strict \(SSL-Only Origin Pull\)"/);
            assert.match(row(await run(["segment"], withKeys, "cloudfront"), "segment", "CORS preflight").fix, /Origin header/);
        });

        it("no CORS headers on Amplitude when the edge does not answer preflights", async () => {
            const noEdgeCors: Site = { ...sites.amplitude, routes: sites.amplitude.routes.map((r) => ({ ...r, cors: { mode: "origin" as const } })) };
            const rows = await withSite(hosts.amplitude, noEdgeCors, () => run(["amplitude"], withKeys, "cloudfront"));
            const preflight = row(rows, "amplitude", "CORS preflight");
            assert.equal(preflight.ok, false);
            assert.match(preflight.fix, /CORS-with-preflight-and-SecurityHeadersPolicy/);
        });

        it("no CORS headers on remote config when the zone's response header rules miss the hostname", async () => {
            // The vendors' config endpoints send no Access-Control-Allow-Origin of their own (the seeds add it at the
            // edge): without edge CORS for the hostname, the browser SDK could not read its config.
            const withoutEdgeCors = (site: Site): Site => ({ ...site, routes: site.routes.map((r) => ({ ...r, cors: { mode: "origin" as const } })) });
            const posthog = await withSite(hosts.posthog, withoutEdgeCors(sites.posthog), () => run(["posthog"], withKeys, "cloudflare-worker"));
            const config = row(posthog, "posthog", "GET /array/<token>/config");
            assert.equal(config.ok, false);
            assert.match(config.detail, /no Access-Control-Allow-Origin/);
            assert.match(config.fix, /Response Header Transform Rules must add Access-Control-Allow-Origin for this hostname/);
            const amplitude = await withSite(hosts.amplitude, withoutEdgeCors(sites.amplitude), () => run(["amplitude"], withKeys, "cloudflare-worker"));
            assert.match(row(amplitude, "amplitude", "GET /config?api_key=...").fix, /Response Header Transform Rules must add them/);
            // With the rules in place both pass: "a healthy deployment" above.
        });

        it("a Set-Cookie added in front of the vendor (but not on VTEX, whose cookies are the store's)", async () => {
            fx.edge.faults.setCookie = "__cf_bm=abc123; path=/; HttpOnly; Secure";
            const rows = await run(["posthog", "vtex"]);
            const cookies = row(rows, "posthog", "no Set-Cookie");
            assert.equal(cookies.ok, false);
            assert.match(cookies.detail, /Set-Cookie __cf_bm on GET \/static\/array\.js/);
            assert.match(cookies.fix, /__cf_bm is Cloudflare's own/);
            assert.deepEqual(failed(rows), ["posthog/no Set-Cookie from the proxy"]);
        });

        it("a CDN error page instead of the vendor (Cloudflare 1014)", async () => {
            fx.edge.faults.cloudflare1014 = true;
            const rows = await run(["posthog"]);
            const sdk = row(rows, "posthog", "GET /static/array.js");
            assert.equal(sdk.ok, false);
            assert.match(sdk.detail, /Cloudflare error page, not posthog: 403 Cloudflare error 1014/);
            assert.match(sdk.fix, /CNAME Cross-User Banned.*Worker/);
            assert.equal(row(rows, "posthog", "CORS preflight").ok, false);
        });

        it("plain HTTP served instead of redirected", async () => {
            fx.edge.faults.serveHttpAsHttps = true;
            const rows = await run(["amplitude"], withKeys, "cloudflare-worker");
            const redirect = row(rows, "amplitude", "http → https");
            assert.equal(redirect.ok, false);
            assert.match(redirect.detail, /GET \/config over HTTP: 400.*served instead of redirected/);
            assert.match(redirect.fix, /Always Use HTTPS/);
            const onCloudFront = await run(["amplitude"], withKeys, "cloudfront");
            assert.match(row(onCloudFront, "amplitude", "http → https").fix, /Redirect HTTP to HTTPS/);
        });

        it("VTEX's ACME challenge redirected to HTTPS", async () => {
            fx.vtexFaults.redirectAcme = true;
            const rows = await run(["vtex"]);
            const acme = row(rows, "vtex", "ACME challenge");
            assert.equal(acme.ok, false);
            assert.match(acme.detail, /^301; location: https:\/\/www\.example\.com\/\.well-known\/acme-challenge\/.*redirected/);
            assert.match(acme.fix, /Exempt \/\.well-known\/acme-challenge\/\*/);
            assert.deepEqual(failed(rows), ["vtex/ACME challenge over plain HTTP"]);
        });

        it("an edge that only speaks TLS 1.1: the tls row fails and HTTPS checks are not sent", async () => {
            const pki = testPki();
            const legacy = await startEdge({
                sites: fx.sites,
                tls: { cert: pki.edge.cert, key: pki.edge.key, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" },
                cloudflareHeaders: true,
            });
            try {
                const { targets } = targetsFromOutputs(outputsDocument("cloudfront"));
                const rows = await verifyTargets(
                    targets.filter((t) => t.name === "posthog"),
                    withKeys,
                    { ...fx.connection, httpsBase: new URL(legacy.httpsUrl), httpBase: new URL(legacy.httpUrl) },
                );
                const tls = row(rows, "posthog", "tls");
                assert.equal(tls.ok, false);
                assert.match(tls.detail, /^only TLSv1\.1 is offered/);
                assert.match(tls.fix, /TLSv1\.2_2021/);
                assert.equal(row(rows, "posthog", "http → https").ok, true);
                assert.equal(row(rows, "posthog", "GET /static/array.js").skipped, true);
                assert.deepEqual(failed(rows), ["posthog/tls"]);
            } finally {
                await legacy.close();
            }
        });
    });

    describe("the CLI (scripts/verify.ts)", function () {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "fpp-verify-"));
            fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputsDocument()));
            fs.writeFileSync(path.join(dir, "ca.pem"), testPki().ca.cert);
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
            new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
                const script = path.join(__dirname, "../../scripts/verify.ts");
                execFile(process.execPath, ["-r", "ts-node/register/transpile-only", script, ...args], { cwd: path.join(__dirname, "../.."), env: { ...process.env, ...env } }, (err, stdout, stderr) =>
                    resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
                );
            });
        const local = () => ["--https-base-url", fx.edge.httpsUrl, "--http-base-url", fx.edge.httpUrl, "--ca", path.join(dir, "ca.pem")];

        it("exits 0 when every check passes, 1 on a failure, 2 on bad arguments", async () => {
            const outputs = path.join(dir, "outputs.json");
            const healthy = await cli(["--outputs", outputs, ...local(), "--write-key", keys.writeKey, "--token", keys.token, "--api-key", keys.apiKey]);
            assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
            assert.match(healthy.stdout, /All 21 checks passed\./);
            assert.match(healthy.stdout, /^posthog {2}e\.example\.com$/m);

            // The fault is set while the CLI runs: the vendors answer as if they got the proxy's Host.
            fx.vendorFaults.refuseHost = true;
            const [refused, byUrl, usage, noPulumi] = await Promise.all([
                cli(["--outputs", outputs, "--proxy", "segment", ...local()]),
                cli(["--url", `https://${hosts.posthog}`, "--vendor", "posthog", "--region", "eu", "--json", ...local()]),
                cli(["--url", `https://${hosts.posthog}`, ...local()]),
                // A PATH with node alone: no Pulumi CLI to read the stack's outputs with.
                cli(["--stack", "prod"], { PATH: path.dirname(process.execPath) }),
            ]);
            assert.equal(refused.code, 1, refused.stdout + refused.stderr);
            assert.match(refused.stdout, /^GET +\| FAIL +\| CloudFront error page, not segment/m);
            assert.match(refused.stdout, /Host Header Override/);
            assert.match(refused.stdout, /checks failed/);

            assert.equal(byUrl.code, 1, byUrl.stderr);
            const report = JSON.parse(byUrl.stdout) as { ok: boolean; rows: ReportRow[] };
            assert.equal(report.ok, false);
            const sdk = report.rows.find((r) => r.check === "GET /static/array.js")!;
            assert.equal(sdk.ok, false);
            // No --cdn and no outputs: the Cloudflare headers of the edge choose the fix.
            assert.match(sdk.fix, /^Cloudflare sends your hostname as Host/);

            assert.equal(usage.code, 2);
            assert.match(usage.stderr, /--vendor is required with --url/);
            assert.equal(noPulumi.code, 2);
            assert.match(noPulumi.stderr, /no Pulumi CLI here: run `pulumi stack output --json --stack prod > outputs\.json`.*--outputs outputs\.json/);
        });
    });
});
