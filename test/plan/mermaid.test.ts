import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { project } from "../../components/config/load";
import { Plan, planProgram } from "../../components/plan/mockPlan";
import { diagramModel, DiagramProxy, mermaidOf, renderMermaid } from "../../components/plan/renderMermaid";
import { readStackSettings } from "../../components/plan/stackSettings";
import { derivedPathPrefix } from "../../components/model/publicPaths";
import { buildStack } from "../../components/stack";
import { blockText, diagrams, readBlock, replaceBlocks, staleBlocks } from "../../scripts/docs";

/*
 * The Mermaid view of a plan: hostnames → CDN → routes in order → origins, read from the planned resources. The
 * README's two diagrams must be exactly what the generator prints now.
 */

const root = path.resolve(__dirname, "../..");

const planFile = (file: string, stack: string): Promise<Plan> =>
    planProgram(readStackSettings(path.join(root, file)), () => buildStack(), { project, stack });

/** `npm run plan -- <args>`, asynchronously so the in-process plans run meanwhile. */
const planCli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", ...args],
            { cwd: root, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, maxBuffer: 16 << 20 },
            (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
        ),
    );

const proxy = (model: DiagramProxy[], name: string): DiagramProxy => {
    const found = model.find((p) => p.name === name);
    assert.ok(found, `no proxy ${name} in ${model.map((p) => p.name).join(", ")}`);
    return found;
};
const routesOf = (p: DiagramProxy, cdn = 0) => p.cdns[cdn].routes.map((r) => [r.pattern, r.origin, r.note]);

describe("plan --mermaid", function () {
    let dev: Plan;
    let cloudflare: Plan;
    let cli: Promise<{ code: number; stdout: string; stderr: string }>;
    before(async () => {
        cli = planCli(["--stack", "dev", "--mermaid"]);
        dev = await planFile("Pulumi.dev.yaml", "dev");
        cloudflare = await planFile("examples/cloudflare-worker.yaml", "cloudflare-worker");
    });

    it("CloudFront (Pulumi.dev.yaml): aliases → distribution → behaviours in order → origins", () => {
        const model = diagramModel(dev);
        assert.deepEqual(
            model.map((p) => [p.name, p.component, p.cdns.length]),
            [
                ["amplitude-r-example-com", "CloudFrontProxy", 1],
                ["posthog-e-example-com", "CloudFrontProxy", 1],
                ["segment-s-example-com", "CloudFrontProxy", 1],
                ["segment-split", "CloudFrontProxy", 2],
                ["vtex-www-example-com", "CloudFrontProxy", 1],
            ],
        );
        const posthog = proxy(model, "posthog-e-example-com");
        assert.equal(posthog.cdns[0].label, "CloudFront distribution<br/>posthog-e-example-com-distribution");
        assert.deepEqual(posthog.cdns[0].hosts, [{ host: "e.example.com", via: "Route 53 alias" }]);
        const k = derivedPathPrefix("dev", "posthog-e-example-com");
        // Public paths under the proxy's prefix, each rewritten to PostHog's path by the viewer-request function.
        assert.deepEqual(routesOf(posthog), [
            [`${k}/static/*`, "https://eu-assets.i.posthog.com", "as /static/*"],
            [`${k}/array/*`, "https://eu-assets.i.posthog.com", "as /array/*"],
            [`${k}/*`, "https://eu.i.posthog.com", "as /*"],
            ["*", "https://eu.i.posthog.com", "404 at the edge"],
        ]);
        assert.deepEqual(routesOf(proxy(model, "vtex-www-example-com")), [
            ["/.well-known/acme-challenge/*", "http://www.example.com.cdn.vtex.com", "HTTP allowed"],
            ["*", "https://www.example.com.cdn.vtex.com", undefined],
        ]);
        assert.deepEqual(
            proxy(model, "segment-split").cdns.map((c) => [c.hosts[0].host, c.routes[0].origin]),
            [
                ["api.example.com", "https://api.segment.io"],
                ["cdn.example.com", "https://cdn.segment.com"],
            ],
        );

        const text = renderMermaid(dev);
        assert.match(text, /^flowchart LR\n/);
        assert.match(text, /p2c1h1\(\["e\.example\.com"\]\) -->\|"Route 53 alias"\| p2c1\n/);
        assert.ok(
            text.includes(
                `p2c1 -->|"1"| p2c1r1["${k}/static/*<br/>as /static/*"]\n        p2c1 -->|"2"| p2c1r2["${k}/array/*<br/>as /array/*"]\n        p2c1 -->|"3"| p2c1r3["${k}/*<br/>as /*"]\n        p2c1 -->|"4"| p2c1r4["default (*)<br/>404 at the edge"]`,
            ),
            text,
        );
        assert.match(text, /\n {4}(o\d+)\[\("https:\/\/eu-assets\.i\.posthog\.com"\)\][\s\S]*\n {4}p2c1r1 --> \1\n {4}p2c1r2 --> \1\n/);
    });

    it("shows what the plan registers, not what the model says", () => {
        const edited: Plan = {
            ...dev,
            resources: dev.resources.map((r) =>
                r.name === "posthog-e-example-com-distribution"
                    ? { ...r, inputs: { ...r.inputs, orderedCacheBehaviors: (r.inputs.orderedCacheBehaviors as { pathPattern: string }[]).filter((b) => !b.pathPattern.endsWith("/array/*")) } }
                    : r,
            ),
        };
        const k = derivedPathPrefix("dev", "posthog-e-example-com");
        assert.deepEqual(
            routesOf(proxy(diagramModel(edited), "posthog-e-example-com")).map(([pattern]) => pattern),
            [`${k}/static/*`, `${k}/*`, "*"],
        );
    });

    it("Cloudflare Workers (examples/cloudflare-worker.yaml): Worker routes → Worker → its SETTINGS routes; VTEX as proxied DNS", () => {
        const model = diagramModel(cloudflare);
        const posthogEu = proxy(model, "posthog-e-eu-example-com");
        assert.equal(posthogEu.component, "WorkerProxy");
        assert.equal(posthogEu.cdns[0].label, "Worker<br/>cloudflare-worker-posthog-e-eu-example-com");
        // The hostname's proxied record only brings requests to the route: it is not drawn as proxied DNS of its own.
        assert.deepEqual(posthogEu.cdns.map((c) => c.kind), ["worker"]);
        assert.deepEqual(posthogEu.cdns[0].hosts, [{ host: "e.eu.example.com", via: "Workers route e.eu.example.com/*" }]);
        // The assets routes' CORS and security headers come from the zone's response header rules, not the Worker.
        const k = derivedPathPrefix("cloudflare-worker", "posthog-e-eu-example-com");
        assert.deepEqual(
            routesOf(posthogEu).map(([pattern, origin, note]) => [pattern, origin, note?.replace(/as [^,]*, /, "")]),
            [
                [`${k}/static/*`, "https://eu-assets.i.posthog.com", "edge CORS (zone header rules)"],
                [`${k}/array/*`, "https://eu-assets.i.posthog.com", "edge CORS (zone header rules)"],
                [`${k}/*`, "https://eu.i.posthog.com", posthogEu.cdns[0].routes[2].note],
                ["*", "https://eu.i.posthog.com", posthogEu.cdns[0].routes[3].note],
            ],
        );
        const s = derivedPathPrefix("cloudflare-worker", "segment-eu");
        assert.deepEqual(
            proxy(model, "segment-eu").cdns.map((c) => [c.hosts[0].host, routesOf({ ...proxy(model, "segment-eu"), cdns: [c] }).map(([pattern, origin]) => [pattern, origin])]),
            [
                ["api.eu.example.com", [[`${s}/*`, "https://events.eu1.segmentapis.com"], ["*", "https://events.eu1.segmentapis.com"]]],
                ["cdn.eu.example.com", [[`${s}/lib/*`, "https://cdn.segment.com"], [`${s}/*`, "https://cdn.segment.com"], ["*", "https://cdn.segment.com"]]],
            ],
        );
        const vtex = proxy(model, "vtex-www-example-com");
        assert.equal(vtex.component, "CnameProxy");
        assert.equal(vtex.cdns[0].kind, "proxiedDns");
        assert.deepEqual(vtex.cdns[0].hosts, [{ host: "www.example.com", via: "proxied CNAME to www.example.com.cdn.vtex.com" }]);
        // The zone's rules shared by every store of VTEX's shape, in phase order.
        assert.strictEqual(
            vtex.cdns[0].label,
            "Cloudflare proxied DNS<br/>rule: HTTP to HTTPS, paths: not /.well-known/acme-challenge/*<br/>rule: Full (strict) TLS to the origin<br/>rule: never cached",
        );
    });

    it("Cloudflare Page Rules in priority order, and Segment's managed Custom Domain as DNS only", async () => {
        const pageRules = diagramModel(await planFile("examples/cloudflare-page-rule.yaml", "cloudflare-page-rule"));
        const segment = proxy(pageRules, "segment-s-example-com");
        assert.equal(segment.cdns[0].kind, "pageRules");
        assert.deepEqual(segment.cdns[0].hosts, [{ host: "s.example.com", via: "proxied CNAME to api.segment.io" }]);
        assert.deepEqual(
            segment.cdns[0].routes.map((r) => [r.pattern, r.origin]),
            [
                ["/analytics.js/*", "https://cdn.segment.com"],
                ["/v1/projects/*", "https://cdn.segment.com"],
                ["/next-integrations/*", "https://cdn.segment.com"],
                ["/analytics-next/*", "https://cdn.segment.com"],
                ["/*", "https://api.segment.io"],
            ],
        );

        const managed = diagramModel(await planFile("examples/segment-managed.yaml", "segment-managed"));
        assert.deepEqual(
            managed.map((p) => p.cdns.map((c) => [c.kind, c.hosts[0].host, c.hosts[0].via, c.routes[0].origin])),
            [
                [
                    ["dnsOnly", "cdn.example.com", "CNAME", "cdn-abc123.segment-custom.example.net"],
                    ["dnsOnly", "api.example.com", "CNAME", "api-abc123.segment-custom.example.net"],
                ],
                [["dnsOnly", "seg.example.com", "NS", "ns-1.segment-dns.example.net, ns-2.segment-dns.example.net"]],
            ],
        );
    });

    it("writes only statements Mermaid's flowchart grammar knows, with unique ids and escaped labels", () => {
        const text = mermaidOf([
            {
                name: 'odd "name" <x>',
                component: "CloudFrontProxy",
                cdns: [{ kind: "cloudfront", label: "CloudFront<br/>d", hosts: [{ host: "a.example.com", via: "CNAME" }], routes: [{ pattern: "*", origin: "https://o.example.com" }] }],
            },
        ]);
        assert.match(text, /subgraph p1\["odd #quot;name#quot; #lt;x#gt; · CloudFrontProxy"\]/);
        for (const t of [text, renderMermaid(dev), renderMermaid(cloudflare)]) {
            const defined = new Set<string>();
            for (const line of t.split("\n").slice(1)) {
                assert.match(
                    line,
                    /^ *(subgraph \w+\["[^"]*"\]|direction LR|end|\w+\["[^"]*"\]|\w+\(\["[^"]*"\]\) -->\|"[^"]*"\| \w+|\w+ -->\|"\d+"\| \w+\["[^"]*"\]|\w+\[\("[^"]*"\)\]|\w+ -->( \|"[^"]*"\|)? \w+)$/,
                    `not a known statement: ${line}`,
                );
                const id = /^ *(?:subgraph )?(\w+)[[(]/.exec(line)?.[1] ?? / -->\|"\d+"\| (\w+)\[/.exec(line)?.[1];
                if (id) {
                    assert.ok(!defined.has(id), `node ${id} defined twice`);
                    defined.add(id);
                }
            }
        }
    });

    it("`npm run plan -- --stack dev --mermaid` prints the same diagram", async () => {
        const { code, stdout, stderr } = await cli;
        assert.equal(code, 0, stderr);
        assert.equal(stdout, renderMermaid(dev) + "\n");
    });

    it("README.md's diagrams are the generator's output", () => {
        const blocks = { dev: blockText(diagrams[0], renderMermaid(dev)), cloudflare: blockText(diagrams[1], renderMermaid(cloudflare)) };
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        assert.deepEqual(staleBlocks(readme, blocks), [], "README.md's diagrams are stale: run npm run docs");
        assert.match(readBlock(readme, "cloudflare")!, /```mermaid\nflowchart LR\n[\s\S]*Workers route [\s\S]*```\n$/);
    });

    it("npm run docs replaces only the text between the markers, and is idempotent", () => {
        const blocks = { dev: blockText(diagrams[0], renderMermaid(dev)), cloudflare: blockText(diagrams[1], renderMermaid(cloudflare)) };
        const text = "intro\n<!-- mermaid:dev:start -->\nhand-drawn\n<!-- mermaid:dev:end -->\nmiddle\n<!-- mermaid:cloudflare:start -->\n<!-- mermaid:cloudflare:end -->\nend\n";
        assert.deepEqual(staleBlocks(text, blocks), ["dev", "cloudflare"]);
        const updated = replaceBlocks(text, blocks);
        assert.deepEqual(staleBlocks(updated, blocks), []);
        assert.equal(replaceBlocks(updated, blocks), updated);
        assert.ok(updated.startsWith("intro\n") && updated.includes("\nmiddle\n") && updated.endsWith("\nend\n"));
        assert.throws(() => replaceBlocks("no markers", blocks), /README has no <!-- mermaid:dev:start -->/);
    });
});
