import * as assert from "assert";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { project } from "../../components/config/load";
import { Plan, PlannedResource, planProgram } from "../../components/plan/mockPlan";
import { checkedAccountId } from "../../components/firstPartyProxy";
import { Cdn, FirstPartyProxy, FirstPartyProxyArgs, FirstPartyProxyArgsError, holdShareSeals, proxyOutputsOf } from "../../index";
import { accountId, T, zone } from "../cloudflare/fixtures";
import { customHeap } from "../helpers/config";
import { planConfig, TestConfig } from "../helpers/plan";

/*
 * FirstPartyProxy used from a program of one's own, through the package's main: the same resources as the stack
 * program for the same proxies (shared zone rules and page rule priorities included), arg errors named by arg path,
 * Outputs where an arg may be one, and resource options passed through.
 */

const typeToken = "first-party-proxy:index:FirstPartyProxy";

/** Plans a user program (not the stack program: no project config but the AWS region). */
const planUser = (program: () => unknown, stack = "user"): Promise<Plan> => planProgram({ "aws:region": "eu-west-1" }, program, { project, stack });

/** The plan with inputs only, FirstPartyProxy components aside: what two programs must agree on. */
const resourcesOf = (plan: Plan) =>
    plan.resources
        .map((r) => ({ urn: r.urn, provider: r.provider, inputs: r.inputs }))
        .sort((a, b) => a.urn.localeCompare(b.urn));

const cloudflareStack = (proxies: TestConfig[], cloudflareKeys: TestConfig = { accountId, mode: "worker" }): TestConfig => ({
    provider: "cloudflare",
    dns: { provider: "cloudflare", zone },
    cloudflare: cloudflareKeys,
    proxies,
});

/** Each `proxies` entry as a FirstPartyProxy in user code, named as the stack program names it. */
function userProgram(stack: TestConfig, names: string[]): () => Record<string, unknown> {
    return () => {
        const { proxies, ...choice } = stack as { proxies: TestConfig[] } & TestConfig;
        const created = proxies.map(({ name: _name, ...entry }, i) => new FirstPartyProxy(names[i], { ...entry, ...choice } as unknown as FirstPartyProxyArgs));
        return { proxies: pulumi.all(created.map(proxyOutputsOf)).apply((all) => Object.fromEntries(all.map((o, i) => [names[i], o]))) };
    };
}

describe("FirstPartyProxy from your own program", () => {
    describe("several proxies share what a zone must share, as the stack program does", () => {
        const workers = [
            { vendor: "posthog", region: "us", domain: "e.example.com" },
            { vendor: "amplitude", region: "eu", domain: "r.example.com", products: ["analytics", "sessionReplay"] },
            { vendor: "vtex", domain: "www.example.com" },
            { vendor: "segment", region: "us", domain: "s.example.com" },
        ];
        const names = ["posthog-e-example-com", "amplitude-r-example-com", "vtex-www-example-com", "segment-s-example-com"];

        for (const [what, stack] of [
            ["Workers (edge CORS rules naming both hostnames, VTEX's rules)", cloudflareStack(workers)],
            ["page rules (priorities unique in the zone)", cloudflareStack(workers, { mode: "pageRule", enterprise: true })],
            ["Workers with workerScripts: shared (one script per vendor layout)", cloudflareStack(workers, { accountId, mode: "worker", workerScripts: "shared" })],
        ] as const) {
            it(`Cloudflare ${what}: the same resources and inputs, and one ruleset per phase`, async () => {
                const fromConfig = await planConfig(stack, "same");
                const fromCode = await planUser(userProgram(stack, names), "same");
                assert.deepStrictEqual(resourcesOf(fromCode), resourcesOf(fromConfig));
                assert.deepStrictEqual(fromCode.outputs.proxies, fromConfig.outputs.proxies);
                const rulesets = fromCode.resources.filter((r) => r.type === T.ruleset);
                assert.strictEqual(new Set(rulesets.map((r) => r.inputs.phase)).size, rulesets.length, "one ruleset per phase");
                assert.strictEqual(fromCode.resources.filter((r) => r.type === T.zoneRules).length, 1);
                const priorities = fromCode.resources.filter((r) => r.type === T.pageRule).map((r) => r.inputs.priority);
                assert.strictEqual(new Set(priorities).size, priorities.length, "page rule priorities unique in the zone");
            });
        }

        it("zone-wide response header rules name every hostname, whichever proxy came first", async () => {
            const plan = await planUser(userProgram(cloudflareStack(workers), names));
            const headers = plan.resources.find((r) => r.type === T.ruleset && r.inputs.phase === "http_response_headers_transform")!;
            const cors = (headers.inputs.rules as { ref: string; expression: string }[]).find((r) => r.ref === "edge-cors-allow-origin")!;
            for (const host of ["e.example.com", "r.example.com"]) assert.ok(cors.expression.includes(`"${host}"`), host);
        });

        it("a proxy created after the zone's shared rules were settled (after an await, even of nothing) is refused, naming what to do", async () => {
            const program = async () => {
                new FirstPartyProxy("e", { vendor: "posthog", domain: "e.example.com", provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { accountId } });
                await Promise.resolve();
                new FirstPartyProxy("r", { vendor: "amplitude", domain: "r.example.com", provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { accountId } });
            };
            await assert.rejects(planUser(program), /r: the Cloudflare zone example\.com's shared rules were settled with e before r joined; create every FirstPartyProxy of a zone together, with no await between them/);
        });

        it("with holdShareSeals, proxies created across awaits (in batches) share the zone as if created together", async () => {
            const stack = cloudflareStack(workers);
            const { proxies, ...choice } = stack as { proxies: TestConfig[] } & TestConfig;
            const program = async () => {
                const release = holdShareSeals();
                const created: FirstPartyProxy[] = [];
                for (const [i, entry] of proxies.entries()) {
                    created.push(new FirstPartyProxy(names[i], { ...entry, ...choice } as unknown as FirstPartyProxyArgs));
                    await new Promise<void>((resolve) => setImmediate(resolve));
                }
                release();
                return { proxies: pulumi.all(created.map(proxyOutputsOf)).apply((all) => Object.fromEntries(all.map((o, i) => [names[i], o]))) };
            };
            const batched = await planUser(program, "same");
            assert.deepStrictEqual(resourcesOf(batched), resourcesOf(await planConfig(stack, "same")));
            const headers = batched.resources.find((r) => r.type === T.ruleset && r.inputs.phase === "http_response_headers_transform")!;
            const cors = (headers.inputs.rules as { ref: string; expression: string }[]).find((r) => r.ref === "edge-cors-allow-origin")!;
            for (const host of ["e.example.com", "r.example.com"]) assert.ok(cors.expression.includes(`"${host}"`), host);
        });

        it("workerScripts: shared — one script per vendor layout for the program; a bad value or another account is named", async () => {
            const posthog = (domain: string, keys: Record<string, unknown> = {}) =>
                ({ vendor: "posthog", domain, provider: Cdn.cloudflare, dns: { provider: "cloudflare", zone }, cloudflare: { accountId, workerScripts: "shared", ...keys } }) as FirstPartyProxyArgs;
            const plan = await planUser(() => [new FirstPartyProxy("a", posthog("a.example.com")), new FirstPartyProxy("b", posthog("b.example.com"))]);
            const scripts = plan.resources.filter((r) => r.type === T.script);
            // At the program's root, with the shares: no proxy owns it, so removing one never moves it.
            assert.deepStrictEqual(scripts.map((s) => s.urn), [`urn:pulumi:user::${project}::cloudflare:index/workersScript:WorkersScript::user-shared--posthog-main`]);
            assert.deepStrictEqual(plan.resources.filter((r) => r.type === T.route).map((r) => r.inputs.script), ["user-shared--posthog-main", "user-shared--posthog-main"]);
            await assert.rejects(
                planUser(() => new FirstPartyProxy("a", posthog("a.example.com", { workerScripts: "pooled" }))),
                /Invalid args for FirstPartyProxy "a" \(1 problem\); nothing was created:\n {2}- cloudflare\.workerScripts: got "pooled"; allowed: perSite \| shared/,
            );
            await assert.rejects(
                planUser(() => [new FirstPartyProxy("a", posthog("a.example.com")), new FirstPartyProxy("b", posthog("b.example.com", { accountId: "f".repeat(32) }))]),
                /FirstPartyProxy "b" \(1 problem\); nothing was created:\n {2}- cloudflare\.accountId: shared Worker scripts belong to one Cloudflare account, 0123456789abcdef0123456789abcdef \(FirstPartyProxy "a"\)/,
            );
        });

        it("CloudFront proxies share one us-east-1 provider and one name suffix", async () => {
            const aws = (domain: string) => ({ vendor: "posthog", domain, provider: Cdn.aws, dns: { provider: "route53", zone } }) as FirstPartyProxyArgs;
            const plan = await planUser(() => [new FirstPartyProxy("a", aws("a.example.com")), new FirstPartyProxy("b", aws("b.example.com"))]);
            assert.strictEqual(plan.resources.filter((r) => r.type === "pulumi:providers:aws").length, 1);
            assert.strictEqual(plan.resources.filter((r) => r.type === "random:index/randomId:RandomId").length, 1);
            const certificates = plan.resources.filter((r) => r.type === "aws:acm/certificate:Certificate");
            assert.strictEqual(new Set(certificates.map((c) => c.provider)).size, 1);
        });

        it("CloudFront proxies share the stack's policies (CloudFrontShared, one per distinct content) and Functions (one per distinct code), as the stack program does", async () => {
            const stack: TestConfig = {
                provider: "aws",
                dns: { provider: "route53", zone },
                proxies: [
                    { vendor: "posthog", region: "us", domain: "a.example.com" },
                    { vendor: "posthog", region: "eu", domain: "b.example.com" },
                    { vendor: "posthog", region: "us", domain: "c.example.com", pathPrefix: "/k7" },
                ],
            };
            const names = ["posthog-a-example-com", "posthog-b-example-com", "posthog-c-example-com"];
            const fromConfig = await planConfig(stack, "same");
            const fromCode = await planUser(userProgram(stack, names), "same");
            assert.deepStrictEqual(resourcesOf(fromCode), resourcesOf(fromConfig));
            const count = (type: string) => fromCode.resources.filter((r) => r.type === type).length;
            assert.strictEqual(count("first-party-proxy:aws:CloudFrontShared"), 1);
            assert.strictEqual(count("aws:cloudfront/distribution:Distribution"), 3);
            // PostHog's one keyed cache policy and one custom origin request policy, whatever the number of proxies.
            assert.strictEqual(count("aws:cloudfront/cachePolicy:CachePolicy"), 1);
            assert.strictEqual(count("aws:cloudfront/originRequestPolicy:OriginRequestPolicy"), 1);
            const functions = fromCode.resources.filter((r) => r.type === "aws:cloudfront/function:Function");
            assert.strictEqual(new Set(functions.map((f) => f.inputs.code)).size, functions.length, "one function per distinct code");
            const policies = fromCode.resources.filter((r) => r.type === "aws:cloudfront/cachePolicy:CachePolicy");
            assert.ok(policies.every((p) => p.parent?.endsWith("::cloudfront-shared")), "the policies are CloudFrontShared's children");
        });

        it("cloudfront.sharedPolicies reuses another stack's policies; proxies on one AWS provider must give the same", async () => {
            const plain = await planUser(() => new FirstPartyProxy("a", { vendor: "posthog", domain: "a.example.com", provider: Cdn.aws, dns: { provider: "route53", zone } }));
            const key = plain.resources.find((r) => r.type === "aws:cloudfront/cachePolicy:CachePolicy")!.name;
            const sharedPolicies = { [key]: "658327ea-f89d-4fab-a63d-7e88639e58f6" };
            const args = (domain: string, policies: Record<string, string>): FirstPartyProxyArgs => ({
                vendor: "posthog",
                domain,
                provider: Cdn.aws,
                dns: { provider: "route53", zone },
                cloudfront: { sharedPolicies: policies },
            });
            const reusing = await planUser(() => [new FirstPartyProxy("a", args("a.example.com", sharedPolicies)), new FirstPartyProxy("b", args("b.example.com", sharedPolicies))]);
            assert.strictEqual(reusing.resources.filter((r) => r.type === "aws:cloudfront/cachePolicy:CachePolicy").length, 0);
            const distributions = reusing.resources.filter((r) => r.type === "aws:cloudfront/distribution:Distribution");
            for (const d of distributions) {
                const ids = (d.inputs.orderedCacheBehaviors as { cachePolicyId: string }[]).map((b) => b.cachePolicyId);
                assert.ok(ids.includes(sharedPolicies[key]), "the other stack's policy id is used");
            }
            let registered: string[] = [];
            const error = await planProgram(
                { "aws:region": "eu-west-1" },
                () => [new FirstPartyProxy("a", args("a.example.com", sharedPolicies)), new FirstPartyProxy("b", args("b.example.com", {}))],
                { project, stack: "user", onRegister: (type, name) => registered.push(`${type}::${name}`) },
            ).then(
                () => assert.fail("accepted"),
                (e: Error) => e,
            );
            assert.ok(error instanceof FirstPartyProxyArgsError, String(error));
            assert.match(error.message, /FirstPartyProxy "b"[\s\S]*cloudfront\.sharedPolicies: every FirstPartyProxy on one AWS provider must give the same sharedPolicies/);
            assert.ok(!registered.some((r) => r.endsWith("::b") || r.includes("::b-")), `nothing of b is registered: ${registered.join(", ")}`);
        });

        it("provider quotas count the proxies of the program together: the one that would go over is refused before it registers, naming quotas.<id>", async () => {
            const args = (domain: string): FirstPartyProxyArgs => ({
                vendor: "amplitude",
                domain,
                provider: Cdn.aws,
                dns: { provider: "route53", zone },
                quotas: { cloudfrontDistributions: { limit: 3, used: 1 } },
            });
            const registered: string[] = [];
            const error = await planProgram(
                { "aws:region": "eu-west-1" },
                () => ["a", "b", "c"].map((n) => new FirstPartyProxy(n, args(`${n}.example.com`))),
                { project, stack: "user", onRegister: (type, name) => registered.push(`${type}::${name}`) },
            ).then(
                () => assert.fail("accepted"),
                (e: Error) => e,
            );
            assert.ok(error instanceof FirstPartyProxyArgsError, String(error));
            assert.match(error.message, /FirstPartyProxy "c"[\s\S]*quotas\.cloudfrontDistributions: with the FirstPartyProxys created before it: CloudFront distributions/);
            assert.ok(registered.includes(`${typeToken}::b`));
            assert.ok(!registered.some((r) => r.endsWith("::c") || r.includes("::c-")), `nothing of c is registered: ${registered.join(", ")}`);
            // Two fit (one distribution each, one held elsewhere): the same program with two proxies plans.
            const two = await planUser(() => ["a", "b"].map((n) => new FirstPartyProxy(n, args(`${n}.example.com`))));
            assert.strictEqual(two.resources.filter((r) => r.type === "aws:cloudfront/distribution:Distribution").length, 2);
        });

        it("one proxy's own quotas are checked with its args (here the account's Workers scripts), before anything is registered", async () => {
            const registered: string[] = [];
            const error = await planProgram(
                { "aws:region": "eu-west-1" },
                () =>
                    new FirstPartyProxy("e", {
                        vendor: "posthog",
                        domain: "e.example.com",
                        provider: Cdn.cloudflare,
                        dns: { provider: "cloudflare", zone },
                        cloudflare: { accountId, plan: "free" },
                        quotas: { workersScripts: { limit: 1, used: 1 } },
                    }),
                { project, stack: "user", onRegister: (type, name) => registered.push(`${type}::${name}`) },
            ).then(
                () => assert.fail("accepted"),
                (e: Error) => e,
            );
            assert.ok(error instanceof FirstPartyProxyArgsError, String(error));
            assert.match(error.message, /quotas\.workersScripts: /);
            assert.deepStrictEqual(registered, []);
        });
    });

    it("PostHog's managed reverse proxy (managed: proxy, stack config's managed: true) plans only its DNS-only CNAME", async () => {
        const plan = await planUser(() =>
            new FirstPartyProxy("ph", {
                vendor: "posthog",
                domain: "e.example.com",
                managed: "proxy",
                target: "4854cf84789d8596ad01.proxy-us.posthog.com",
                provider: Cdn.aws,
                dns: { provider: "cloudflare", zone },
            }),
        );
        const records = plan.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord");
        assert.deepStrictEqual(
            records.map((r) => [r.inputs.name, r.inputs.type, r.inputs.content, r.inputs.proxied]),
            [["e.example.com", "CNAME", "4854cf84789d8596ad01.proxy-us.posthog.com", false]],
        );
        assert.ok(plan.resources.some((r) => r.type === "first-party-proxy:dns:PostHogManagedProxy"), plan.resources.map((r) => r.type).join(", "));
    });

    it("Google tag gateway on Cloudflare: the zone's one setting, as the stack program plans it; a second gateway in the zone is refused before it registers", async () => {
        const stack: TestConfig = { ...cloudflareStack([{ vendor: "google", domain: "www.example.com", tagId: "G-ABC123XYZ9" }]) };
        const fromConfig = await planConfig(stack, "same");
        const fromCode = await planUser(userProgram(stack, ["google-www-example-com"]), "same");
        assert.deepStrictEqual(resourcesOf(fromCode), resourcesOf(fromConfig));
        assert.ok(fromCode.resources.some((r) => r.type === "cloudflare:index/googleTagGateway:GoogleTagGateway"));
        const args = (domain: string): FirstPartyProxyArgs => ({
            vendor: "google",
            domain,
            tagId: "G-ABC123XYZ9",
            provider: Cdn.cloudflare,
            dns: { provider: "cloudflare", zone },
            cloudflare: { accountId },
        });
        const registered: string[] = [];
        const error = await planProgram({ "aws:region": "eu-west-1" }, () => [new FirstPartyProxy("g1", args("www.example.com")), new FirstPartyProxy("g2", args("shop.example.com"))], {
            project,
            stack: "user",
            onRegister: (type, name) => registered.push(`${type}::${name}`),
        }).then(
            () => assert.fail("accepted"),
            (e: Error) => e,
        );
        assert.ok(error instanceof FirstPartyProxyArgsError, String(error));
        assert.match(error.message, /FirstPartyProxy "g2"[\s\S]*vendor: a Cloudflare zone has one Google tag gateway setting, already set by FirstPartyProxy "g1"/);
        assert.ok(!registered.some((r) => r.endsWith("::g2") || r.includes("::g2-")), registered.join(", "));
    });

    it("a custom vendor (origins, ordered routes) plans as the stack program plans it, on both CDNs", async () => {
        for (const stack of [cloudflareStack([customHeap]), { provider: "aws", dns: { provider: "route53", zone }, proxies: [customHeap] } as TestConfig]) {
            const fromConfig = await planConfig(stack, "same");
            const fromCode = await planUser(userProgram(stack, ["custom-h-example-com"]), "same");
            assert.deepStrictEqual(resourcesOf(fromCode), resourcesOf(fromConfig));
            assert.deepStrictEqual(fromCode.outputs.proxies, fromConfig.outputs.proxies);
        }
    });

    describe("args", () => {
        const refused = (name: string, args: unknown) => {
            let registered = 0;
            return planProgram({ "aws:region": "eu-west-1" }, () => new FirstPartyProxy(name, args as FirstPartyProxyArgs), {
                project,
                stack: "user",
                onRegister: () => registered++,
            }).then(
                () => assert.fail("accepted"),
                (error: Error) => ({ error, registered }),
            );
        };

        it("are checked by the stack config's schema and rules, each problem named by its arg path, before anything is registered", async () => {
            const { error, registered } = await refused("e", {
                vendor: "posthog",
                domain: "e.other.com",
                region: "ap",
                provider: "aws",
                dns: { provider: "route53", zone },
                cloudfront: { priceClass: "PriceClass_1" },
                domian: "x",
            });
            assert.ok(error instanceof FirstPartyProxyArgsError, error.message);
            assert.strictEqual(registered, 0, "nothing registered, the component included");
            const args = error.issues.map((i) => i.arg).sort();
            assert.deepStrictEqual(args, ["cloudfront.priceClass", "domain", "domian", "region"], error.message);
            assert.match(error.message, /Invalid args for FirstPartyProxy "e"/);
            assert.match(error.message, /- domian: unknown key \(did you mean domain\?\)/);
            assert.match(error.message, /- region: got "ap"; allowed: us \| eu/);
        });

        it("the resource name is the proxy's name: it must suit resource names", async () => {
            const { error } = await refused("My Proxy", { vendor: "posthog", domain: "e.example.com", provider: "aws", dns: { provider: "manual" } });
            assert.match(error.message, /- name \(the resource name\): name must be 1-40 lower-case letters/);
        });

        it("the CDN's own requirements are named too (worker mode needs the account)", async () => {
            const { error } = await refused("e", { vendor: "posthog", domain: "e.example.com", provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: {} });
            assert.match(error.message, /accountId/);
        });

        it("cloudflare.accountId may be an Output: used once known, and checked then", async () => {
            const args = (id: pulumi.Input<string>): FirstPartyProxyArgs => ({
                vendor: "posthog",
                domain: "e.example.com",
                provider: "cloudflare",
                dns: { provider: "cloudflare", zone },
                cloudflare: { accountId: id },
            });
            const plan = await planUser(() => new FirstPartyProxy("e", args(pulumi.output(Promise.resolve(accountId)))));
            const scripts = plan.resources.filter((r) => r.type === T.script);
            assert.ok(scripts.length > 0 && scripts.every((s) => s.inputs.accountId === accountId));
            // A bad value fails the Worker script's registration with this error (an apply's error, as in pulumi up).
            await assert.rejects(
                (checkedAccountId("e", pulumi.output(Promise.resolve("not-an-account")))! as unknown as { promise(): Promise<string> }).promise(),
                /FirstPartyProxy "e" \(1 problem\), found once an Output's value was known:\n  - cloudflare\.accountId: accountId must be the 32 lower-case hexadecimal characters/,
            );
        });
    });

    describe("outputs and resource options", () => {
        const posthog: FirstPartyProxyArgs = { vendor: "posthog", region: "eu", domain: "e.example.com", provider: "aws", dns: { provider: "manual", zone } };

        it("outputs are Outputs: urls, sdk, snippet, dnsRecords (who creates each), notes, todo", async () => {
            let proxy!: FirstPartyProxy;
            const plan = await planUser(() => {
                proxy = new FirstPartyProxy("analytics", posthog);
                return { urls: proxy.urls, sdk: proxy.sdk, snippet: proxy.snippet, dnsRecords: proxy.dnsRecords, notes: proxy.notes, todo: proxy.todo, cdn: proxy.cdn };
            });
            const out = plan.outputs as { urls: string[]; sdk: Record<string, string>; snippet: string; dnsRecords: { createdBy: string }[]; todo: string[]; cdn: string };
            assert.deepStrictEqual(out.urls, ["https://e.example.com"]);
            assert.match(out.sdk.api_host, /^https:\/\/e\.example\.com\/[a-z0-9]+$/, "under the proxy's public path prefix");
            assert.strictEqual(out.sdk.ui_host, "https://eu.posthog.com");
            assert.match(out.snippet, /e\.example\.com/);
            assert.strictEqual(out.cdn, "cloudfront");
            assert.ok(out.dnsRecords.length > 0 && out.dnsRecords.every((r) => r.createdBy === "you"), "manual DNS: records to create by hand");
            assert.ok(out.todo.length >= out.dnsRecords.length);
            const component = plan.resources.find((r) => r.type === typeToken)!;
            assert.strictEqual(component.name, "analytics");
        });

        it("parent, providers and transformations pass through to what the proxy creates", async () => {
            class Site extends pulumi.ComponentResource {
                constructor(name: string) {
                    super("acme:index:Site", name, {});
                }
            }
            let provider!: cloudflare.Provider;
            const plan = await planUser(() => {
                const site = new Site("site");
                provider = new cloudflare.Provider("cf", { apiToken: "token" });
                return new FirstPartyProxy(
                    "e",
                    { vendor: "posthog", domain: "e.example.com", provider: "cloudflare", dns: { provider: "cloudflare", zone }, cloudflare: { accountId } },
                    {
                        parent: site,
                        providers: { cloudflare: provider },
                        // The SDK-side form, which the mocks run; `transforms` are the engine's and pass the same way.
                        transformations: [(a) => (a.type === T.script ? { props: { ...a.props, logpush: true }, opts: a.opts } : undefined)],
                    },
                );
            });
            const component = plan.resources.find((r) => r.type === typeToken)!;
            assert.match(component.urn, /::acme:index:Site\$first-party-proxy:index:FirstPartyProxy::e$/);
            const script = plan.resources.find((r) => r.type === T.script)!;
            assert.strictEqual(script.inputs.logpush, true, "the transform reached the Worker script");
            const cloudflareResources = plan.resources.filter((r: PlannedResource) => r.type.startsWith("cloudflare:index/"));
            assert.ok(cloudflareResources.length > 0);
            for (const r of cloudflareResources) assert.match(String(r.provider), /pulumi:providers:cloudflare::cf::/, `${r.name} uses the given provider`);
        });

        it("everything a proxy owns descends from its FirstPartyProxy, so transforms and protect given to it reach it; only the listed shared resources do not", async () => {
            // transforms run in the engine (the mocks refuse them): the engine applies a component's transforms to its
            // descendants, so what matters offline is the parentage.
            const plan = await planConfig(
                {
                    provider: "aws",
                    dns: { provider: "route53", zone },
                    proxies: [
                        { vendor: "posthog", region: "eu", domain: "e.example.com" },
                        { vendor: "segment", cdnDomain: "cdn.example.com", apiDomain: "api.example.com" },
                        { vendor: "datadog", domain: "rum.example.com" },
                    ],
                },
                "parents",
            );
            const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
            const proxyOf = (r: PlannedResource): string | undefined => {
                for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined) {
                    if (p.type === typeToken) return p.name;
                }
                return undefined;
            };
            const shared = plan.resources.filter((r) => r.type !== typeToken && proxyOf(r) === undefined).map((r) => `${r.type}::${r.name}`.replace(/-[0-9a-f]{8,10}$/, "-<hash>"));
            assert.deepStrictEqual([...new Set(shared)].sort(), [
                "aws:cloudfront/cachePolicy:CachePolicy::cache-<hash>",
                "aws:cloudfront/function:Function::viewer-request-<hash>",
                "aws:cloudfront/originRequestPolicy:OriginRequestPolicy::origin-request-<hash>",
                "first-party-proxy:aws:CloudFrontShared::cloudfront-shared",
                "pulumi:providers:aws::us-east-1",
                "random:index/randomId:RandomId::name-suffix",
            ]);
            for (const type of ["aws:cloudfront/distribution:Distribution", "aws:acm/certificate:Certificate", "aws:route53/record:Record"]) {
                const owned = plan.resources.filter((r) => r.type === type);
                assert.ok(owned.length > 0 && owned.every((r) => proxyOf(r) !== undefined), `every ${type} is under a FirstPartyProxy`);
            }
        });
    });
});
