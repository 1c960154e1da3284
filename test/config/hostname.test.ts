import * as assert from "assert";
import { adBlockedLabel, hostnameProblem, isInZone } from "../../components/config/hostname";

describe("hostnameProblem", () => {
    for (const good of [
        "e.example.com",
        "example.com",
        "a-b.c1.example.co.uk",
        "xn--bcher-kva.example.com", // bücher.example.com in punycode
        "shop.xn--e1afmkfd.xn--p1ai", // пример.рф
        `${"a".repeat(63)}.example.com`,
    ]) {
        it(`accepts ${good}`, () => assert.strictEqual(hostnameProblem(good), undefined));
    }

    const bad: [string, string, RegExp][] = [
        ["empty", "", /is empty/],
        ["longer than 253", `${"a.".repeat(130)}com`, /at most 253/],
        ["raw unicode, with the punycode to write instead", "bücher.example.com", /punycode \(xn--bcher-kva\.example\.com\)/],
        ["a blank", "e .example.com", /non-ASCII or blank/],
        ["upper case", "E.Example.com", /lower case \(e\.example\.com\)/],
        ["a wildcard", "*.example.com", /wildcard/],
        ["a trailing dot", "e.example.com.", /trailing dot/],
        ["a URL, naming its host", "https://e.example.com/x", /URL; give the bare hostname \(e\.example\.com\)/],
        ["a path", "e.example.com/ingest", /path/],
        ["a port", "e.example.com:443", /port/],
        ["one label", "localhost", /fully qualified/],
        ["an empty label", "e..example.com", /empty label/],
        ["a label over 63", `${"a".repeat(64)}.example.com`, /invalid label/],
        ["a leading hyphen", "-e.example.com", /invalid label "-e"/],
        ["an underscore", "e_1.example.com", /invalid label "e_1"/],
        ["an IP address", "192.0.2.1", /IP address/],
        ["invalid punycode", "xn--zz.example.com", /"xn--zz", which is not valid punycode/],
        ["punycode that decodes to nothing", "xn--a.example.com", /"xn--a", which is not valid punycode/],
    ];
    for (const [what, value, message] of bad) {
        it(`refuses ${what}`, () => assert.match(hostnameProblem(value) ?? "(accepted)", message));
    }
});

describe("isInZone", () => {
    it("holds the apex and names below it, not names that merely end alike", () => {
        assert.ok(isInZone("example.com", "example.com"));
        assert.ok(isInZone("a.b.example.com", "example.com"));
        assert.ok(!isInZone("notexample.com", "example.com"));
        assert.ok(!isInZone("example.com.evil.net", "example.com"));
    });
});

describe("adBlockedLabel", () => {
    it("finds whole labels ad blockers match, not substrings", () => {
        assert.strictEqual(adBlockedLabel("ph.example.com"), "ph");
        assert.strictEqual(adBlockedLabel("analytics.example.com"), "analytics");
        assert.strictEqual(adBlockedLabel("e.stats.example.com"), "stats");
        assert.strictEqual(adBlockedLabel("graph.example.com"), undefined);
        assert.strictEqual(adBlockedLabel("e.example.com"), undefined);
    });
});
