import * as assert from "assert";
import { project } from "../../components/config/load";
import { planProgram } from "../../components/plan/mockPlan";
import { buildStack } from "../../components/stack";
import { flattenConfig, TestConfig } from "../helpers/plan";

/*
 * Malformed and hostile stack configs, each run through the real program (buildStack, as index.ts runs it) under
 * Pulumi's mocks. Every one must be refused with a ConfigError naming the key, and register nothing at all: the
 * monitor is watched from the moment the program starts, and in-flight registrations are awaited before counting.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require("@pulumi/pulumi/runtime/settings");

/** Runs the program with `config` (plus raw flat `extra` keys); returns the error, if any, and how many registrations reached the monitor. */
async function runProgram(config: TestConfig, extra: Record<string, string> = {}): Promise<{ error?: Error; registered: number }> {
    let registered = 0;
    const flat = { ...flattenConfig(config), ...extra };
    try {
        await planProgram(
            flat,
            () => {
                const monitor = runtimeSettings.getMonitor();
                const register = monitor.registerResource.bind(monitor);
                monitor.registerResource = (req: unknown, callback: unknown) => {
                    registered++;
                    return register(req, callback);
                };
                return buildStack();
            },
            { project, stack: "bad-input" },
        );
    } catch (error) {
        await runtimeSettings.waitForRPCs();
        return { error: error as Error, registered };
    }
    return { registered };
}

async function planRefused(config: TestConfig, extra: Record<string, string> = {}): Promise<{ error: Error; registered: number }> {
    const { error, registered } = await runProgram(config, extra);
    return error ? { error, registered } : assert.fail(`accepted, registering ${registered} resources: ${JSON.stringify(config).slice(0, 400)}`);
}

const zone = { provider: "route53", zone: "example.com" };
const ok = { provider: "aws", dns: zone, proxies: [{ vendor: "posthog", domain: "e.example.com" }] };
const withProxy = (proxy: unknown): TestConfig => ({ ...ok, proxies: [proxy] });
const posthogAt = (domain: unknown): TestConfig => withProxy({ vendor: "posthog", domain });
const cloudflareStack = (settings: unknown, extra: TestConfig = {}): TestConfig => ({
    provider: "cloudflare",
    dns: { provider: "cloudflare", zone: "example.com" },
    cloudflare: settings,
    proxies: [{ vendor: "posthog", domain: "e.example.com" }],
    ...extra,
});

interface Case {
    readonly title: string;
    readonly config: TestConfig;
    /** Raw flat config keys, for values a YAML file could hold but an object cannot express. */
    readonly extra?: Record<string, string>;
    /** The key the message must name, without the `first-party-proxy:` prefix. */
    readonly key: string;
    /** What the message must say about it. */
    readonly says: RegExp;
}

const long = (n: number) => "a".repeat(n);

const cases: Case[] = [
    // Missing keys and wrong types
    { title: "no provider", config: { dns: zone, proxies: ok.proxies }, key: "provider", says: /is required; allowed: aws \| cloudflare/ },
    { title: "provider is a number", config: { ...ok, provider: 42 }, key: "provider", says: /got "42"; allowed: aws \| cloudflare/ },
    { title: "unknown provider", config: { ...ok, provider: "gcp" }, key: "provider", says: /got "gcp"; allowed: aws \| cloudflare/ },
    { title: "no dns", config: { provider: "aws", proxies: ok.proxies }, key: "dns", says: /is required \(a mapping \{provider/ },
    { title: "dns is plain text, not a mapping", config: { ...ok, dns: "route53" }, key: "dns", says: /must be a mapping \{provider: route53 \| cloudflare \| manual.*got "route53"/ },
    { title: "dns is a list", config: { ...ok, dns: ["route53", "example.com"] }, key: "dns", says: /got \["route53","example.com"\]; expected a mapping/ },
    { title: "dns is null", config: { ...ok, dns: null }, key: "dns", says: /got null; expected a mapping/ },
    { title: "unknown DNS provider", config: { ...ok, dns: { provider: "godaddy", zone: "example.com" } }, key: "dns.provider", says: /got "godaddy"; allowed: route53 \| cloudflare \| manual/ },
    { title: "zone is a number", config: { ...ok, dns: { provider: "route53", zone: 7 } }, key: "dns.zone", says: /got 7; expected string/ },
    { title: "no proxies", config: { provider: "aws", dns: zone }, key: "proxies", says: /is required \(a list of mappings/ },
    { title: "empty proxies", config: { ...ok, proxies: [] }, key: "proxies", says: /at least one proxy/ },
    { title: "proxies is a mapping, not a list", config: { ...ok, proxies: { vendor: "posthog", domain: "e.example.com" } }, key: "proxies", says: /expected a list/ },
    { title: "a proxy is null", config: { ...ok, proxies: [null] }, key: "proxies[0]", says: /got null; expected a mapping/ },
    { title: "a proxy is a list", config: { ...ok, proxies: [["posthog", "e.example.com"]] }, key: "proxies[0]", says: /expected a mapping/ },
    { title: "a proxy without vendor", config: withProxy({ domain: "e.example.com" }), key: "proxies[0].vendor", says: /is required; allowed: segment \| posthog \| amplitude \| vtex/ },
    { title: "unknown vendor", config: withProxy({ vendor: "heap", domain: "e.example.com" }), key: "proxies[0].vendor", says: /got "heap"; allowed: segment/ },
    { title: "unknown region", config: withProxy({ vendor: "amplitude", region: "ap-south", domain: "r.example.com" }), key: "proxies[0].region", says: /got "ap-south"; allowed: us \| eu/ },
    { title: "region is a number", config: withProxy({ vendor: "posthog", region: 1, domain: "e.example.com" }), key: "proxies[0].region", says: /got 1; allowed: us \| eu/ },
    { title: "domain is a number", config: posthogAt(123), key: "proxies[0].domain", says: /got 123; expected string/ },
    { title: "domain is a mapping", config: posthogAt({ host: "e.example.com" }), key: "proxies[0].domain", says: /expected string/ },
    { title: "enterprise is the string yes", config: cloudflareStack({ mode: "pageRule", enterprise: "yes" }), key: "cloudflare.enterprise", says: /got "yes"; expected boolean/ },
    { title: "nameServers is one string", config: withProxy({ vendor: "segment", managed: "delegation", domain: "seg.example.com", nameServers: "ns1.example.net" }), key: "proxies[0].nameServers", says: /expected a list/ },

    // Hostnames
    { title: "raw unicode hostname", config: posthogAt("bücher.example.com"), key: "proxies[0].domain", says: /punycode \(xn--bcher-kva\.example\.com\)/ },
    { title: "emoji hostname", config: posthogAt("💩.example.com"), key: "proxies[0].domain", says: /punycode \(xn--ls8h\.example\.com\)/ },
    { title: "wildcard domain", config: posthogAt("*.example.com"), key: "proxies[0].domain", says: /wildcard; each proxy serves one exact hostname/ },
    { title: "a URL instead of a hostname", config: posthogAt("https://e.example.com"), key: "proxies[0].domain", says: /URL; give the bare hostname \(e\.example\.com\)/ },
    { title: "a hostname with a path", config: posthogAt("e.example.com/ingest"), key: "proxies[0].domain", says: /path/ },
    { title: "a hostname with a port", config: posthogAt("e.example.com:8443"), key: "proxies[0].domain", says: /port/ },
    { title: "an IP address", config: posthogAt("203.0.113.7"), key: "proxies[0].domain", says: /IP address/ },
    { title: "a trailing dot", config: posthogAt("e.example.com."), key: "proxies[0].domain", says: /trailing dot/ },
    { title: "upper case", config: posthogAt("E.Example.COM"), key: "proxies[0].domain", says: /lower case/ },
    { title: "one label", config: posthogAt("localhost"), key: "proxies[0].domain", says: /fully qualified/ },
    { title: "an empty hostname", config: posthogAt(""), key: "proxies[0].domain", says: /is empty/ },
    { title: "leading blank", config: posthogAt(" e.example.com"), key: "proxies[0].domain", says: /blank/ },
    { title: "a 300-character hostname", config: posthogAt(`${long(60)}.`.repeat(5) + "example.com"), key: "proxies[0].domain", says: /at most 253/ },
    { title: "a 64-character label", config: posthogAt(`${long(64)}.example.com`), key: "proxies[0].domain", says: /invalid label/ },
    { title: "invalid punycode", config: posthogAt("xn--zz.example.com"), key: "proxies[0].domain", says: /not valid punycode/ },
    { title: "a name in another zone", config: posthogAt("e.example.org"), key: "proxies[0].domain", says: /not inside the DNS zone example\.com/ },
    { title: "a name that only ends like the zone", config: posthogAt("e.badexample.com"), key: "proxies[0].domain", says: /not inside the DNS zone example\.com/ },
    {
        title: "the same domain twice",
        config: { ...ok, proxies: [{ vendor: "posthog", domain: "e.example.com" }, { vendor: "amplitude", domain: "e.example.com" }] },
        key: "proxies[1].domain",
        says: /already used by proxies\[0\]\.domain/,
    },

    // Huge lists and long strings
    {
        title: "1,001 proxies",
        config: { ...ok, proxies: Array.from({ length: 1001 }, (_, i) => ({ vendor: "posthog", domain: `e${i}.example.com` })) },
        key: "proxies",
        says: /at most 1000 proxies per stack.*got 1001 entries/,
    },
    { title: "a 10,000-character name", config: withProxy({ vendor: "posthog", name: long(10_000), domain: "e.example.com" }), key: "proxies[0].name", says: /1-40 lower-case letters.*\(got "a{70,}\.\.\.\)$/ },
    { title: "a 10,000-character zone id", config: { ...ok, dns: { provider: "route53", zoneId: long(10_000) } }, key: "dns.zoneId", says: /at most 64 characters/ },
    { title: "a 300-character tag value", config: { ...ok, cloudfront: { tags: { team: long(300) } } }, key: "cloudfront.tags.team", says: /at most 256 characters/ },

    {
        title: "JSON nested 100,000 levels deep",
        config: ok,
        extra: { "first-party-proxy:proxies": `[{"vendor":"posthog","domain":${"[".repeat(100_000)}${"]".repeat(100_000)}}]` },
        key: "proxies[0].domain",
        says: /nested more than 16 levels deep|too deeply nested/,
    },

    // Prototype pollution and look-alike keys
    { title: "__proto__ in a proxy", config: { ...ok, proxies: [JSON.parse('{"vendor":"posthog","domain":"e.example.com","__proto__":{"admin":true}}')] }, key: "proxies[0].__proto__", says: /not allowed anywhere in the config/ },
    { title: "__proto__ as a tag", config: { ...ok, cloudfront: JSON.parse('{"tags":{"__proto__":"x"}}') }, key: "cloudfront.tags.__proto__", says: /not allowed anywhere in the config/ },
    { title: "constructor in a proxy", config: withProxy({ vendor: "posthog", domain: "e.example.com", constructor: "x" }), key: "proxies[0].constructor", says: /unknown key; allowed keys for a posthog proxy: vendor, name, region, domain/ },
    { title: "__proto__ as a config key", config: ok, extra: { "first-party-proxy:__proto__": '{"polluted":true}' }, key: "__proto__", says: /unknown key; allowed keys for the project: provider, dns, cloudflare, cloudfront, proxies/ },
    { title: "a misspelt config key", config: ok, extra: { "first-party-proxy:proxy": "[]" }, key: "proxy", says: /did you mean proxies\?/ },

    // Null and lists where mappings belong, invalid JSON text
    { title: "cloudflare settings are null", config: cloudflareStack(null), key: "cloudflare", says: /got null; expected a mapping/ },
    { title: "cloudfront settings are a list", config: { ...ok, cloudfront: ["PriceClass_100"] }, key: "cloudfront", says: /expected a mapping/ },
    { title: "proxies as broken JSON text", config: { ...ok, proxies: '[{"vendor": "posthog", "domain": ' }, key: "proxies", says: /must be a list of mappings/ },
    { title: "cloudflare as broken JSON text", config: cloudflareStack("{mode: worker"), key: "cloudflare", says: /must be a mapping \{accountId/ },

    // Combinations that cannot work
    { title: "Page Rule Host override without Enterprise", config: cloudflareStack({ mode: "pageRule" }), key: "cloudflare.enterprise", says: /set cloudflare\.enterprise: true/ },
    { title: "Cloudflare CDN with Route 53 DNS", config: cloudflareStack({ accountId: "0123456789abcdef0123456789abcdef" }, { dns: zone }), key: "dns.provider", says: /dns\.provider must be cloudflare/ },
    { title: "an unknown Cloudflare mode", config: cloudflareStack({ mode: "spectrum", accountId: "0123456789abcdef0123456789abcdef" }), key: "cloudflare.mode", says: /got "spectrum"; allowed: worker \| pageRule/ },
    { title: "an unknown Worker scripts mode", config: cloudflareStack({ accountId: "0123456789abcdef0123456789abcdef", workerScripts: "pooled" }), key: "cloudflare.workerScripts", says: /got "pooled"; allowed: perSite \| shared/ },
    { title: "a region for VTEX", config: withProxy({ vendor: "vtex", region: "eu", domain: "www.example.com" }), key: "proxies[0].region", says: /allowed keys for a vtex proxy: vendor, name, domain \(VTEX has no regions/ },
    { title: "Segment with one host and two", config: withProxy({ vendor: "segment", domain: "s.example.com", cdnDomain: "c.example.com", apiDomain: "a.example.com" }), key: "proxies[0].domain", says: /not both/ },
];

describe("bad input: refused by the real program, nothing registered", () => {
    it("has at least 40 cases", () => assert.ok(cases.length >= 40, `${cases.length} cases`));

    it("(control) the same harness sees the registrations of a valid config", async () => {
        const { error, registered } = await runProgram(ok);
        assert.strictEqual(error, undefined);
        assert.ok(registered > 5, `${registered} registrations`);
    });

    for (const c of cases) {
        it(c.title, async () => {
            const { error, registered } = await planRefused(c.config, c.extra);
            assert.strictEqual(error.name, "ConfigError", error.stack);
            const lines = error.message.split("\n").filter((l) => l.startsWith(`  - first-party-proxy:${c.key}: `));
            assert.ok(lines.length > 0, `the message names first-party-proxy:${c.key}:\n${error.message}`);
            assert.ok(lines.some((l) => c.says.test(l)), `${c.says} in:\n${lines.join("\n")}`);
            assert.strictEqual(registered, 0, "resources registered before the refusal");
        });
    }
});
