import * as assert from "assert";
import { CaaRecord } from "node:dns";
import { checkManagedCaa, checkManagedCname, DnsLookup } from "../../components/verify/posthogManaged";
import { targetsFromOutputs } from "../../components/verify/targets";
import { planConfig } from "../helpers/plan";

const target = "4854cf84789d8596ad01.proxy-us.posthog.com";

/** A DNS zone as a map; names it does not hold answer ENODATA, as a resolver does. */
function fakeDns(cnames: Record<string, string[]>, caa: Record<string, CaaRecord[]>): DnsLookup & { asked: string[] } {
    const asked: string[] = [];
    const answer = <T>(table: Record<string, T[]>, name: string): Promise<T[]> => {
        asked.push(name);
        const found = table[name];
        return found ? Promise.resolve(found) : Promise.reject(Object.assign(new Error(`queryX ENODATA ${name}`), { code: "ENODATA" }));
    };
    return { asked, resolveCname: (n) => answer(cnames, n), resolveCaa: (n) => answer(caa, n) };
}

describe("verify: PostHog's managed reverse proxy (the DNS checks of PostHog's Diagnose)", () => {
    it("passes a CNAME to the generated target (trailing dot and case ignored), fails another or none with the record to create", async () => {
        assert.equal((await checkManagedCname("e.example.com", target, fakeDns({ "e.example.com": [`${target.toUpperCase()}.`] }, {}))).ok, true);
        const wrong = await checkManagedCname("e.example.com", target, fakeDns({ "e.example.com": ["us.i.posthog.com"] }, {}));
        assert.equal(wrong.ok, false);
        assert.match(wrong.detail, /CNAME us\.i\.posthog\.com, expected 4854cf84789d8596ad01\.proxy-us\.posthog\.com/);
        assert.match(wrong.fix, /DNS-only record e\.example\.com CNAME 4854cf84789d8596ad01\.proxy-us\.posthog\.com/);
        const none = await checkManagedCname("e.example.com", target, fakeDns({}, {}));
        assert.equal(none.ok, false);
        assert.match(none.detail, /has no CNAME \(ENODATA\)/);
    });

    it("reads CAA at the closest name up the tree: none anywhere passes, PostHog's authorities pass, others fail with the records to add", async () => {
        const unrestricted = fakeDns({}, {});
        const open = await checkManagedCaa("e.shop.example.com", unrestricted);
        assert.equal(open.ok, true);
        assert.match(open.detail, /no CAA records/);
        assert.deepEqual(unrestricted.asked, ["e.shop.example.com", "shop.example.com", "example.com"]);

        const allowed = await checkManagedCaa("e.shop.example.com", fakeDns({}, { "example.com": [{ critical: 0, issue: "letsencrypt.org" }, { critical: 0, iodef: "mailto:x@example.com" }] }));
        assert.equal(allowed.ok, true);
        assert.match(allowed.detail, /CAA at example\.com allows letsencrypt\.org/);

        // The closest name with CAA decides, even when a parent would allow PostHog's authorities.
        const blocked = await checkManagedCaa(
            "e.shop.example.com",
            fakeDns({}, { "shop.example.com": [{ critical: 0, issue: "digicert.com; cansignhttpexchanges=yes" }], "example.com": [{ critical: 0, issue: "pki.goog" }] }),
        );
        assert.equal(blocked.ok, false);
        assert.match(blocked.detail, /CAA at shop\.example\.com allows only digicert\.com, none of pki\.goog, letsencrypt\.org, ssl\.com/);
        assert.match(blocked.fix, /0 issue "pki\.goog"/);
    });

    it("finds the managed target in the planned outputs, so verify runs these checks from the stack's own document", async () => {
        const plan = await planConfig({
            provider: "aws",
            dns: { provider: "manual", zone: "example.com" },
            proxies: [{ vendor: "posthog", domain: "e.example.com", managed: true, target }, { vendor: "posthog", domain: "p.example.com", paths: "vendor" }],
        });
        const { targets } = targetsFromOutputs({ outputs: plan.outputs });
        const byHost = Object.fromEntries(targets.map((t) => [t.vendor === "posthog" ? t.host : "", t]));
        assert.deepEqual(byHost["e.example.com"], { name: "posthog-e-example-com", vendor: "posthog", region: "us", cdn: "managed", host: "e.example.com", managedTarget: target });
        assert.equal((byHost["p.example.com"] as { managedTarget?: string }).managedTarget, undefined);
    });
});
