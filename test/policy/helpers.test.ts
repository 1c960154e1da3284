import * as assert from "assert";
import { certificateCovers } from "../../policy/certificates";
import { bareHttpsHost, expressionMayMatchPath, pageTargetCovers } from "../../policy/cloudflare";

describe("policy helpers", () => {
    it("certificateCovers: exact names, and wildcards one label deep", () => {
        assert.ok(certificateCovers("e.example.com", "e.example.com"));
        assert.ok(certificateCovers("E.example.com.", "e.example.com"));
        assert.ok(certificateCovers("*.example.com", "e.example.com"));
        assert.ok(!certificateCovers("*.example.com", "a.e.example.com"));
        assert.ok(!certificateCovers("*.example.com", "example.com"));
        assert.ok(!certificateCovers("example.com", "e.example.com"));
    });

    it("pageTargetCovers: a catch-all covers the specific rules of its host, not other hosts or the reverse", () => {
        assert.ok(pageTargetCovers("s.example.com/*", "s.example.com/analytics.js/*"));
        assert.ok(pageTargetCovers("*s.example.com/*", "https://s.example.com/v1/*"));
        assert.ok(!pageTargetCovers("s.example.com/analytics.js/*", "s.example.com/*"));
        assert.ok(!pageTargetCovers("s.example.com/*", "e.example.com/*"));
        assert.ok(!pageTargetCovers("r.example.com/config*", "r.example.com/*"));
        assert.ok(pageTargetCovers("r.example.com/*", "r.example.com/config*"));
    });

    it("expressionMayMatchPath: whether a redirect rule can catch the ACME challenge", () => {
        const acme = "/.well-known/acme-challenge/";
        const host = "www.example.com";
        assert.ok(expressionMayMatchPath('(http.host eq "www.example.com" and not ssl)', host, acme));
        assert.ok(!expressionMayMatchPath(`(http.host eq "www.example.com" and not starts_with(http.request.uri.path, "${acme}") and not ssl)`, host, acme));
        assert.ok(!expressionMayMatchPath('(http.host eq "www.example.com" and starts_with(http.request.uri.path, "/static/") and not ssl)', host, acme));
        assert.ok(expressionMayMatchPath('(http.host eq "www.example.com" and starts_with(http.request.uri.path, "/.well-known/") and not ssl)', host, acme));
        assert.ok(!expressionMayMatchPath('(http.host eq "www.example.com" and http.request.uri.path eq "/robots.txt")', host, acme));
        assert.ok(!expressionMayMatchPath('(http.host eq "shop.example.com" and not ssl)', host, acme));
        // Rules shared by every store of one shape name the hostnames in a set.
        assert.ok(expressionMayMatchPath('(http.host in {"shop.example.com" "www.example.com"} and not ssl)', host, acme));
        assert.ok(!expressionMayMatchPath(`(http.host in {"shop.example.com" "www.example.com"} and not starts_with(http.request.uri.path, "${acme}") and not ssl)`, host, acme));
        assert.ok(!expressionMayMatchPath('(http.host in {"shop.example.com" "www.example.com.br"} and not ssl)', host, acme));
    });

    it("bareHttpsHost: only https://<host>, nothing else", () => {
        assert.strictEqual(bareHttpsHost("https://api.segment.io"), "api.segment.io");
        assert.strictEqual(bareHttpsHost("https://api.segment.io/"), "api.segment.io");
        for (const bad of ["http://api.segment.io", "https://api.segment.io/v1", "https://api.segment.io:8443", "https://u:p@api.segment.io", "https://api.segment.io?x=1", "api.segment.io", 42]) {
            assert.strictEqual(bareHttpsHost(bad), undefined, String(bad));
        }
    });
});
