import { CaaRecord, promises as dnsPromises } from "node:dns";
import { CheckResult, fail, pass, skip } from "./types";

/**
 * What `verify` checks of PostHog's managed reverse proxy besides TLS and the HTTP checks every PostHog proxy gets:
 * the DNS half of PostHog's Diagnose (PostHog's "Deploy a reverse proxy" guide, Troubleshooting, Run diagnostics:
 * https://posthog.com/docs/advanced/proxy): the CNAME points at the target PostHog generated, and no CAA record on the
 * name or a parent keeps PostHog's certificate authorities from issuing.
 */

/** The DNS questions asked; node's dns.promises.Resolver answers them, tests give their own. */
export interface DnsLookup {
    resolveCname(name: string): Promise<string[]>;
    resolveCaa(name: string): Promise<CaaRecord[]>;
}

export const systemDns = (): DnsLookup => new dnsPromises.Resolver();

/** The certificate authorities PostHog's guide says CAA records must allow ("CAA records blocking certificate issuance"). */
export const posthogCertificateAuthorities = ["pki.goog", "letsencrypt.org", "ssl.com"] as const;

const bare = (name: string) => name.toLowerCase().replace(/\.$/, "");
const caaFix = `Add CAA records allowing ${posthogCertificateAuthorities.map((ca) => `0 issue "${ca}"`).join(", ")} at the name that holds your CAA records (PostHog's "Deploy a reverse proxy" guide, Troubleshooting).`;

/** `dns CNAME`: the hostname is a CNAME to `target` (not proxied by a DNS provider, which would answer with its own addresses). */
export async function checkManagedCname(host: string, target: string, dns: DnsLookup): Promise<Omit<CheckResult, "check">> {
    const fix = `Create the DNS-only record ${host} CNAME ${target} (no Cloudflare proxying: grey cloud), as the stack outputs' dnsRecords say.`;
    let answers: string[];
    try {
        answers = await dns.resolveCname(host);
    } catch (error) {
        return fail(`${host} has no CNAME (${(error as NodeJS.ErrnoException).code ?? String(error)})`, fix);
    }
    if (answers.some((a) => bare(a) === bare(target))) return pass(`${host} CNAME ${target}`);
    return fail(`${host} CNAME ${answers.join(", ")}, expected ${target}`, fix);
}

/**
 * `dns CAA`: the closest name from `host` up to the top-level domain that has CAA records is the one that applies
 * (RFC 8659); it must allow one of PostHog's authorities to `issue`. No CAA records anywhere: any authority may issue.
 */
export async function checkManagedCaa(host: string, dns: DnsLookup): Promise<Omit<CheckResult, "check">> {
    const labels = bare(host).split(".");
    for (let i = 0; i < labels.length - 1; i++) {
        const name = labels.slice(i).join(".");
        let records: CaaRecord[];
        try {
            records = await dns.resolveCaa(name);
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === "ENODATA" || code === "ENOTFOUND") continue;
            return skip(`CAA lookup of ${name} failed (${code ?? String(error)}): check CAA by hand`);
        }
        const issuers = records.filter((r) => r.issue !== undefined).map((r) => bare(r.issue!.split(";")[0].trim()));
        if (issuers.length === 0) continue;
        const allowed = issuers.filter((ca) => (posthogCertificateAuthorities as readonly string[]).includes(ca));
        if (allowed.length > 0) return pass(`CAA at ${name} allows ${allowed.join(", ")}`);
        return fail(`CAA at ${name} allows only ${issuers.join(", ")}, none of ${posthogCertificateAuthorities.join(", ")}`, caaFix);
    }
    return pass(`no CAA records from ${bare(host)} up: any certificate authority may issue`);
}

/** The DNS rows of a managed PostHog proxy, as verify reports them. */
export async function posthogManagedDnsRows(host: string, target: string, dns: DnsLookup): Promise<CheckResult[]> {
    const [cname, caa] = await Promise.all([checkManagedCname(host, target, dns), checkManagedCaa(host, dns)]);
    return [
        { check: "dns CNAME", ...cname },
        { check: "dns CAA", ...caa },
    ];
}
