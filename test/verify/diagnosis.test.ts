import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { evaluateSetCookie } from "../../components/verify/shared";
import { targetFromUrls } from "../../components/verify/targets";
import { evaluateTls } from "../../components/verify/tls";
import { CheckEnv, ProxyTarget } from "../../components/verify/types";

const target: ProxyTarget = { name: "p", vendor: "posthog", region: "eu", cdn: "cloudfront", host: "e.example.com" };
const env: CheckEnv = { target, cdn: "cloudfront", responsesFrom: () => [] };
const root = path.resolve(__dirname, "../..");

describe("verify says what is wrong", () => {
    it("--url keeps a port that is not the default, and drops the default one", () => {
        assert.equal((targetFromUrls({ url: "https://127.0.0.1:9", vendor: "posthog" }) as { host: string }).host, "127.0.0.1:9");
        assert.equal((targetFromUrls({ url: "https://e.example.com:443", vendor: "posthog" }) as { host: string }).host, "e.example.com");
        const segment = targetFromUrls({ vendor: "segment", cdnUrl: "https://cdn.example.com:8443", apiUrl: "https://api.example.com" });
        assert.deepEqual([(segment as { cdnHost: string }).cdnHost, (segment as { apiHost: string }).apiHost], ["cdn.example.com:8443", "api.example.com"]);
    });

    it("a name that does not resolve is a DNS problem, not a certificate one", () => {
        const row = evaluateTls("e.example.com", { handshake: "failed", error: "ENOTFOUND: getaddrinfo ENOTFOUND e.example.com", code: "ENOTFOUND" }, "cloudfront");
        assert.equal(row.ok, false);
        assert.match(row.detail, /e\.example\.com does not resolve \(DNS\)/);
        assert.match(row.fix, /Create the DNS records for e\.example\.com/);
        assert.doesNotMatch(row.fix, /certificate/i);
    });

    it("nothing listening (refused, timed out) is a connection problem, not a certificate one", () => {
        for (const report of [
            { handshake: "failed" as const, error: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9", code: "ECONNREFUSED" },
            { handshake: "failed" as const, error: "no TLS handshake within 3000 ms" },
        ]) {
            const row = evaluateTls("127.0.0.1:9", report, "cloudfront");
            assert.match(row.detail, /^no connection to 127\.0\.0\.1:9/);
            assert.doesNotMatch(row.fix, /certificate/i);
        }
        // A handshake that did start and failed is still a certificate/TLS matter.
        const tlsFailure = evaluateTls("e.example.com", { handshake: "failed", error: "EPROTO: wrong version number", code: "EPROTO" }, "cloudfront");
        assert.match(tlsFailure.fix, /ACM certificate/);
    });

    it("a check with nothing to check is skipped, not passed", () => {
        const none = evaluateSetCookie([], env);
        assert.equal(none.skipped, true);
        const refused = evaluateSetCookie([{ request: { method: "GET", url: "https://e.example.com/" }, status: 0, headers: {}, body: "", error: "ECONNREFUSED" }], env);
        assert.equal(refused.skipped, true);
        const one = evaluateSetCookie([{ request: { method: "GET", url: "https://e.example.com/" }, status: 200, headers: {}, body: "" }], env);
        assert.deepEqual([one.ok, one.skipped, one.detail], [true, undefined, "none on 1 response"]);
    });

    it("the command against https://127.0.0.1:9 connects to port 9, says so, and prints no Node warning", () => {
        const result = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "scripts/verify.ts", "--url", "https://127.0.0.1:9", "--vendor", "posthog", "--timeout", "3000", "--json"],
            { cwd: root, encoding: "utf8", timeout: 60_000 },
        );
        assert.equal(result.status, 1, result.stderr);
        assert.doesNotMatch(result.stderr, /Warning/);
        const rows: { check: string; ok: boolean; skipped?: boolean; detail: string; fix: string }[] = JSON.parse(result.stdout).rows;
        const tls = rows.find((r) => r.check === "tls")!;
        assert.match(tls.detail, /127\.0\.0\.1:9\b/);
        assert.doesNotMatch(tls.detail, /:443/);
        assert.doesNotMatch(tls.fix, /ACM certificate/);
        assert.equal(rows.find((r) => r.check === "no Set-Cookie from the proxy")!.skipped, true);
    });
});
