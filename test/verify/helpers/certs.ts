import { createPrivateKey, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";

/*
 * X.509 certificates made at test time with node:crypto alone (Node can sign but has no certificate builder):
 * a few DER helpers, RSA keys, SHA-256 signatures. Enough for a test CA and leaf certificates with SANs, any
 * validity window, that Node's TLS (OpenSSL 3) verifies like real ones.
 */

export interface Issued {
    /** PEM certificate. */
    readonly cert: string;
    /** PEM private key (PKCS#8). */
    readonly key: string;
}

export interface TestCa extends Issued {
    /** Issues a leaf for `names` (subjectAltName dNSName; the first is also the CN), signed by this CA. */
    issue(names: readonly string[], validity?: Validity): Issued;
}

export interface Validity {
    readonly notBefore: Date;
    readonly notAfter: Date;
}

const day = 24 * 60 * 60 * 1000;
const defaultValidity = (): Validity => ({ notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 30 * day) });

/** A self-signed CA, for the `--ca` of the verify CLI; its leaves are issued by `issue`. */
export function createTestCa(commonName = "first-party-proxy test CA"): TestCa {
    const keys = rsaKeys();
    const name = distinguishedName(commonName);
    const cert = certificate({
        subject: name,
        issuer: name,
        publicKeyDer: keys.publicKeyDer,
        signer: keys.privateKey,
        validity: { notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 365 * day) },
        extensions: [extension("2.5.29.19", true, seq(boolean(true))), extension("2.5.29.15", true, keyUsage(0x06))],
    });
    const ca: Issued = { cert, key: keys.privateKeyPem };
    // One key for every leaf keeps the tests fast; each leaf still has its own names and validity.
    const leafKeys = rsaKeys();
    return {
        ...ca,
        issue(names, validity = defaultValidity()) {
            const leaf = certificate({
                subject: distinguishedName(names[0]),
                issuer: name,
                publicKeyDer: leafKeys.publicKeyDer,
                signer: keys.privateKey,
                validity,
                extensions: [
                    extension("2.5.29.19", true, seq()),
                    extension("2.5.29.17", false, seq(...names.map((n) => tlv(0x82, Buffer.from(n, "ascii"))))),
                    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),
                ],
            });
            return { cert: leaf, key: leafKeys.privateKeyPem };
        },
    };
}

function rsaKeys(): { privateKey: KeyObject; privateKeyPem: string; publicKeyDer: Buffer } {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return {
        privateKey,
        privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        publicKeyDer: publicKey.export({ type: "spki", format: "der" }),
    };
}

interface CertificateArgs {
    readonly subject: Buffer;
    readonly issuer: Buffer;
    readonly publicKeyDer: Buffer;
    readonly signer: KeyObject;
    readonly validity: Validity;
    readonly extensions: readonly Buffer[];
}

const sha256WithRsa = seq(oid("1.2.840.113549.1.1.11"), tlv(0x05, Buffer.alloc(0)));

function certificate(args: CertificateArgs): string {
    const serial = randomBytes(12);
    serial[0] = 1 + (serial[0] % 0x7e); // positive, minimal INTEGER (no 0x00 or 0xff lead byte)
    const tbs = seq(
        tlv(0xa0, integer(Buffer.from([2]))), // v3
        integer(serial),
        sha256WithRsa,
        args.issuer,
        seq(time(args.validity.notBefore), time(args.validity.notAfter)),
        args.subject,
        args.publicKeyDer,
        tlv(0xa3, seq(...args.extensions)),
    );
    const signature = sign("sha256", tbs, args.signer);
    const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
    new X509Certificate(pem); // throws if the encoding is wrong
    return pem;
}

function distinguishedName(commonName: string): Buffer {
    return seq(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName, "utf8")))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
    return seq(oid(id), ...(critical ? [boolean(true)] : []), tlv(0x04, value));
}

/** KeyUsage BIT STRING with the bits of the first byte (0x06: keyCertSign, cRLSign). */
function keyUsage(bits: number): Buffer {
    return tlv(0x03, Buffer.from([1, bits]));
}

function time(date: Date): Buffer {
    const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
    return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), "ascii")) : tlv(0x18, Buffer.from(iso, "ascii"));
}

function seq(...items: Buffer[]): Buffer {
    return tlv(0x30, Buffer.concat(items));
}

function boolean(value: boolean): Buffer {
    return tlv(0x01, Buffer.from([value ? 0xff : 0]));
}

function integer(bytes: Buffer): Buffer {
    return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
    const [a, b, ...rest] = dotted.split(".").map(Number);
    const bytes = [a * 40 + b];
    for (const n of rest) {
        const groups = [n & 0x7f];
        for (let v = n >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
        bytes.push(...groups);
    }
    return tlv(0x06, Buffer.from(bytes));
}

function tlv(tag: number, value: Buffer): Buffer {
    const n = value.length;
    const length =
        n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
    return Buffer.concat([Buffer.from([tag]), length, value]);
}

/** Re-reads a PEM key, for servers that want a KeyObject. */
export const keyObject = (pem: string): KeyObject => createPrivateKey(pem);
