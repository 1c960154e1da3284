import * as assert from "assert";
import { matchesPathPattern, selectRouteIndex } from "../../components/model/pathPattern";

describe("matchesPathPattern (CloudFront path patterns)", () => {
    const cases: [string, string, boolean][] = [
        ["*", "/", true],
        ["*", "/anything/at/all?", true],
        ["/static/*", "/static/array.js", true],
        ["/static/*", "/static/", true],
        ["/static/*", "/static", false],
        ["/static/*", "/staticx/a.js", false],
        ["/static/*", "/Static/a.js", false],
        ["/static/*", "/x/static/a.js", false],
        ["static/*", "/static/a.js", true],
        ["/config*", "/config", true],
        ["/config*", "/config?x", true],
        ["/config*", "/configuration", true],
        ["/config*", "/conf", false],
        ["/images/*.jpg", "/images/a/b.jpg", true],
        ["/images/*.jpg", "/images/a/b.jpeg", false],
        ["/a?c", "/abc", true],
        ["/a?c", "/ac", false],
        ["/a?c", "/abbc", false],
        ["/*/x", "/a/b/x", true],
        ["/*/x", "/x", false],
        ["/a*b*c", "/aXXbYYc", true],
        ["/a*b*c", "/aXXcYYb", false],
        ["/.well-known/acme-challenge/*", "/.well-known/acme-challenge/tok", true],
        ["/.well-known/acme-challenge/*", "/.well-known/acme-challengeX", false],
    ];
    for (const [pattern, path, expected] of cases) {
        it(`${pattern} ${expected ? "matches" : "does not match"} ${path}`, () => {
            assert.strictEqual(matchesPathPattern(pattern, path), expected);
        });
    }

    it("handles long paths against many stars", () => {
        const path = "/" + "a".repeat(5000);
        assert.strictEqual(matchesPathPattern("/*a*a*a*a*a*a*a*a*b", path), false);
        assert.strictEqual(matchesPathPattern("/*a*a*a*a*a*a*a*a", path), true);
    });
});

describe("selectRouteIndex", () => {
    const patterns = ["/static/*", "/array/*", "*"];
    it("picks the first matching pattern, the default last", () => {
        assert.strictEqual(selectRouteIndex(patterns, "/static/array.js"), 0);
        assert.strictEqual(selectRouteIndex(patterns, "/array/phc_x/config"), 1);
        assert.strictEqual(selectRouteIndex(patterns, "/e/"), 2);
    });
    it("returns -1 when nothing matches", () => {
        assert.strictEqual(selectRouteIndex(["/a/*"], "/b"), -1);
    });
});
