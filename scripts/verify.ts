import { execFile } from "child_process";
import { Command, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { Connection } from "../components/verify/http";
import { renderReport } from "../components/verify/report";
import { allPassed, verifyTargets } from "../components/verify/run";
import { Targets, targetFromUrls, targetsFromOutputs } from "../components/verify/targets";
import { ProbeOptions } from "../components/verify/types";
import { vendorIds } from "../components/model/types";
import { defaultProjectDir } from "../components/plan/stackSettings";

// The Pulumi project whose stack outputs are read: this repository, or (installed command) the current directory.
const projectDir = defaultProjectDir(__dirname);

/** Exit codes: 0 every check passed, 1 a check failed, 2 the command line or the outputs could not be used. */
class UsageError extends Error {}

const cli = new Command("verify")
    .description(
        "Probe deployed proxies the way the vendors' own checkpoints do (TLS, HTTPS redirect, vendor endpoints, CORS, " +
            "no Set-Cookie, no CDN error page) and print what failed with the fix the vendor recommends. Sends no analytics " +
            "event unless --send-test-event is given.",
    )
    .option("-s, --stack <name>", "read the proxies from `pulumi stack output --json --stack <name>` (needs the Pulumi CLI)")
    .option("--outputs <file>", "read the proxies from this file: the JSON of `pulumi stack output --json` (or of `npx first-party-proxy plan --json`)")
    .option("--proxy <name...>", "only these proxies of the outputs")
    .option("--url <url>", "a proxy built elsewhere: its https URL (with --vendor)")
    .addOption(new Option("--vendor <vendor>", "the vendor behind --url").choices([...vendorIds]))
    .addOption(new Option("--region <region>", "the vendor region behind --url").choices(["us", "eu"]).default("us"))
    .option("--cdn-url <url>", "Segment's two-host shape: the CDN proxy's URL (with --api-url)")
    .option("--api-url <url>", "Segment's two-host shape: the Tracking API proxy's URL")
    .addOption(new Option("--cdn <cdn>", "the CDN in front, to choose fixes (default: from the outputs or the response headers)").choices(["cloudfront", "cloudflare"]))
    .option("--write-key <key>", "Segment source write key: fetch the real analytics.js and settings")
    .option("--token <token>", "PostHog project token (phc_...): fetch the real /array/<token>/config; Mixpanel project token: the test event")
    .option("--api-key <key>", "Amplitude API key for /config?api_key=")
    .option("--origin <origin>", "the browser origin CORS preflights come from", "https://www.example.com")
    .option("--site <domain>", "Plausible: the site's domain as registered in Plausible (data-domain), for the test event")
    .option("--send-test-event", "also send ONE real, clearly labelled test event per proxy (needs the key/token)")
    .option("--timeout <ms>", "timeout per request", (v) => positiveInt("--timeout", v), 10000)
    .option("--https-base-url <url>", "connect HTTPS probes here instead of to each hostname (SNI, Host and the certificate check keep the hostname), like curl --connect-to: e.g. the CloudFront domain before DNS points at it")
    .option("--http-base-url <url>", "the same for plain-HTTP probes")
    .option("--ca <pem-file>", "TEST-ONLY: also trust this CA certificate, for tests against local TLS servers; real CDNs never need it")
    .option("--json", "print the rows as JSON instead of a table")
    .addHelpText(
        "after",
        [
            "",
            "Examples:",
            "  npx first-party-proxy verify --stack prod",
            "  npx first-party-proxy verify --outputs outputs.json --token phc_XXXX --write-key XXXX",
            "  npx first-party-proxy verify --url https://e.example.com --vendor posthog --region eu",
            "  npx first-party-proxy verify --vendor segment --cdn-url https://cdn.example.com --api-url https://api.example.com",
            "  npx first-party-proxy verify --vendor google --url https://www.example.com/metrics   (the measurement path in the URL)",
            "",
            "Exit status: 0 all checks passed (skipped ones don't count), 1 a check failed, 2 bad arguments or outputs.",
        ].join("\n"),
    );

interface CliOptions {
    stack?: string;
    outputs?: string;
    proxy?: string[];
    url?: string;
    vendor?: string;
    region: string;
    cdnUrl?: string;
    apiUrl?: string;
    cdn?: string;
    writeKey?: string;
    token?: string;
    apiKey?: string;
    site?: string;
    origin: string;
    sendTestEvent?: boolean;
    timeout: number;
    httpsBaseUrl?: string;
    httpBaseUrl?: string;
    ca?: string;
    json?: boolean;
}

async function main(): Promise<number> {
    cli.exitOverride((err) => {
        throw err.exitCode === 0 ? err : new UsageError(err.message.replace(/^error: /, ""));
    });
    cli.configureOutput({ writeErr: () => {} });
    cli.parse();
    const opts = cli.opts<CliOptions>();

    const { targets, unprobed } = await selectTargets(opts);
    const probe: ProbeOptions = {
        origin: opts.origin,
        writeKey: opts.writeKey,
        token: opts.token,
        apiKey: opts.apiKey,
        site: opts.site,
        sendTestEvent: opts.sendTestEvent === true,
    };
    const connection: Connection = {
        httpsBase: baseUrl("--https-base-url", opts.httpsBaseUrl, "https:"),
        httpBase: baseUrl("--http-base-url", opts.httpBaseUrl, "http:"),
        ca: opts.ca ? readFile("--ca", opts.ca) : undefined,
        timeoutMs: opts.timeout,
    };

    const rows = await verifyTargets(targets, probe, connection);
    if (opts.json) process.stdout.write(JSON.stringify({ ok: allPassed(rows), rows, unprobed }, null, 2) + "\n");
    else process.stdout.write(renderReport(rows, unprobed) + "\n");
    return allPassed(rows) ? 0 : 1;
}

async function selectTargets(opts: CliOptions): Promise<Targets> {
    const byUrl = opts.url !== undefined || opts.cdnUrl !== undefined || opts.apiUrl !== undefined;
    const sources = [opts.stack !== undefined, opts.outputs !== undefined, byUrl].filter(Boolean).length;
    if (sources !== 1) throw new UsageError("give exactly one of --stack <name>, --outputs <file>, or --url/--cdn-url with --vendor");

    if (byUrl) {
        if (!opts.vendor) throw new UsageError("--vendor is required with --url");
        try {
            return { targets: [targetFromUrls({ ...opts, vendor: opts.vendor })], unprobed: [] };
        } catch (err) {
            throw new UsageError((err as Error).message);
        }
    }
    const text = opts.outputs !== undefined ? readFile("--outputs", opts.outputs) : await stackOutputs(opts.stack!);
    let all: Targets;
    try {
        all = targetsFromOutputs(JSON.parse(text));
    } catch (err) {
        throw new UsageError(`${opts.outputs ?? `stack ${opts.stack}`}: ${(err as Error).message}`);
    }
    if (opts.cdn) all = { ...all, targets: all.targets.map((t) => ({ ...t, cdn: opts.cdn as "cloudfront" | "cloudflare" })) };
    if (!opts.proxy) return all;
    const unknown = opts.proxy.filter((p) => !all.targets.some((t) => t.name === p) && !all.unprobed.some((u) => u.proxy === p));
    if (unknown.length) throw new UsageError(`no proxy named ${unknown.join(", ")} in the outputs`);
    return {
        targets: all.targets.filter((t) => opts.proxy!.includes(t.name)),
        unprobed: all.unprobed.filter((u) => opts.proxy!.includes(u.proxy)),
    };
}

/** `pulumi stack output --json --stack <name>`, run in the project directory. */
function stackOutputs(stack: string): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("pulumi", ["stack", "output", "--json", "--stack", stack], { cwd: projectDir, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
            if (!err) return resolve(stdout);
            if ((err as NodeJS.ErrnoException).code === "ENOENT") {
                return reject(
                    new UsageError(
                        `no Pulumi CLI here: run \`pulumi stack output --json --stack ${stack} > outputs.json\` where it is installed and pass --outputs outputs.json`,
                    ),
                );
            }
            reject(new UsageError(`pulumi stack output --stack ${stack} failed: ${stderr.trim() || err.message}`));
        });
    });
}

function readFile(option: string, file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new UsageError(`${option} ${file}: ${(err as Error).message}`);
    }
}

function baseUrl(option: string, value: string | undefined, protocol: string): URL | undefined {
    if (value === undefined) return undefined;
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new UsageError(`${option} ${value} is not a URL`);
    }
    if (url.protocol !== protocol) throw new UsageError(`${option} must be a ${protocol}// URL`);
    return url;
}

function positiveInt(option: string, value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer (milliseconds)`);
    return n;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        if ((err as { exitCode?: number }).exitCode === 0) process.exit(0); // --help
        process.stderr.write(`verify: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(err instanceof UsageError ? 2 : 1);
    },
);
