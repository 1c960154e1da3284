import { amplitudeChecks } from "./amplitude";
import { datadogChecks } from "./datadog";
import { detectCdn } from "./classify";
import { customChecks } from "./custom";
import { googleChecks } from "./google";
import { Connection, hostnameOf, send } from "./http";
import { mixpanelChecks } from "./mixpanel";
import { plausibleChecks } from "./plausible";
import { posthogChecks } from "./posthog";
import { DnsLookup, posthogManagedDnsRows, systemDns } from "./posthogManaged";
import { segmentChecks } from "./segment";
import { evaluateTls, inspectTls, TlsReport } from "./tls";
import { Check, CheckEnv, ProbeOptions, ProbeResponse, ProxyTarget, ReportRow, targetHosts } from "./types";
import { vtexChecks } from "./vtex";

/** The checks of one proxy, by vendor. */
export function checksFor(target: ProxyTarget, options: ProbeOptions): Check[] {
    switch (target.vendor) {
        case "segment":
            return segmentChecks(target, options);
        case "posthog":
            return posthogChecks(target, options);
        case "amplitude":
            return amplitudeChecks(target, options);
        case "vtex":
            return vtexChecks(target);
        case "mixpanel":
            return mixpanelChecks(target, options);
        case "plausible":
            return plausibleChecks(target, options);
        case "google":
            return googleChecks(target);
        case "datadog":
            return datadogChecks(target, options);
        case "custom":
            return customChecks(target);
    }
}

/**
 * Verifies each proxy: a TLS handshake per hostname, then every check's requests (in parallel), then the pure
 * evaluations. HTTPS checks of a hostname whose TLS handshake failed are skipped: the tls row says why.
 */
export async function verifyTargets(
    targets: readonly ProxyTarget[],
    options: ProbeOptions,
    connection: Connection,
    dns: DnsLookup = systemDns(),
): Promise<ReportRow[]> {
    const rows: ReportRow[] = [];
    for (const target of targets) rows.push(...(await verifyTarget(target, options, connection, dns)));
    return rows;
}

async function verifyTarget(target: ProxyTarget, options: ProbeOptions, connection: Connection, dns: DnsLookup): Promise<ReportRow[]> {
    const hosts = targetHosts(target);
    const tls = new Map<string, TlsReport>(await Promise.all(hosts.map(async (h) => [h, await inspectTls(h, connection)] as const)));
    const reachable = (request: { url: string }) => {
        const url = new URL(request.url);
        return url.protocol !== "https:" || tls.get(url.host)?.handshake === "ok";
    };

    const checks = checksFor(target, options);
    const answers = await Promise.all(
        checks.map((check) =>
            check.requests.every(reachable) ? Promise.all(check.requests.map((r) => send(r, connection))) : Promise.resolve(undefined),
        ),
    );
    const all = answers.flatMap((a) => a ?? []);
    const responsesFrom = (host: string): ProbeResponse[] => all.filter((r) => new URL(r.request.url).hostname === hostnameOf(host));
    const env: CheckEnv = {
        target,
        cdn: target.cdn !== "unknown" ? target.cdn : detectCdn(all),
        responsesFrom,
    };

    const rows: ReportRow[] = [];
    // PostHog's managed reverse proxy: the DNS checks of PostHog's Diagnose come first (a wrong CNAME explains the rest).
    if (target.vendor === "posthog" && target.managedTarget) {
        const dnsRows = await posthogManagedDnsRows(hostnameOf(target.host), target.managedTarget, dns);
        rows.push(...dnsRows.map((row) => ({ proxy: target.name, host: target.host, ...row })));
    }
    rows.push(...hosts.map((host) => ({ proxy: target.name, host, ...evaluateTls(host, tls.get(host)!, env.cdn) })));
    checks.forEach((check, i) => {
        const responses = answers[i];
        const outcome = responses
            ? check.evaluate(responses, env)
            : { ok: true, skipped: true, detail: `not sent: no TLS connection to ${check.host} (see tls)`, fix: "" };
        rows.push({ proxy: target.name, host: check.host, check: check.check, ...outcome });
    });
    return rows;
}

/** Whether the run passed: no failed row (skipped rows don't fail it). */
export const allPassed = (rows: readonly ReportRow[]) => rows.every((r) => r.ok);
