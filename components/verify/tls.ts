import * as tls from "node:tls";
import { fixes } from "./fixes";
import { Connection, endpointOf, hostnameOf, secureContextFor, serverName } from "./http";
import { CdnKind, CheckResult } from "./types";

/** What a TLS handshake with the proxy showed. */
export type TlsReport =
    | {
          readonly handshake: "ok";
          /** `TLSv1.3`, `TLSv1.2`, ... */
          readonly protocol: string;
          /** Whether the chain is trusted and the name matches; otherwise Node's reason (`CERT_HAS_EXPIRED`, ...). */
          readonly authorizationError?: string;
          readonly subject: string;
          readonly issuer: string;
          readonly altNames: string;
          readonly validFrom: Date;
          readonly validTo: Date;
      }
    | {
          readonly handshake: "failed";
          readonly error: string;
          /** Node's error code (`ENOTFOUND`, `ECONNREFUSED`, ...), when the failure had one. */
          readonly code?: string;
          /** The best protocol a legacy (TLS 1.0+) handshake got, if the modern one failed for the version. */
          readonly legacyProtocol?: string;
      };

/**
 * Connects to the proxy (or the --https-base-url override) with SNI `hostname`, as a browser would: TLS 1.2 or
 * better. If that handshake fails, a second one that allows TLS 1.0 tells whether the server only speaks older
 * versions. Never throws.
 */
export async function inspectTls(hostname: string, connection: Connection): Promise<TlsReport> {
    const modern = await handshake(hostname, connection, {});
    if (modern.handshake === "ok") return modern;
    const legacy = await handshake(hostname, connection, { minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" });
    return legacy.handshake === "ok" ? { ...modern, legacyProtocol: legacy.protocol } : modern;
}

function handshake(hostname: string, connection: Connection, extra: tls.ConnectionOptions): Promise<TlsReport> {
    // `hostname` may carry a port (--url https://127.0.0.1:8443): the endpoint keeps it, SNI and the name check don't.
    const { host, port } = endpointOf(new URL(`https://${hostname}`), connection);
    const name = hostnameOf(hostname);
    return new Promise((resolve) => {
        const socket = tls.connect({
            host,
            port,
            servername: serverName(name),
            rejectUnauthorized: false,
            ALPNProtocols: ["h2", "http/1.1"],
            // The legacy probe needs its own context (TLS 1.0 and old ciphers allowed), trusting the same CAs.
            ...(extra.minVersion
                ? { ...extra, ca: connection.ca ? [...tls.rootCertificates, connection.ca] : undefined }
                : { secureContext: secureContextFor(connection) }),
        });
        const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake within ${connection.timeoutMs} ms`)), connection.timeoutMs);
        socket.once("secureConnect", () => {
            clearTimeout(timer);
            const cert = socket.getPeerCertificate();
            const nameError = tls.checkServerIdentity(name, cert);
            const authorizationError = socket.authorized ? nameError?.message : String(socket.authorizationError);
            resolve({
                handshake: "ok",
                protocol: socket.getProtocol() ?? "unknown",
                authorizationError,
                subject: String(cert.subject?.CN ?? ""),
                issuer: String(cert.issuer?.CN ?? cert.issuer?.O ?? ""),
                altNames: cert.subjectaltname ?? "",
                validFrom: new Date(cert.valid_from),
                validTo: new Date(cert.valid_to),
            });
            socket.destroy();
        });
        socket.once("error", (err: Error & { code?: string }) => {
            clearTimeout(timer);
            resolve({ handshake: "failed", error: err.code ? `${err.code}: ${err.message.split("\n")[0]}` : err.message, code: err.code });
        });
    });
}

/** Failures to resolve the name: DNS, not TLS. */
const dnsErrors = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ENODATA"]);
/** Failures to reach the address: nothing listens, or the network drops it. */
const connectErrors = new Set(["ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

const versionRank: Record<string, number> = { SSLv3: 0, TLSv1: 1, "TLSv1.1": 2, "TLSv1.2": 3, "TLSv1.3": 4 };
const day = 24 * 60 * 60 * 1000;

/** The tls row: a trusted certificate for the hostname, valid now, over TLS 1.2 or better. */
export function evaluateTls(hostname: string, report: TlsReport, cdn: CdnKind, now = new Date()): CheckResult {
    const check = "tls";
    if (report.handshake === "failed") {
        if (report.legacyProtocol) {
            return {
                check,
                ok: false,
                detail: `only ${report.legacyProtocol} is offered; browsers need TLSv1.2 or better (${report.error})`,
                fix: fixes.tlsProtocol(cdn),
            };
        }
        const name = hostnameOf(hostname);
        // No TLS was spoken at all: the name does not resolve, or nothing answers there. A certificate is not the fix.
        if (report.code && dnsErrors.has(report.code)) {
            return { check, ok: false, detail: `${name} does not resolve (DNS): ${report.error}`, fix: fixes.noDns(name, cdn) };
        }
        if ((report.code && connectErrors.has(report.code)) || /^no TLS handshake within/.test(report.error)) {
            return { check, ok: false, detail: `no connection to ${hostname}: ${report.error}`, fix: fixes.unreachable(cdn) };
        }
        return { check, ok: false, detail: `TLS handshake failed: ${report.error}`, fix: fixes.tlsName(name, cdn) };
    }
    const validity = `valid ${day0(report.validFrom)} to ${day0(report.validTo)}`;
    const seen = `${report.protocol}; certificate for ${names(report)}, issuer ${report.issuer}, ${validity}`;
    if ((versionRank[report.protocol] ?? 0) < versionRank["TLSv1.2"]) {
        return { check, ok: false, detail: `${seen}: TLSv1.2 or better is required`, fix: fixes.tlsProtocol(cdn) };
    }
    if (report.validTo.getTime() < now.getTime() || report.authorizationError === "CERT_HAS_EXPIRED") {
        return { check, ok: false, detail: `${seen}: the certificate has expired`, fix: fixes.tlsExpired(hostname, cdn) };
    }
    if (report.validFrom.getTime() > now.getTime()) {
        return { check, ok: false, detail: `${seen}: the certificate is not valid yet`, fix: fixes.tlsExpired(hostname, cdn) };
    }
    if (report.authorizationError) {
        const wrongName = /altname|does not match|not in the cert/i.test(report.authorizationError);
        return {
            check,
            ok: false,
            detail: wrongName
                ? `${seen}: the certificate is not valid for ${hostname}`
                : `${seen}: the certificate is not trusted (${report.authorizationError})`,
            fix: wrongName ? fixes.tlsName(hostname, cdn) : fixes.tlsUntrusted(hostname, cdn),
        };
    }
    const daysLeft = Math.floor((report.validTo.getTime() - now.getTime()) / day);
    return { check, ok: true, detail: `${seen} (${daysLeft} days left)`, fix: "" };
}

/** The certificate's names, the first three of its subjectAltName (or its CN). */
function names(report: Extract<TlsReport, { handshake: "ok" }>): string {
    const all = report.altNames ? report.altNames.split(/,\s*/).map((n) => n.replace(/^DNS:/, "")) : [report.subject];
    return all.length > 3 ? `${all.slice(0, 3).join(", ")} (+${all.length - 3})` : all.join(", ");
}

const day0 = (d: Date) => (isNaN(d.getTime()) ? "?" : d.toISOString().slice(0, 10));
