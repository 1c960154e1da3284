import * as assert from "assert";
import { loadEngine, UboEngine } from "../../blockers/engine";
import { parseStackConfig } from "../../components/config/load";
import { blockedPathSegments } from "../../components/model/blockedPathSegments";
import { blockedSegmentFilter, derivedPathPrefix } from "../../components/model/publicPaths";

/*
 * The table of path segments the plan warns about (components/model/blockedPathSegments.ts, generated from uBO's
 * default lists) is checked with uBlock Origin's own engine loaded with exactly those filters: each entry's filter
 * blocks its segment on a first-party host, and no derived prefix is blocked by any of them.
 */

const page = "https://www.example.com/";
const typeOf = (filter: string) => (/\$script\b/.test(filter) ? "script" : /\$image\b/.test(filter) ? "image" : /\$ping\b/.test(filter) ? "ping" : "xmlhttprequest");

describe("path segments blockers match (pathPrefix warnings)", () => {
    let engine: UboEngine;
    const entries = Object.entries(blockedPathSegments).map(([segment, cited]) => {
        const [list, ...rest] = cited.split(": ");
        return { segment, list, filter: rest.join(": ") };
    });
    before(async () => {
        const byList = new Map<string, string[]>();
        for (const e of entries) byList.set(e.list, [...(byList.get(e.list) ?? []), e.filter]);
        engine = await loadEngine([...byList].map(([name, filters]) => ({ name, raw: filters.join("\n") })));
    });

    it("holds real filters: each blocks its segment under a proxy's hostname, for the request type it names", () => {
        assert.ok(entries.length > 100, `${entries.length} segments`);
        for (const e of entries) {
            const url = `https://e.example.com/k7/${e.segment}/x/y`;
            const verdict = engine.match(page, url, typeOf(e.filter));
            assert.strictEqual(verdict.blocked, true, `${e.filter} on ${url}`);
        }
    });

    it("warns on a pathPrefix segment in the table, naming the filter, and not on neutral ones", () => {
        const { warnings } = parseStackConfig({
            provider: "aws",
            dns: { provider: "route53", zone: "example.com" },
            proxies: [
                { vendor: "posthog", domain: "e.example.com", pathPrefix: "/k7/_tracking" },
                { vendor: "posthog", domain: "f.example.com", pathPrefix: "/k7" },
            ],
        });
        assert.deepStrictEqual(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /^first-party-proxy:proxies\[0\]\.pathPrefix: \/k7\/_tracking has the segment "_tracking", which uBlock Origin's default lists block on any hostname \(easyprivacy: \/_tracking\/\*\)/);
        assert.strictEqual(blockedSegmentFilter("SnowPlow"), blockedPathSegments.snowplow);
    });

    it("derives prefixes that none of those filters block", () => {
        for (let i = 0; i < 500; i++) {
            const prefix = derivedPathPrefix("prod", `proxy-${i}`);
            for (const type of ["script", "xmlhttprequest", "image", "ping"] as const) {
                assert.strictEqual(engine.match(page, `https://e.example.com${prefix}/x`, type).blocked, false, prefix);
            }
        }
    });
});
