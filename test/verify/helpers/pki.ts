import { createTestCa, Issued, TestCa } from "./certs";

/** The proxies' hostnames in the verify tests. */
export const hosts = {
    posthog: "e.example.com",
    segment: "s.example.com",
    amplitude: "r.example.com",
    vtex: "www.example.com",
} as const;

export interface TestPki {
    readonly ca: TestCa;
    /** Valid for every test hostname. */
    readonly edge: Issued;
    /** Valid only for another name. */
    readonly otherName: Issued;
    /** For every test hostname, expired yesterday. */
    readonly expired: Issued;
}

let pki: TestPki | undefined;

/** One CA and the leaf certificates the tests need, made once per process (RSA key generation takes ~1 s). */
export function testPki(): TestPki {
    if (!pki) {
        const ca = createTestCa();
        const day = 24 * 60 * 60 * 1000;
        pki = {
            ca,
            edge: ca.issue(Object.values(hosts)),
            otherName: ca.issue(["proxy.other-example.net"]),
            expired: ca.issue(Object.values(hosts), { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) }),
        };
    }
    return pki;
}
