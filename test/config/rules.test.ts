import * as assert from "assert";
import * as path from "path";
import { ConfigError, ConfigIssue, parseStackConfig, proxyRequests } from "../../components/config/load";
import { readStackSettings } from "../../components/plan/stackSettings";
import { derivedPathPrefix } from "../../components/model/publicPaths";
import { vendorIds } from "../../components/model/types";
import { shippedStacks } from "../policy/harness";

/*
 * One case per rule of the stack config, straight through parseStackConfig: no Pulumi runtime, no mocks.
 * Keys in the assertions are written without the `first-party-proxy:` prefix.
 */

type Raw = Record<string, unknown>;

const route53 = { provider: "route53", zone: "example.com" };
const aws = (proxies: unknown[], extra: Raw = {}): Raw => ({ provider: "aws", dns: route53, proxies, ...extra });
const cloudflare = (proxies: unknown[], settings: unknown = { accountId: "0123456789abcdef0123456789abcdef" }, extra: Raw = {}): Raw => ({
    provider: "cloudflare",
    dns: { provider: "cloudflare", zone: "example.com" },
    cloudflare: settings,
    proxies,
    ...extra,
});
const posthog = (domain = "e.example.com", more: Raw = {}) => ({ vendor: "posthog", domain, ...more });

function problems(raw: Raw): ConfigIssue[] {
    try {
        parseStackConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return [...e.issues];
        throw e;
    }
    return assert.fail(`accepted: ${JSON.stringify(raw).slice(0, 300)}`);
}

/** The one problem reported at `key`; fails listing them all otherwise. */
function problemAt(raw: Raw, key: string): string {
    const all = problems(raw);
    const at = all.filter((i) => i.key === `first-party-proxy:${key}`);
    assert.strictEqual(at.length, 1, `one problem at ${key}; got:\n${all.map((i) => `  ${i.key}: ${i.message}`).join("\n")}`);
    return at[0].message;
}

describe("stack config rules", () => {
    describe("valid configs", () => {
        it("takes the minimal config and applies the defaults", () => {
            const { config, warnings } = parseStackConfig(aws([posthog()]));
            assert.deepStrictEqual(config.cloudfront, { priceClass: "PriceClass_All", tags: {}, sharedPolicies: {} });
            assert.deepStrictEqual(proxyRequests(config, "dev"), [
                { kind: "cdn", name: "posthog-e-example-com", vendor: "posthog", region: "us", layout: "single", hostnames: { main: "e.example.com" }, paths: { layout: "public", prefix: derivedPathPrefix("dev", "posthog-e-example-com") } },
            ]);
            assert.deepStrictEqual(warnings, []);
        });

        for (const { name, file } of shippedStacks()) {
            it(`takes the shipped stack ${name} (${path.basename(file)})`, () => {
                const flat = readStackSettings(file);
                const raw = Object.fromEntries(
                    Object.entries(flat)
                        .filter(([k]) => k.startsWith("first-party-proxy:"))
                        .map(([k, v]) => [k.slice("first-party-proxy:".length), k.endsWith(":provider") ? v : JSON.parse(v)]),
                );
                assert.doesNotThrow(() => parseStackConfig(raw));
            });
        }
    });

    it("reports every problem at once, each with its key path", () => {
        const all = problems({
            provider: "gcp",
            dns: { provider: "route53" },
            proxies: [posthog("E.example.com"), { vendor: "heap", domain: "m.example.com" }, posthog("x.example.org", { region: "ap" })],
        });
        assert.deepStrictEqual(
            all.map((i) => i.key.replace("first-party-proxy:", "")).sort(),
            ["dns.zone", "provider", "proxies[0].domain", "proxies[1].vendor", "proxies[2].region"].sort(),
        );
    });

    describe("hostnames", () => {
        it("syntax: the key, the value and what to write instead", () => {
            const message = problemAt(aws([posthog("https://e.example.com/")]), "proxies[0].domain");
            assert.match(message, /URL; give the bare hostname \(e\.example\.com\)/);
            assert.match(message, /got "https:\/\/e\.example\.com\/"/);
        });

        it("inside the DNS zone", () => {
            assert.match(problemAt(aws([posthog("e.example.org")]), "proxies[0].domain"), /e\.example\.org is not inside the DNS zone example\.com/);
            assert.match(problemAt(aws([posthog("e.notexample.com")]), "proxies[0].domain"), /not inside the DNS zone/);
        });

        it("checked against the zone only when it is named (a zone id alone says nothing)", () => {
            assert.doesNotThrow(() => parseStackConfig(aws([posthog("e.example.org")], { dns: { provider: "route53", zoneId: "Z0123456789ABC" } })));
        });

        it("one proxy per hostname, across proxies and across keys", () => {
            const message = problemAt(
                aws([posthog("e.example.com"), { vendor: "segment", cdnDomain: "c.example.com", apiDomain: "e.example.com" }]),
                "proxies[1].apiDomain",
            );
            assert.match(message, /e\.example\.com is already used by proxies\[0\]\.domain/);
        });

        it("nothing below a subdomain delegated to Segment", () => {
            const delegated = { vendor: "segment", managed: "delegation", domain: "seg.example.com", nameServers: ["ns1.example.net", "ns2.example.net"] };
            assert.match(problemAt(aws([delegated, posthog("e.seg.example.com")]), "proxies[1].domain"), /delegates to Segment/);
        });

        it("at most 64 characters on CloudFront (ACM's limit for a certificate's name)", () => {
            const long = `${"a".repeat(52)}.example.com`; // 64: allowed
            assert.doesNotThrow(() => parseStackConfig(aws([posthog(long)])));
            assert.match(problemAt(aws([posthog(`b${long}`)]), "proxies[0].domain"), /65 characters.*ACM takes at most 64/);
            assert.doesNotThrow(() => parseStackConfig(cloudflare([posthog(`b${long}`)])));
        });

        it("ad-blocked names are a warning, not an error", () => {
            const { warnings } = parseStackConfig(aws([posthog("ph.example.com"), { vendor: "amplitude", domain: "analytics.example.com", products: ["analytics"] }]));
            assert.strictEqual(warnings.length, 2);
            assert.match(warnings[0], /proxies\[0\]\.domain: ph\.example\.com has the label "ph", which ad blockers match/);
        });
    });

    describe("proxy names", () => {
        it("explicit names are unique", () => {
            const message = problemAt(aws([posthog("e.example.com", { name: "edge" }), posthog("f.example.com", { name: "edge" })]), "proxies[1].name");
            assert.match(message, /name edge is already used by proxies\[0\]/);
        });

        it("derived names too: long hostnames that share 60 characters, or a name equal to another's derived one", () => {
            const stem = `${"a".repeat(40)}.${"b".repeat(10)}`;
            const message = problemAt(cloudflare([posthog(`${stem}.x.example.com`), posthog(`${stem}.y.example.com`)]), "proxies[1].name");
            assert.match(message, /derived from the vendor and hostname/);
            assert.match(problemAt(aws([posthog("e.example.com"), posthog("f.example.com", { name: "posthog-e-example-com" })]), "proxies[1].name"), /already used/);
        });

        it("name syntax", () => {
            assert.match(problemAt(aws([posthog("e.example.com", { name: "Edge_1" })]), "proxies[0].name"), /lower-case letters, digits or hyphens/);
        });
    });

    describe("Segment's shapes", () => {
        it("one host or two, not both", () => {
            const message = problemAt(aws([{ vendor: "segment", domain: "s.example.com", cdnDomain: "c.example.com", apiDomain: "a.example.com" }]), "proxies[0].domain");
            assert.match(message, /either domain \(one host\) or cdnDomain and apiDomain \(two hosts\), not both/);
        });

        it("two hosts need both, and two different ones", () => {
            assert.match(problemAt(aws([{ vendor: "segment", cdnDomain: "c.example.com" }]), "proxies[0].apiDomain"), /apiDomain is required with cdnDomain/);
            assert.match(
                problems(aws([{ vendor: "segment", cdnDomain: "c.example.com", apiDomain: "c.example.com" }]))
                    .map((i) => i.message)
                    .join("\n"),
                /apiDomain must differ from cdnDomain/,
            );
        });

        it("no host at all", () => {
            assert.match(problemAt(aws([{ vendor: "segment" }]), "proxies[0].domain"), /domain is required \(or cdnDomain and apiDomain/);
        });

        it("managed: delegation needs the domain and Segment's name servers, nothing else", () => {
            const issues = problems(aws([{ vendor: "segment", managed: "delegation", cdnDomain: "c.example.com", region: "eu" }]));
            const text = issues.map((i) => `${i.key}: ${i.message}`).join("\n");
            assert.match(text, /proxies\[0\]\.domain: domain is required with managed: delegation/);
            assert.match(text, /proxies\[0\]\.nameServers: nameServers is required/);
            assert.match(text, /proxies\[0\]\.cdnDomain: cdnDomain is not allowed with managed: delegation/);
            assert.match(text, /proxies\[0\]\.region: region is not allowed with managed: delegation \(Segment runs the endpoints/);
        });

        it("managed: cname needs both targets", () => {
            const message = problemAt(
                aws([{ vendor: "segment", managed: "cname", cdnDomain: "c.example.com", apiDomain: "a.example.com", cdnTarget: "x.segment.example.net" }]),
                "proxies[0].apiTarget",
            );
            assert.match(message, /apiTarget is required with managed: cname/);
        });

        it("targets and name servers without managed", () => {
            assert.match(
                problemAt(aws([{ vendor: "segment", domain: "s.example.com", cdnTarget: "x.example.net" }]), "proxies[0].cdnTarget"),
                /not allowed without managed/,
            );
        });
    });

    describe("vendors, regions and keys", () => {
        it("an unknown vendor names the vendors", () => {
            assert.strictEqual(problemAt(aws([{ vendor: "heap", domain: "h.example.com" }]), "proxies[0].vendor"), `got "heap"; allowed: ${vendorIds.join(" | ")}`);
            assert.match(problemAt(aws([{ vendor: "heap", domain: "h.example.com" }]), "proxies[0].vendor"), /allowed: segment \| posthog \| amplitude \| vtex \| mixpanel \| plausible/);
        });

        it("a missing vendor", () => {
            assert.match(problemAt(aws([{ domain: "m.example.com" }]), "proxies[0].vendor"), /is required; allowed: segment \| posthog/);
        });

        it("an unknown region names the vendor's regions", () => {
            assert.strictEqual(problemAt(aws([posthog("e.example.com", { region: "ap" })]), "proxies[0].region"), 'got "ap"; allowed: us | eu');
        });

        it("region on a VTEX proxy lists the keys VTEX takes and says why", () => {
            assert.strictEqual(
                problemAt(aws([{ vendor: "vtex", region: "eu", domain: "www.example.com" }]), "proxies[0].region"),
                "unknown key; allowed keys for a vtex proxy: vendor, name, domain (VTEX has no regions: its CDN host is derived from domain)",
            );
        });

        it("another vendor's key says whose it is", () => {
            assert.match(problemAt(aws([posthog("e.example.com", { cdnDomain: "c.example.com" })]), "proxies[0].cdnDomain"), /cdnDomain applies to segment proxies only/);
        });

        it("a near miss suggests the key", () => {
            assert.match(problemAt(aws([{ vendor: "posthog", domian: "e.example.com" }]), "proxies[0].domian"), /did you mean domain\?/);
            assert.match(problemAt(aws([posthog()], { cloudfront: { price_class: "PriceClass_100" } }), "cloudfront.price_class"), /did you mean priceClass\?.*allowed keys for cloudfront: priceClass, tags/);
        });

        it("a missing domain says what it is", () => {
            assert.match(problemAt(aws([{ vendor: "amplitude" }]), "proxies[0].domain"), /is required \(the hostname the proxy serves/);
        });
    });

    describe("provider, DNS and mode combinations", () => {
        it("provider cloudflare with DNS elsewhere (with a word for VTEX)", () => {
            const message = problemAt(cloudflare([{ vendor: "vtex", domain: "www.example.com" }], { mode: "worker" }, { dns: route53 }), "dns.provider");
            assert.match(message, /dns\.provider must be cloudflare \(got "route53"\); VTEX keeps the store's Host/);
        });

        it("Page Rule Host override without the Enterprise acknowledgement", () => {
            assert.match(problemAt(cloudflare([posthog()], { mode: "pageRule" }), "cloudflare.enterprise"), /only on Enterprise zones: set cloudflare\.enterprise: true/);
            assert.doesNotThrow(() => parseStackConfig(cloudflare([posthog()], { mode: "pageRule", enterprise: true })));
        });

        it("worker mode needs the account, unless no proxy becomes a Worker (VTEX is proxied DNS)", () => {
            assert.match(problemAt(cloudflare([posthog()], { mode: "worker" }), "cloudflare.accountId"), /Workers of proxies\[0\]/);
            assert.doesNotThrow(() => parseStackConfig(cloudflare([{ vendor: "vtex", domain: "www.example.com" }], {})));
        });

        it("the other CDN's settings", () => {
            assert.match(problemAt(aws([posthog()], { cloudflare: { mode: "worker" } }), "cloudflare"), /apply only with provider cloudflare/);
            assert.match(problemAt(cloudflare([posthog()], undefined, { cloudfront: { priceClass: "PriceClass_100" } }), "cloudfront"), /apply only with provider aws/);
        });

        it("cloudflare settings are required with provider cloudflare", () => {
            assert.match(problemAt(cloudflare([posthog()], undefined, { cloudflare: undefined }), "cloudflare"), /are required with provider cloudflare/);
        });

        it("a zone to look up, in the provider's id format, and no id for manual DNS", () => {
            assert.match(problemAt(aws([posthog()], { dns: { provider: "route53" } }), "dns.zone"), /dns\.zone .* or dns\.zoneId is required/);
            assert.match(problemAt(aws([posthog()], { dns: { provider: "route53", zoneId: "abc" } }), "dns.zoneId"), /Route 53 hosted zone id/);
            assert.match(problemAt(cloudflare([posthog()], undefined, { dns: { provider: "cloudflare", zoneId: "Z0123" } }), "dns.zoneId"), /32 lower-case hexadecimal/);
            assert.match(problemAt(aws([posthog()], { dns: { provider: "manual", zoneId: "Z0123" } }), "dns.zoneId"), /not allowed with dns\.provider manual/);
        });

        it("page rules beyond the zone's 125 (one per route)", () => {
            // PostHog takes 3 page rules per proxy: 42 proxies are 126.
            const many = Array.from({ length: 42 }, (_, i) => posthog(`e${i}.example.com`));
            const message = problemAt(cloudflare(many, { mode: "pageRule", enterprise: true }), "proxies");
            assert.match(message, /the zone needs 126 page rules, more than the 125 Cloudflare allows .*use cloudflare\.mode worker/);
            // 41 public-layout proxies also need 123 URL Rewrite Rules: more than an Enterprise zone's default 100.
            assert.doesNotThrow(() => parseStackConfig(cloudflare(many.slice(0, 41), { mode: "pageRule", enterprise: true }, { quotas: { urlRewriteRules: 200 } })));
            // In worker mode no page rule; the zone's response header rules (24 for 42 prefixes) want a Pro zone.
            assert.doesNotThrow(() => parseStackConfig(cloudflare(many, { accountId: "0123456789abcdef0123456789abcdef", plan: "pro" })));
        });
    });

    describe("CloudFront settings", () => {
        it("tags follow AWS's rules and leave the program's own alone", () => {
            const tags = { "aws:team": "x", "first-party-proxy:proxy": "y", "bad#key": "z" };
            const text = problems(aws([posthog()], { cloudfront: { tags } }))
                .map((i) => `${i.key}: ${i.message}`)
                .join("\n");
            assert.match(text, /cloudfront\.tags\.aws:team: tag keys starting with aws: are reserved/);
            assert.match(text, /cloudfront\.tags\.first-party-proxy:proxy: .*set by the program itself/);
            assert.match(text, /cloudfront\.tags\.bad#key: tag keys take letters/);
        });

        it("at most 48 tags", () => {
            const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
            assert.match(problemAt(aws([posthog()], { cloudfront: { tags } }), "cloudfront.tags"), /at most 48 tags/);
        });

        it("price classes", () => {
            assert.match(problemAt(aws([posthog()], { cloudfront: { priceClass: "PriceClass_50" } }), "cloudfront.priceClass"), /allowed: PriceClass_All \| PriceClass_200 \| PriceClass_100/);
        });
    });

    describe("hostile shapes", () => {
        it("__proto__ anywhere, as JSON.parse keeps it", () => {
            const raw = JSON.parse(
                '{"provider":"aws","dns":{"provider":"route53","zone":"example.com"},"cloudfront":{"tags":{"__proto__":"x"}},"proxies":[{"vendor":"posthog","domain":"e.example.com"}]}',
            );
            assert.match(problemAt(raw, "cloudfront.tags.__proto__"), /not allowed anywhere in the config/);
        });

        it("values nested far deeper than any key takes, without exhausting the stack", () => {
            const deep = JSON.parse(`${"[".repeat(50_000)}${"]".repeat(50_000)}`);
            const text = problems(aws([posthog()], { cloudfront: { tags: { team: deep } } }))
                .map((i) => `${i.key}: ${i.message}`)
                .join("\n");
            assert.match(text, /cloudfront\.tags\.team: holds values nested more than 16 levels deep/);
            assert.match(text, /cloudfront\.tags\.team: got \(a value too deeply nested to show\); expected string/);
        });

        it("more than 1,000 proxies", () => {
            const many = Array.from({ length: 1001 }, (_, i) => posthog(`e${i}.example.com`));
            assert.match(problemAt(aws(many), "proxies"), /at most 1000 proxies per stack.*got 1001 entries/);
        });

        it("the message lists at most 60 problems and counts the rest", () => {
            const bad = Array.from({ length: 70 }, () => posthog("E"));
            try {
                parseStackConfig(aws(bad));
                assert.fail("accepted");
            } catch (e) {
                assert.ok(e instanceof ConfigError);
                assert.ok(e.issues.length >= 70);
                assert.match(e.message, new RegExp(`and ${e.issues.length - 60} more`));
                assert.match(e.message, /nothing was deployed/);
            }
        });
    });
});
