import * as assert from "assert";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { rewritePath } from "../../components/model/pathRewrite";
import { selectRouteIndex } from "../../components/model/pathPattern";
import { buildProxySpec } from "../../components/model/proxySpec";
import { sdkSnippet } from "../../components/model/sdk";
import { Site } from "../../components/model/types";
import { plausible } from "../../components/vendors";
import { evaluateEvent, evaluateScript, plausibleChecks } from "../../components/verify/plausible";
import { targetFromUrls, targetsFromOutputs } from "../../components/verify/targets";
import { CheckEnv, ProbeResponse } from "../../components/verify/types";

function specOf(proxy: Record<string, unknown>) {
    const { config } = parseStackConfig({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies: [proxy] });
    return buildProxySpec(proxyRequests(config, "dev")[0]);
}

/** Where `path` goes on `site`: the origin and the path it sees, or 404 from the edge. */
function upstream(site: Site, path: string): string {
    const route = site.routes[selectRouteIndex(site.routes.map((r) => r.pathPattern), path)];
    if (route.answer === "notFound") return "404";
    return `${site.origins.find((o) => o.id === route.originId)!.domain}${rewritePath(route.rewrite, path)}`;
}

describe("Plausible preset (Proxying Plausible through CloudFront)", () => {
    it("sends the script and the event API to plausible.io with its own Host, the client IP and User-Agent, no cookies", () => {
        const site = specOf({ vendor: "plausible", domain: "p.example.com", paths: "vendor" }).sites[0];
        assert.deepStrictEqual(site.origins, [
            { id: "main", domain: "plausible.io", protocol: "https", host: "origin", forwardClientIp: true, clientIp: "forward", cookies: "strip" },
        ]);
        const [script, rest] = site.routes;
        assert.deepStrictEqual([script.pathPattern, script.methods, script.cache], ["/js/*", "read", { mode: "optimized" }]);
        assert.deepStrictEqual([rest.pathPattern, rest.methods, rest.cache], ["*", "all", { mode: "disabled" }]);
        // Plausible hashes the address and User-Agent: CloudFront replaces User-Agent unless the policy forwards it.
        assert.deepStrictEqual(rest.forward, { mode: "custom", headers: ["Origin", "User-Agent"], queryStrings: "all" });
        assert.strictEqual(upstream(site, "/api/event"), "plausible.io/api/event");
        assert.strictEqual(upstream(site, "/js/script.js"), "plausible.io/js/script.js");
    });

    it("takes no region (plausible.io is its one host)", () => {
        assert.throws(() => specOf({ vendor: "plausible", region: "eu", domain: "p.example.com" }), /proxies\[0\]: unknown key region|region/);
        assert.strictEqual(specOf({ vendor: "plausible", domain: "p.example.com" }).region, "us");
    });

    it("serves the script as js/s.<extensions>.js in the public layout (EasyPrivacy lists script.tagged-events.js and script.pageview-props.)", () => {
        const spec = specOf({ vendor: "plausible", domain: "p.example.com", pathPrefix: "/k7" });
        assert.deepStrictEqual(spec.sdk, { vendor: "plausible", scriptSrc: "https://p.example.com/k7/js/s.js", apiEndpoint: "https://p.example.com/k7/api/event" });
        const site = spec.sites[0];
        assert.strictEqual(upstream(site, "/k7/js/s.tagged-events.js"), "plausible.io/js/script.tagged-events.js");
        assert.strictEqual(upstream(site, "/k7/js/pa-AbC123.js"), "plausible.io/js/pa-AbC123.js");
        assert.strictEqual(upstream(site, "/k7/api/event"), "plausible.io/api/event");
        assert.strictEqual(upstream(site, "/api/event"), "404");
        assert.deepStrictEqual(plausible.publicRenames.map((r) => [r.vendor, r.public]), [["/js/script.", "/js/s."]]);
        const snippet = sdkSnippet(spec.sdk);
        assert.match(snippet, /<script defer data-domain="<your site>" data-api="https:\/\/p\.example\.com\/k7\/api\/event" src="https:\/\/p\.example\.com\/k7\/js\/s\.js"><\/script>/);
        assert.match(snippet, /endpoint: "https:\/\/p\.example\.com\/k7\/api\/event"/);
    });
});

describe("verify: Plausible", () => {
    const target = { name: "plausible", vendor: "plausible", region: "us", cdn: "cloudflare", host: "p.example.com", scriptPath: "/k7/js/s.js", eventPath: "/k7/api/event" } as const;
    const env: CheckEnv = { target, cdn: "cloudflare", responsesFrom: () => [] };
    const answer = (status: number, headers: Record<string, string>, body = ""): ProbeResponse => ({
        request: { method: "POST", url: "https://p.example.com/k7/api/event" },
        status,
        headers,
        body,
    });

    it("reads the public paths from the outputs, or Plausible's own under --url", () => {
        const { targets } = targetsFromOutputs({
            proxies: { plausible: { vendor: "plausible", cdn: "cloudflare-worker", sdk: { scriptSrc: "https://p.example.com/k7/js/s.js", apiEndpoint: "https://p.example.com/k7/api/event" } } },
        });
        assert.deepStrictEqual(targets, [{ ...target, region: "us" }]);
        const byUrl = targetFromUrls({ vendor: "plausible", url: "https://p.example.com" });
        assert.ok(byUrl.vendor === "plausible" && byUrl.scriptPath === "/js/script.js" && byUrl.eventPath === "/api/event");
    });

    it("sends the test pageview for --site only, with a browser User-Agent", () => {
        const withSite = plausibleChecks(target, { origin: "https://www.example.com", sendTestEvent: true, site: "example.com" });
        const event = withSite.find((c) => c.check.startsWith("POST"))!;
        assert.strictEqual(event.requests.length, 1);
        assert.deepStrictEqual(JSON.parse(event.requests[0].body!), { n: "pageview", u: "https://example.com/first-party-proxy-verify", d: "example.com", r: null });
        assert.match(event.requests[0].headers!["user-agent"], /Mozilla/);
        const noSite = plausibleChecks(target, { origin: "https://www.example.com", sendTestEvent: true }).find((c) => c.check.startsWith("POST"))!;
        assert.strictEqual(noSite.requests.length, 0);
        assert.ok(noSite.evaluate([], env).skipped);
    });

    it("fails an event Plausible answered 202 with x-plausible-dropped, naming X-Forwarded-For", () => {
        assert.ok(evaluateEvent(answer(202, { "content-type": "text/plain" }, "ok"), env).ok);
        const dropped = evaluateEvent(answer(202, { "content-type": "text/plain", "x-plausible-dropped": "1" }, "ok"), env);
        assert.ok(!dropped.ok);
        assert.match(dropped.fix, /X-Forwarded-For/);
        assert.ok(evaluateScript(answer(200, { "content-type": "application/javascript" }), env).ok);
        assert.ok(!evaluateScript(answer(404, { "content-type": "text/html", "x-request-id": "1" }, "<html>"), env).ok);
    });
});
