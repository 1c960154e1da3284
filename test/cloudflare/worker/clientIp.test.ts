import * as assert from "assert";
import { anonymizeClientIp } from "../../../components/cloudflare/worker/edge/clientIp";
import { workerSettings } from "../../../components/cloudflare/worker/settings";
import { useProxyWorker } from "./proxyWorker";
import { vendorSiteWithClientIp } from "./sites";

describe("clientIp: anonymizeClientIp", () => {
    it("keeps the /24 of an IPv4 address and zeroes the host byte", () => {
        assert.equal(anonymizeClientIp("203.0.113.77"), "203.0.113.0");
        assert.equal(anonymizeClientIp("8.8.4.4"), "8.8.4.0");
        assert.equal(anonymizeClientIp("10.0.0.255"), "10.0.0.0");
    });

    it("keeps the /48 of an IPv6 address in every spelling (compressed, full, upper case, zone index)", () => {
        assert.equal(anonymizeClientIp("2001:db8:85a3:8d3:1319:8a2e:370:7348"), "2001:db8:85a3::");
        assert.equal(anonymizeClientIp("2001:0DB8:85A3:0000:0000:8A2E:0370:7334"), "2001:db8:85a3::");
        assert.equal(anonymizeClientIp("2001:db8::1"), "2001:db8:0::");
        assert.equal(anonymizeClientIp("2a06:98c0:3600::103"), "2a06:98c0:3600::");
        assert.equal(anonymizeClientIp("::1"), "0:0:0::");
        assert.equal(anonymizeClientIp("fe80::1%eth0"), "fe80:0:0::");
    });

    it("anonymizes an IPv4-mapped IPv6 address as the IPv4 address it carries", () => {
        assert.equal(anonymizeClientIp("::ffff:198.51.100.23"), "198.51.100.0");
        assert.equal(anonymizeClientIp("::ffff:c633:6417"), "198.51.100.0");
    });

    it("gives nothing for what is not an address, so nothing is sent", () => {
        for (const bad of ["", "unknown", "203.0.113", "203.0.113.256", "1.2.3.4.5", "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1", "203.0.113.7, 10.0.0.1"]) {
            assert.equal(anonymizeClientIp(bad), undefined, bad);
        }
    });
});

describe("clientIp: the Worker's settings", () => {
    it("marks only the origins that use the address, and as the proxy's setting says", () => {
        const origins = (mode: "forward" | "anonymize" | "drop") => workerSettings(vendorSiteWithClientIp("posthog", "us", "e.example.com", mode)).origins;
        assert.deepEqual(
            Object.fromEntries(Object.entries(origins("anonymize")).map(([id, o]) => [id, [o.forwardClientIp, o.anonymizeClientIp]])),
            { main: [true, true], assets: [false, false] },
        );
        assert.deepEqual(
            Object.fromEntries(Object.entries(origins("drop")).map(([id, o]) => [id, [o.forwardClientIp, o.anonymizeClientIp]])),
            { main: [false, false], assets: [false, false] },
        );
        assert.deepEqual(
            Object.fromEntries(Object.entries(origins("forward")).map(([id, o]) => [id, [o.forwardClientIp, o.anonymizeClientIp]])),
            { main: [true, false], assets: [false, false] },
        );
    });
});

// What Cloudflare's edge hands the Worker, with forwarding claims of the viewer's own that must never be relayed.
const edgeHeaders = (address: string) => ({
    "cf-connecting-ip": address,
    "x-forwarded-for": "198.51.100.9",
    "x-real-ip": "198.51.100.9",
    "true-client-ip": "198.51.100.9",
    forwarded: "for=198.51.100.9",
});

/** Every header value the origin got that contains `text` (the viewer's address must appear nowhere). */
const headersContaining = (headers: Record<string, unknown>, text: string) =>
    Object.entries(headers).filter(([, v]) => String(v).includes(text)).map(([k]) => k);

for (const [mode, ipv4, ipv6] of [
    ["forward", "203.0.113.77", "2001:db8:85a3:8d3:1319:8a2e:370:7348"],
    ["anonymize", "203.0.113.0", "2001:db8:85a3::"],
    ["drop", undefined, undefined],
] as const) {
    describe(`clientIp: ${mode}, the Worker in workerd`, () => {
        const get = useProxyWorker(vendorSiteWithClientIp("posthog", "us", "e.example.com", mode));

        it(`sends the ingestion origin ${ipv4 ?? "no address"} for an IPv4 viewer`, async () => {
            const { origin, worker } = get();
            const response = await worker.fetch("/e/?ip=1", { method: "POST", body: "{}", headers: edgeHeaders("203.0.113.77") });
            assert.equal(response.status, 200);
            const [seen] = origin.requests;
            assert.equal(seen.host, "us.i.posthog.com");
            assert.equal(seen.headers["x-forwarded-for"], ipv4);
            if (mode !== "forward") assert.deepEqual(headersContaining(seen.headers, "203.0.113.77"), []);
            assert.deepEqual(headersContaining(seen.headers, "198.51.100.9"), []);
        });

        it(`sends the ingestion origin ${ipv6 ?? "no address"} for an IPv6 viewer`, async () => {
            const { origin, worker } = get();
            await worker.fetch("/e/", { method: "POST", body: "{}", headers: edgeHeaders("2001:db8:85a3:8d3:1319:8a2e:370:7348") });
            const [seen] = origin.requests;
            assert.equal(seen.headers["x-forwarded-for"], ipv6);
            if (mode !== "forward") assert.deepEqual(headersContaining(seen.headers, "8a2e:370:7348"), []);
        });

        it("sends the assets origin, which does not use it, no address at all", async () => {
            const { origin, worker } = get();
            await worker.fetch("/static/array.js", { headers: edgeHeaders("203.0.113.77") });
            const [seen] = origin.requests;
            assert.equal(seen.host, "us-assets.i.posthog.com");
            assert.equal(seen.headers["x-forwarded-for"], undefined);
            assert.deepEqual(headersContaining(seen.headers, "203.0.113.77"), []);
        });
    });
}

describe("clientIp: anonymize with an address that does not parse", () => {
    const get = useProxyWorker(vendorSiteWithClientIp("posthog", "us", "e.example.com", "anonymize"));

    it("sends no X-Forwarded-For rather than the unparsed value", async () => {
        const { origin, worker } = get();
        await worker.fetch("/e/", { method: "POST", body: "{}", headers: { "cf-connecting-ip": "not-an-address" } });
        const [seen] = origin.requests;
        assert.equal(seen.headers["x-forwarded-for"], undefined);
        assert.deepEqual(headersContaining(seen.headers, "not-an-address"), []);
    });
});
