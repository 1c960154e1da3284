import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { sharedWorkerSitesOf } from "../../components/cloudflare/worker/source";
import { PlannedResource } from "../../components/plan/mockPlan";
import { readStackSettings } from "../../components/plan/stackSettings";
import { everyVendor, routeTables, T } from "../cloudflare/fixtures";
import { scaleConfig } from "../../bench/planScale";
import { TestConfig } from "../helpers/plan";
import { planConfigForPolicies as planConfig, planForPolicies, planShipped, PolicyPlan as Plan, shippedStacks } from "../policy/harness";

/*
 * What an update would do, read from two offline plans of the real program: resources matched as the engine matches
 * them — by URN (the identity Pulumi keeps state under), or else by one of the resource's aliases naming a URN of the
 * old state — and their inputs compared. An unmatched URN is a delete plus a create; changed inputs are an update or
 * a replacement; anything else is left alone.
 */

interface PlanDiff {
    readonly added: string[];
    readonly removed: string[];
    /** Same resource, different inputs (or provider): URN after the update → the top-level input keys that differ. */
    readonly changed: Record<string, string[]>;
    /** Resources that keep their state under a new URN through an alias: URN after → URN before. */
    readonly moved: Record<string, string>;
}

/** JSON with sorted keys, so that key order never counts as a change. */
function canonical(value: unknown): string {
    return JSON.stringify(value, (_, v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
    );
}

/** `urn:pulumi:<stack>::<project>`, the qualified type (parent types joined by `$`) and the name of a URN. */
function urnParts(urn: string): { prefix: string; qualifiedType: string; name: string } {
    const parts = urn.split("::");
    return { prefix: parts.slice(0, 2).join("::"), qualifiedType: parts[2], name: parts.slice(3).join("::") };
}

/**
 * Every URN the engine looks for a resource under: its own aliases, and for each alias of its parent (inherited
 * ones included) the URN it would have had under that parent — the engine's inherited child alias: same type, the
 * parent's old name in place of its new one where the child's name starts with it.
 */
function engineAliases(plan: Plan): (resource: PlannedResource) => string[] {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const memo = new Map<string, string[]>();
    const aliasesOf = (r: PlannedResource): string[] => {
        const known = memo.get(r.urn);
        if (known) return known;
        const own = [...(plan.options.get(r.urn)?.aliases ?? [])];
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) {
            const { qualifiedType, name } = urnParts(r.urn);
            const type = qualifiedType.split("$").pop()!;
            const parentName = urnParts(parent.urn).name;
            for (const alias of aliasesOf(parent)) {
                const was = urnParts(alias);
                const childName = name.startsWith(parentName) ? was.name + name.slice(parentName.length) : name;
                const chain = was.qualifiedType === "pulumi:pulumi:Stack" ? type : `${was.qualifiedType}$${type}`;
                own.push(`${was.prefix}::${chain}::${childName}`);
            }
        }
        memo.set(r.urn, own);
        return own;
    };
    return aliasesOf;
}

function diffPlans(before: Plan, after: Plan): PlanDiff {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const claimed = new Map<string, string>();
    const changed: Record<string, string[]> = {};
    const moved: Record<string, string> = {};
    const aliasesOf = engineAliases(after);
    for (const now of after.resources) {
        const aliases = aliasesOf(now);
        const was = old.has(now.urn) ? now.urn : aliases.find((u) => old.has(u));
        if (was === undefined) continue;
        // The engine refuses two resources that claim one old resource.
        assert.ok(!claimed.has(was), `${was} is claimed by ${claimed.get(was)} and ${now.urn}`);
        claimed.set(was, now.urn);
        if (was !== now.urn) moved[now.urn] = was;
        const then = old.get(was)!;
        const keys = [...new Set([...Object.keys(then.inputs), ...Object.keys(now.inputs)])].filter(
            (k) => canonical(then.inputs[k]) !== canonical(now.inputs[k]),
        );
        if (then.provider !== now.provider) keys.push("(provider)");
        if (keys.length > 0) changed[now.urn] = keys.sort();
    }
    const matched = new Set(claimed.values());
    return {
        added: after.resources.map((r) => r.urn).filter((u) => !matched.has(u)).sort(),
        removed: before.resources.map((r) => r.urn).filter((u) => !claimed.has(u)).sort(),
        changed,
        moved,
    };
}

/** `type::name` of a URN, enough to tell resources apart in assertions. */
const short = (urn: string) => {
    const parts = urn.split("::");
    return `${parts[2].split("$").pop()}::${parts.slice(3).join("::")}`;
};
const shortKeys = (changed: Record<string, string[]>) => Object.fromEntries(Object.entries(changed).map(([u, k]) => [short(u), k]));

const stackOf = (provider: "aws" | "cloudflare", proxies: unknown[], extra: TestConfig = {}): TestConfig =>
    provider === "aws"
        ? { provider, dns: { provider: "cloudflare", zone: "example.com" }, proxies, ...extra }
        : {
              provider,
              dns: { provider: "cloudflare", zone: "example.com" },
              cloudflare: { accountId: "0123456789abcdef0123456789abcdef", mode: "worker" },
              proxies,
              ...extra,
          };

/** The four vendors plus a Segment managed Custom Domain, PostHog's region as given. */
const mixed = (posthogRegion: "us" | "eu") => [
    { vendor: "segment", region: "us", domain: "s.example.com" },
    { vendor: "posthog", region: posthogRegion, domain: "e.example.com" },
    { vendor: "amplitude", region: "us", domain: "r.example.com" },
    { vendor: "vtex", domain: "www.example.com" },
    {
        vendor: "segment",
        name: "segment-managed",
        managed: "cname",
        cdnDomain: "cdn.example.com",
        apiDomain: "api.example.com",
        cdnTarget: "cdn-abc.segment-custom.example.net",
        apiTarget: "api-abc.segment-custom.example.net",
    },
];

describe("safety of updates (offline plans diffed by URN)", () => {
    describe("the same config plans the same", () => {
        for (const name of ["dev", "cloudflare-worker"]) {
            it(`${name}: two plans are identical, resources and outputs`, async () => {
                const stack = shippedStacks().find((s) => s.name === name)!;
                const first = await planForPolicies(readStackSettings(stack.file), name);
                const second = await planForPolicies(readStackSettings(stack.file), name);
                const json = (p: Plan) => JSON.stringify({ resources: p.resources, outputs: p.outputs });
                assert.ok(first.resources.length > 0);
                assert.strictEqual(json(second), json(first));
            });
        }
    });

    describe("changing only a vendor region", () => {
        it("CloudFront: PostHog us → eu changes that distribution's origins and nothing else", async () => {
            const before = await planConfig(stackOf("aws", mixed("us")), "updates");
            const after = await planConfig(stackOf("aws", mixed("eu")), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.added, [], "no resource created");
            assert.deepStrictEqual(diff.removed, [], "no resource deleted or renamed");
            assert.deepStrictEqual(shortKeys(diff.changed), { "aws:cloudfront/distribution:Distribution::posthog-e-example-com-distribution": ["origins"] });
            const origins = (p: Plan) =>
                (p.resources.find((r) => r.name === "posthog-e-example-com-distribution")!.inputs.origins as { domainName: string }[]).map((o) => o.domainName);
            assert.deepStrictEqual(origins(before), ["us.i.posthog.com", "us-assets.i.posthog.com"]);
            assert.deepStrictEqual(origins(after), ["eu.i.posthog.com", "eu-assets.i.posthog.com"]);
            const proxies = (p: Plan) => p.outputs.proxies as Record<string, { sdk: unknown }>;
            assert.deepStrictEqual((proxies(after)["posthog-e-example-com"].sdk as { ui_host: string }).ui_host, "https://eu.posthog.com");
            for (const other of ["segment-s-example-com", "amplitude-r-example-com", "vtex-www-example-com", "segment-managed"]) {
                assert.deepStrictEqual(proxies(after)[other], proxies(before)[other], `${other}'s outputs`);
            }
        });

        it("CloudFront: Segment us → eu changes only the Tracking API origin (the CDN stays cdn.segment.com)", async () => {
            const segment = (region: string) => [{ vendor: "segment", region, domain: "s.example.com" }, { vendor: "posthog", domain: "e.example.com" }];
            const before = await planConfig(stackOf("aws", segment("us")), "updates");
            const after = await planConfig(stackOf("aws", segment("eu")), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual([diff.added, diff.removed], [[], []]);
            assert.deepStrictEqual(shortKeys(diff.changed), { "aws:cloudfront/distribution:Distribution::segment-s-example-com-distribution": ["origins"] });
            const origins = after.resources.find((r) => r.name === "segment-s-example-com-distribution")!.inputs.origins as { domainName: string }[];
            assert.deepStrictEqual(origins.map((o) => o.domainName), ["cdn.segment.com", "events.eu1.segmentapis.com"]);
        });

        it("Cloudflare Workers: PostHog us → eu changes that Worker's SETTINGS binding and its record's target", async () => {
            const before = await planConfig(stackOf("cloudflare", mixed("us")), "updates");
            const after = await planConfig(stackOf("cloudflare", mixed("eu")), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual([diff.added, diff.removed], [[], []]);
            // The proxied record's target is the default route's origin (the Worker answers in front of it): an
            // in-place update of a record that stays proxied, which serves no request differently.
            assert.deepStrictEqual(shortKeys(diff.changed), {
                "cloudflare:index/dnsRecord:DnsRecord::posthog-e-example-com-hostname": ["content"],
                "cloudflare:index/workersScript:WorkersScript::posthog-e-example-com-script": ["bindings"],
            });
        });

        it("Cloudflare page rules: PostHog us → eu changes its three page rules and the record's fallback target", async () => {
            const pageRules = { cloudflare: { mode: "pageRule", enterprise: true } };
            const before = await planConfig(stackOf("cloudflare", mixed("us"), pageRules), "updates");
            const after = await planConfig(stackOf("cloudflare", mixed("eu"), pageRules), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual([diff.added, diff.removed], [[], []]);
            assert.deepStrictEqual(shortKeys(diff.changed), {
                "cloudflare:index/dnsRecord:DnsRecord::posthog-e-example-com-hostname": ["content"],
                "cloudflare:index/pageRule:PageRule::posthog-e-example-com-rule-0": ["actions"],
                "cloudflare:index/pageRule:PageRule::posthog-e-example-com-rule-1": ["actions"],
                "cloudflare:index/pageRule:PageRule::posthog-e-example-com-rule-2": ["actions"],
            });
        });
    });

    describe("switching CDN on a live stack (DNS in Cloudflare): one update, every record kept in place", () => {
        // Every vendor and region, Segment in both shapes, and a Segment managed Custom Domain.
        const proxies = [
            ...everyVendor,
            {
                vendor: "segment",
                name: "segment-managed",
                managed: "cname",
                cdnDomain: "cdn-managed.example.com",
                apiDomain: "api-managed.example.com",
                cdnTarget: "cdn-abc.segment-custom.example.net",
                apiTarget: "api-abc.segment-custom.example.net",
            },
        ];
        const sides = ["aws", "worker", "pageRule"] as const;
        type Side = (typeof sides)[number];
        const plans = {} as Record<Side, Plan>;
        /** Every hostname the proxies serve (Segment's managed names are Segment's, not ours). */
        const hostnames = Object.keys(routeTables).concat("www.example.com").sort();

        before(async () => {
            plans.aws = await planConfig(stackOf("aws", proxies), "updates");
            plans.worker = await planConfig(stackOf("cloudflare", proxies), "updates");
            plans.pageRule = await planConfig(stackOf("cloudflare", proxies, { cloudflare: { mode: "pageRule", enterprise: true } }), "updates");
        });

        const records = (p: Plan) => p.resources.filter((r) => r.type === T.record);
        const dnsName = (r: PlannedResource) => `${r.inputs.name} ${r.inputs.type}`;
        const isAcmValidation = (r: PlannedResource) => r.name.endsWith("-cert-validation");

        it("every Cloudflare record of a hostname (and VTEX's TXT) is one resource on every side: each side's URN is among the others' aliases, same record type", () => {
            for (const [a, b] of [["aws", "worker"], ["aws", "pageRule"], ["worker", "pageRule"]] as const) {
                const counterparts = records(plans[b]).filter((r) => !isAcmValidation(r));
                const mine = records(plans[a]).filter((r) => !isAcmValidation(r));
                assert.deepStrictEqual(mine.map(dnsName).sort(), counterparts.map(dnsName).sort(), `${a} and ${b} have records for the same names and types`);
                for (const r of mine) {
                    const other = counterparts.find((o) => dnsName(o) === dnsName(r))!;
                    if (r.urn === other.urn) {
                        // Segment's managed Custom Domain (and VTEX between the two Cloudflare modes): the same component.
                        assert.ok(r.urn.includes("SegmentCustomDomain") || r.urn.includes("CnameProxy"), `${short(r.urn)} keeps its URN`);
                        continue;
                    }
                    assert.strictEqual(r.name, other.name, "named the same whichever component owns it");
                    assert.ok(plans[b].options.get(other.urn)!.aliases.includes(r.urn), `${b}'s ${short(other.urn)} has ${a}'s URN ${r.urn} among its aliases`);
                    assert.ok(plans[a].options.get(r.urn)!.aliases.includes(other.urn), `${a}'s ${short(r.urn)} has ${b}'s URN ${other.urn} among its aliases`);
                }
            }
            // The hostnames themselves: one CNAME each, on every side.
            for (const side of sides) {
                const cnames = records(plans[side]).filter((r) => r.inputs.type === "CNAME" && hostnames.includes(String(r.inputs.name)));
                assert.deepStrictEqual(cnames.map((r) => r.inputs.name).sort(), hostnames, side);
                assert.ok(cnames.every((r) => r.name.endsWith("-hostname")), `${side}: every hostname's record is <site>-hostname`);
            }
        });

        const directions: [Side, Side][] = [
            ["aws", "worker"],
            ["worker", "aws"],
            ["aws", "pageRule"],
            ["pageRule", "aws"],
            ["worker", "pageRule"],
            ["pageRule", "worker"],
        ];
        for (const [from, to] of directions) {
            it(`${from} → ${to}: hostname records and the TXT are updated in place; no record is created for a name that has one`, () => {
                const before = plans[from];
                const after = plans[to];
                const diff = diffPlans(before, after);
                // Pulumi creates new resources before it deletes the ones that left the program: a created record
                // whose name already has a record would be refused by Cloudflare (a second CNAME, an identical TXT).
                const created = after.resources.filter((r) => diff.added.includes(r.urn));
                const existing = new Set(records(before).map(dnsName));
                assert.deepStrictEqual(created.filter((r) => r.type === T.record && existing.has(dnsName(r))).map(dnsName), [], "no record created over an existing name");
                assert.deepStrictEqual(created.filter((r) => r.type === T.record && !isAcmValidation(r)).map(dnsName), [], "new records only for ACM validation");
                assert.deepStrictEqual(created.filter((r) => /workersCustomDomain/.test(r.type)), [], "no Workers Custom Domain");

                // What moves between components: every record of a hostname that changes owner, and VTEX's TXT
                // when VTEX changes owner (CloudFront ⇄ proxied DNS); VTEX stays a CnameProxy between the modes.
                const moving = records(before).filter((r) => !isAcmValidation(r) && !r.urn.includes("SegmentCustomDomain") && !(from !== "aws" && to !== "aws" && r.urn.includes("CnameProxy")));
                assert.deepStrictEqual(Object.values(diff.moved).sort(), moving.map((r) => r.urn).sort(), "moved under aliases, the old URN claimed");
                for (const [now, was] of Object.entries(diff.moved)) {
                    const then = before.resources.find((r) => r.urn === was)!;
                    const next = after.resources.find((r) => r.urn === now)!;
                    assert.strictEqual(next.type, then.type);
                    assert.deepStrictEqual([next.inputs.name, next.inputs.type, next.inputs.zoneId], [then.inputs.name, then.inputs.type, then.inputs.zoneId]);
                    // zoneId would replace the record; only the target, the proxy flag and the ttl may change.
                    for (const key of diff.changed[now] ?? []) assert.ok(["content", "proxied", "ttl"].includes(key), `${short(now)}: ${key} changes`);
                }
                if (from === "aws" || to === "aws") {
                    const hostnameRecords = Object.keys(diff.moved).filter((u) => u.endsWith("-hostname"));
                    assert.strictEqual(hostnameRecords.length, hostnames.length);
                    for (const u of hostnameRecords) assert.deepStrictEqual(diff.changed[u], ["content", "proxied", "ttl"], short(u));
                    const txt = Object.keys(diff.moved).filter((u) => u.endsWith("-txt-0"));
                    assert.deepStrictEqual(txt.map(short), ["cloudflare:index/dnsRecord:DnsRecord::vtex-www-example-com-txt-0"]);
                    assert.strictEqual(diff.changed[txt[0]], undefined, "the TXT is the same record, unchanged");
                }
                // Route 53 is never involved: the hostnames are in Cloudflare on both sides.
                assert.ok(![...before.resources, ...after.resources].some((r) => r.type.startsWith("aws:route53/")));
            });
        }

        it("aws → worker: the CloudFront side goes, the Worker side comes, and only the records change in place", () => {
            const diff = diffPlans(plans.aws, plans.worker);
            const types = (urns: string[]) => [...new Set(urns.map((u) => short(u).split("::")[0]))].sort();
            assert.deepStrictEqual(types(diff.removed), [
                "aws:acm/certificate:Certificate",
                "aws:acm/certificateValidation:CertificateValidation",
                "aws:cloudfront/cachePolicy:CachePolicy",
                "aws:cloudfront/distribution:Distribution",
                "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
                "cloudflare:index/dnsRecord:DnsRecord",
                "first-party-proxy:aws:CloudFrontProxy",
                "first-party-proxy:aws:CloudFrontShared",
                "pulumi:providers:aws",
                "random:index/randomId:RandomId",
            ]);
            const removedRecords = plans.aws.resources.filter((r) => diff.removed.includes(r.urn) && r.type === T.record);
            assert.ok(removedRecords.length > 0 && removedRecords.every(isAcmValidation), "the only records deleted are ACM's validation records");
            assert.deepStrictEqual(types(diff.added), [
                "cloudflare:index/ruleset:Ruleset",
                "cloudflare:index/workersRoute:WorkersRoute",
                "cloudflare:index/workersScript:WorkersScript",
                "first-party-proxy:cloudflare:CnameProxy",
                "first-party-proxy:cloudflare:WorkerProxy",
                "first-party-proxy:cloudflare:ZoneRules",
            ]);
            assert.deepStrictEqual(types(Object.keys(diff.changed)), ["cloudflare:index/dnsRecord:DnsRecord"]);
        });

        it("each record turns proxied only once what serves the name exists: the Worker route and script, page rules, zone rules", () => {
            const deps = (p: Plan, r: PlannedResource) => p.options.get(r.urn)!.dependencies;
            const worker = plans.worker;
            for (const route of worker.resources.filter((r) => r.type === T.route)) {
                const host = String(route.inputs.pattern).replace(/\/\*$/, "");
                const record = records(worker).find((r) => r.inputs.name === host)!;
                const script = worker.resources.find((r) => r.type === T.script && r.inputs.scriptName === route.inputs.script)!;
                assert.ok(deps(worker, record).includes(route.urn), `${host}'s record depends on its route`);
                assert.ok(deps(worker, record).includes(script.urn), `${host}'s record depends on its script`);
                assert.strictEqual(record.inputs.proxied, true);
            }
            const pageRule = plans.pageRule;
            for (const record of records(pageRule).filter((r) => r.urn.includes("PageRuleProxy$"))) {
                const rules = pageRule.resources.filter((r) => r.type === T.pageRule && String(r.inputs.target).startsWith(`${record.inputs.name}/`));
                assert.ok(rules.length > 0 && rules.every((r) => deps(pageRule, record).includes(r.urn)), `${record.inputs.name}'s record depends on its page rules`);
            }
            for (const p of [worker, pageRule]) {
                const vtex = records(p).find((r) => r.inputs.name === "www.example.com")!;
                const rulesets = p.resources.filter((r) => r.type === T.ruleset);
                assert.ok(rulesets.every((r) => deps(p, vtex).includes(r.urn)), "VTEX's record depends on the zone rules (ACME over HTTP, strict TLS)");
            }
            // Back to CloudFront: the record's target is the distribution's domain name, so it waits for the distribution.
            for (const record of records(plans.aws).filter((r) => r.name.endsWith("-hostname"))) {
                const content = plans.aws.options.get(record.urn)!.propertyDependencies.content ?? [];
                assert.ok(content.some((u) => u.includes("aws:cloudfront/distribution:Distribution")), `${record.inputs.name}'s target comes from its distribution`);
            }
        });

        it("upgrading a stack deployed before records were shared (named -alias on CloudFront, -cname for proxied CNAMEs) moves nothing", async () => {
            const renamed = (p: Plan, type: string, suffix: string): Plan => {
                const rename = (urn: string) => (urn.includes(`${type}$`) ? urn.replace(/-hostname(-a|-aaaa)?$/, `-${suffix}$1`) : urn);
                return { ...p, resources: p.resources.map((r) => ({ ...r, urn: rename(r.urn), name: rename(r.urn).split("::").pop()! })) };
            };
            const route53 = await planShipped("dev");
            const olds: [string, Plan, Plan][] = [
                ["CloudFront, Cloudflare DNS", renamed(plans.aws, "CloudFrontProxy", "alias"), plans.aws],
                ["CloudFront, Route 53 (A and AAAA)", renamed(route53, "CloudFrontProxy", "alias"), route53],
                ["page rules", renamed(renamed(plans.pageRule, "PageRuleProxy", "cname"), "CnameProxy", "cname"), plans.pageRule],
            ];
            for (const [what, old, now] of olds) {
                assert.notDeepStrictEqual(old.resources.map((r) => r.urn), now.resources.map((r) => r.urn), `${what}: the old names differ`);
                const diff = diffPlans(old, now);
                assert.deepStrictEqual([diff.added, diff.removed, diff.changed], [[], [], {}], what);
                assert.ok(Object.keys(diff.moved).length > 0, what);
            }
        });
    });

    describe("a stack of 200 proxies: adding or removing one touches only that proxy (and the shared resources it is named in)", () => {
        // The plan-scale bench's rotation (PostHog US/EU, Segment on one and two hosts, Amplitude, VTEX), quotas raised.
        const base = (provider: "aws" | "cloudflare") => scaleConfig(200, provider);
        const withProxies = (config: TestConfig, proxies: unknown[]): TestConfig => ({ ...config, proxies });
        const extra = { vendor: "posthog", region: "eu", name: "added", domain: "added.example.com" };

        for (const provider of ["aws", "cloudflare"] as const) {
            describe(provider === "aws" ? "CloudFront" : "Cloudflare Workers", function () {
                // Three plans of 200 proxies: seconds alone, minutes on a machine shared with other work.
                this.timeout(600_000);
                let basePlan: Plan;
                before(async () => {
                    basePlan = await planConfig(base(provider), "updates");
                });
                // Only a proxy's own component and its children; the zone's rulesets on Cloudflare, which name hostnames.
                const own = (p: Plan, urns: string[], proxy: string) => urns.filter((u) => {
                    const r = p.resources.find((x) => x.urn === u)!;
                    return r.name === proxy || r.name.startsWith(`${proxy}-`);
                });

                it("adding one PostHog proxy creates its resources (and, past a group of 100 distributions, the next copy of a shared policy or function) and changes nothing else but the zone rules naming its hostname", async () => {
                    const config = base(provider);
                    const after = await planConfig(withProxies(config, [...(config.proxies as unknown[]), extra]), "updates");
                    const diff = diffPlans(basePlan, after);
                    assert.deepStrictEqual(diff.removed, []);
                    assert.ok(diff.added.length > 0);
                    // The new proxy's own, and on CloudFront a new copy of a shared policy or function where the new
                    // distribution is the first of a group of 100 using it (CloudFront's association quota).
                    const newCopies = diff.added.filter((u) => !own(after, [u], "added").length);
                    for (const u of newCopies) {
                        const copy = after.resources.find((r) => r.urn === u)!;
                        assert.match(copy.name, /^(viewer-request|cache|origin-request)-[0-9a-f]+-\d+$/, `${u} is the new proxy's or a new copy of a shared resource`);
                        const users = after.resources.filter((r) => r.type === "aws:cloudfront/distribution:Distribution" && JSON.stringify(r.inputs).includes(String(copy.id)));
                        assert.deepStrictEqual(users.map((d) => d.name), ["added-distribution"], `${copy.name} serves the new distribution alone`);
                    }
                    const changed = Object.keys(diff.changed).map(short);
                    if (provider === "aws") assert.deepStrictEqual(changed, [], "no other resource changes: the shared policies already exist");
                    else assert.ok(changed.every((u) => u.startsWith("cloudflare:index/ruleset:Ruleset::")), changed.join(", "));
                    assert.deepStrictEqual(Object.keys(diff.moved), []);
                });

                it("removing one proxy from the middle deletes its resources and changes nothing else but the zone rules naming its hostname (Cloudflare) or, per shared policy or function it used, the first distribution of each later group of 100 (CloudFront)", async () => {
                    const config = base(provider);
                    const proxies = config.proxies as unknown[];
                    // Proxy 100 is PostHog (the rotation's first), the first user of nothing shared.
                    const gone = proxies[100] as { domain: string };
                    const after = await planConfig(withProxies(config, proxies.filter((_, i) => i !== 100)), "updates");
                    const diff = diffPlans(basePlan, after);
                    assert.deepStrictEqual(diff.added, []);
                    const goneName = `posthog-${gone.domain.replace(/\./g, "-")}`;
                    assert.ok(diff.removed.length > 0);
                    assert.deepStrictEqual(diff.removed, own(basePlan, diff.removed, goneName), "every deleted resource is the removed proxy's");
                    const changed = Object.keys(diff.changed).map(short);
                    if (provider === "aws") {
                        // The distributions after it that use a shared policy or function it used move up one place in
                        // its users: the first of each later group of 100 moves to the previous group's copy, in place.
                        const goneDistribution = basePlan.resources.find((r) => r.name === `${goneName}-distribution`)!;
                        const sharedUsed = basePlan.resources.filter((r) => /^(viewer-request|cache|origin-request)-/.test(r.name) && JSON.stringify(goneDistribution.inputs).includes(String(r.id)));
                        assert.ok(changed.length <= sharedUsed.length * 2, `${changed.length} changed: ${changed.join(", ")}`);
                        for (const [urn, keys] of Object.entries(diff.changed)) {
                            assert.match(short(urn), /^aws:cloudfront\/distribution:Distribution::/);
                            assert.ok(keys.every((k) => k === "defaultCacheBehavior" || k === "orderedCacheBehaviors"), `${short(urn)}: ${keys.join(", ")}`);
                        }
                    } else assert.ok(changed.every((u) => u.startsWith("cloudflare:index/ruleset:Ruleset::")), changed.join(", "));
                });
            });
        }
    });

    describe("cloudflare.workerScripts: shared (one Worker script per vendor layout)", () => {
        const shared = { cloudflare: { accountId: "0123456789abcdef0123456789abcdef", mode: "worker", workerScripts: "shared" } };
        /** Which shared script holds each hostname. */
        const hostsByScript = (p: Plan): Record<string, string> =>
            Object.fromEntries(
                p.resources
                    .filter((r) => r.type === "cloudflare:index/workersScript:WorkersScript")
                    .flatMap((r) => Object.keys(sharedWorkerSitesOf(String(r.inputs.content))!).map((host) => [host, String(r.inputs.scriptName)])),
            );

        it("perSite → shared: the per-site scripts go, one script per vendor layout comes, every route is re-pointed; nothing else changes", async () => {
            const before = await planConfig(stackOf("cloudflare", mixed("us")), "updates");
            const after = await planConfig(stackOf("cloudflare", mixed("us"), shared), "updates");
            const diff = diffPlans(before, after);
            assert.deepStrictEqual(diff.removed.map(short), [
                "cloudflare:index/workersScript:WorkersScript::amplitude-r-example-com-script",
                "cloudflare:index/workersScript:WorkersScript::posthog-e-example-com-script",
                "cloudflare:index/workersScript:WorkersScript::segment-s-example-com-script",
            ]);
            assert.deepStrictEqual(diff.added.map(short), [
                "cloudflare:index/workersScript:WorkersScript::updates-shared--amplitude-main",
                "cloudflare:index/workersScript:WorkersScript::updates-shared--posthog-main",
                "cloudflare:index/workersScript:WorkersScript::updates-shared--segment-main",
            ]);
            assert.deepStrictEqual(shortKeys(diff.changed), {
                "cloudflare:index/workersRoute:WorkersRoute::amplitude-r-example-com-route": ["script"],
                "cloudflare:index/workersRoute:WorkersRoute::posthog-e-example-com-route": ["script"],
                "cloudflare:index/workersRoute:WorkersRoute::segment-s-example-com-route": ["script"],
            });
            // And back: the mirror image.
            const back = diffPlans(after, before);
            assert.deepStrictEqual([back.added.map(short), back.removed.map(short)], [diff.removed.map(short), diff.added.map(short)]);
        });

        describe("a stack of 200 proxies: adding or removing one changes its own resources and its layout's script only; no hostname moves", function () {
            this.timeout(600_000);
            const base = (): TestConfig => ({ ...scaleConfig(200, "cloudflare"), ...shared });
            const withProxies = (config: TestConfig, proxies: unknown[]): TestConfig => ({ ...config, proxies });
            let basePlan: Plan;
            before(async () => {
                basePlan = await planConfig(base(), "updates");
            });

            for (const change of ["adding", "removing"] as const) {
                it(`${change} one PostHog proxy`, async () => {
                    const proxies = base().proxies as { domain?: string }[];
                    // Proxy 100 is PostHog (the rotation's first).
                    const after = await planConfig(
                        withProxies(base(), change === "adding" ? [...proxies, { vendor: "posthog", region: "eu", name: "added", domain: "added.example.com" }] : proxies.filter((_, i) => i !== 100)),
                        "updates",
                    );
                    const diff = diffPlans(basePlan, after);
                    const proxy = change === "adding" ? "added" : `posthog-${proxies[100].domain!.replace(/\./g, "-")}`;
                    const own = (p: Plan, urns: string[]) => urns.filter((u) => [proxy, `${proxy}-`].some((n) => p.resources.find((r) => r.urn === u)!.name.startsWith(n)));
                    const [mine, gone] = change === "adding" ? [diff.added, diff.removed] : [diff.removed, diff.added];
                    assert.ok(mine.length > 0);
                    assert.deepStrictEqual(mine, own(change === "adding" ? after : basePlan, mine), "every created or deleted resource is that proxy's");
                    assert.deepStrictEqual(gone, []);
                    const changed = Object.entries(shortKeys(diff.changed)).filter(([u]) => !u.startsWith("cloudflare:index/ruleset:Ruleset::"));
                    assert.deepStrictEqual(changed, [["cloudflare:index/workersScript:WorkersScript::updates-shared--posthog-main", ["content"]]]);
                    // Every other hostname stays in the script it was in.
                    const [was, now] = [hostsByScript(basePlan), hostsByScript(after)];
                    const host = change === "adding" ? "added.example.com" : proxies[100].domain!;
                    const others = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).filter(([h]) => h !== host));
                    assert.deepStrictEqual(others(now), others(was));
                    assert.strictEqual((change === "adding" ? now : was)[host], "updates-shared--posthog-main");
                });
            }
        });
    });

    describe("a zone of 200 VTEX stores (proxied DNS): adding or removing one touches only its resources and the zone rules that name it", function () {
        // Three plans of 200 proxies: seconds alone, minutes on a machine shared with other work.
        this.timeout(600_000);
        // Two parts a phase: 200 hostnames of this length take some 4,600 characters, 199 too (a part is only split when
        // it no longer fits, and its halves joined again when they fit together: then both change).
        const stores = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ vendor: "vtex", domain: `store${from + i}.example.com` }));
        // VTEX alone needs no Worker: the zone's plan (Free) and the providers' default quotas, as a new stack has them,
        // but for the zone's DNS records (two a store): a Free zone created before September 2024 holds 1,000.
        const zoneOf = (proxies: unknown[]): TestConfig => ({
            provider: "cloudflare",
            dns: { provider: "cloudflare", zone: "example.com" },
            cloudflare: { mode: "worker" },
            quotas: { cloudflareDnsRecordsPerZone: 1000 },
            proxies,
        });
        type Rule = { ref: string; expression: string };
        const rulesets = (p: Plan) => new Map(p.resources.filter((r) => r.type === T.ruleset).map((r) => [r.urn, (r.inputs as { rules: Rule[] }).rules]));
        let basePlan: Plan;
        before(async () => {
            basePlan = await planConfig(zoneOf(stores(0, 200)), "updates");
        });

        for (const [what, proxies, host, name] of [
            ["adding", [...stores(0, 200), { vendor: "vtex", domain: "added.example.com" }], "added.example.com", "vtex-added-example-com"],
            ["removing", [...stores(0, 100), ...stores(101, 200)], "store100.example.com", "vtex-store100-example-com"],
        ] as const) {
            it(`${what} one: its own resources ${what === "adding" ? "created" : "deleted"}, no other resource but the zone's rulesets changed, and in them only the rule of each phase that names it`, async () => {
                const after = await planConfig(zoneOf([...proxies]), "updates");
                const diff = diffPlans(basePlan, after);
                const [mine, none] = what === "adding" ? [diff.added, diff.removed] : [diff.removed, diff.added];
                const plan = what === "adding" ? after : basePlan;
                assert.deepStrictEqual(none, []);
                assert.ok(mine.length > 0);
                const names = mine.map((u) => plan.resources.find((r) => r.urn === u)!.name);
                assert.deepStrictEqual(names.filter((n) => n !== name && !n.startsWith(`${name}-`)), [], "every resource created or deleted is the store's own");
                assert.deepStrictEqual(Object.keys(diff.moved), []);
                // The rules are inputs of the zone's Rulesets: the same three resources, under the same URNs.
                const changed = Object.keys(diff.changed);
                assert.deepStrictEqual([...rulesets(after).keys()], [...rulesets(basePlan).keys()]);
                assert.deepStrictEqual(changed.map(short).sort(), [...rulesets(after).keys()].map(short).sort(), "each phase's ruleset changes");
                for (const urn of changed) {
                    const was = new Map(rulesets(basePlan).get(urn)!.map((r) => [r.ref, r.expression]));
                    const now = new Map(rulesets(after).get(urn)!.map((r) => [r.ref, r.expression]));
                    const differing = [...new Set([...was.keys(), ...now.keys()])].filter((ref) => was.get(ref) !== now.get(ref));
                    assert.strictEqual(differing.length, 1, `${short(urn)}: ${differing.join(", ")}`);
                    assert.ok(`${was.get(differing[0]) ?? ""} ${now.get(differing[0]) ?? ""}`.includes(`"${host}"`), `${short(urn)}: ${differing[0]} names ${host}`);
                    assert.strictEqual(now.size, 2, `${short(urn)}: two rules, within a Free zone's ten`);
                }
            });
        }
    });

    describe("upgrading from the program before FirstPartyProxy (every proxy's component now under one)", () => {
        // The URNs every shipped stack had before the stack program was built on FirstPartyProxy (main at b066a4f),
        // and before that, before CloudFront policies were shared (main at afa13a3: each proxy owned its policies).
        // The inputs were compared too when each fixture was recorded; later changes to inputs are other tests' concern.
        /** A CloudFront Function is named by its code's hash: main's own edge changes since afa13a3 replaced them (at the root, as ever). */
        /**
         * Added on purpose since both fixtures: Amplitude's behaviours moved from the managed AllViewerExceptHostHeader
         * (which forwards the viewer's cookies) to one shared policy with every header but Host and no cookies.
         */
        const amplitudeCookieFreePolicy = (r: PlannedResource) =>
            r.type === "aws:cloudfront/originRequestPolicy:OriginRequestPolicy" &&
            (r.inputs as any).headersConfig?.headerBehavior === "allExcept" &&
            (r.inputs as any).cookiesConfig?.cookieBehavior === "none";
        const codeHashedFunction = (urn: string) => /::aws:cloudfront\/function:Function::viewer-request-[0-9a-f]{10}$/.test(urn);
        const fixtures: { file: string; what: string; newTypes: string[]; unused: (stack: string) => string[]; codeChanged?: (urn: string) => boolean }[] = [
            { file: "urns-before-first-party-proxy.json", what: "right before FirstPartyProxy", newTypes: [], unused: () => [] },
            {
                file: "urns-afa13a3.json",
                what: "before shared CloudFront policies",
                // The policies moved under the stack's one CloudFrontShared (aliased to the proxy that owned them).
                newTypes: ["first-party-proxy:aws:CloudFrontShared"],
                // Resources that program created for nothing: a stack without CloudFront proxies no longer gets them.
                unused: (stack) => (stack === "segment-managed" ? ["pulumi:providers:aws::us-east-1", "random:index/randomId:RandomId::name-suffix"] : []),
                codeChanged: codeHashedFunction,
            },
        ];
        for (const { file, what, newTypes, unused, codeChanged = () => false } of fixtures) {
            const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", file), "utf8")) as { stacks: Record<string, string[]> };
            for (const stack of Object.keys(fixture.stacks)) {
                it(`${what}, ${stack}: every resource keeps its state (same URN, or an alias the engine follows); only the FirstPartyProxy components are new`, async () => {
                    const now = await planShipped(stack);
                    const before: Plan = { ...now, resources: fixture.stacks[stack].map((urn) => ({ urn, inputs: {} }) as unknown as PlannedResource) };
                    const diff = diffPlans(before, { ...now, resources: now.resources.map((r) => ({ ...r, inputs: {} })) });
                    assert.deepStrictEqual(diff.removed.filter((u) => !codeChanged(u)).map(short), unused(stack), "nothing the stack had is deleted");
                    const added = now.resources.filter((r) => diff.added.includes(r.urn) && !codeChanged(r.urn) && !amplitudeCookieFreePolicy(r));
                    assert.deepStrictEqual(
                        added.map((r) => r.type).filter((t) => !newTypes.includes(t)),
                        added.filter((r) => !newTypes.includes(r.type)).map(() => "first-party-proxy:index:FirstPartyProxy"),
                        `only FirstPartyProxy components are created: ${added.map((r) => short(r.urn)).join(", ")}`,
                    );
                    assert.ok(added.some((r) => r.type === "first-party-proxy:index:FirstPartyProxy"));
                    assert.ok(Object.keys(diff.moved).length > 0, "the CDN components and their children moved under FirstPartyProxy");
                });
            }
        }
    });

    describe("zones are only ever looked up", () => {
        it("no Route 53 hosted zone or Cloudflare zone resource in any shipped stack or update variant", async () => {
            const plans: PlannedResource[][] = [];
            for (const { name } of shippedStacks()) plans.push([...(await planShipped(name)).resources]);
            plans.push([...(await planConfig(stackOf("cloudflare", mixed("eu"), { cloudflare: { mode: "pageRule", enterprise: true } }), "updates")).resources]);
            for (const resources of plans) {
                const zones = resources.filter((r) => /(^aws:route53\/zone:|^cloudflare:index\/zone:|:Zone$)/.test(r.type));
                assert.deepStrictEqual(zones.map((r) => r.urn), []);
            }
        });
    });

    describe("certificates are replaced create-before-delete", () => {
        it("every certificate is registered with deleteBeforeReplace explicitly false (the engine's view, not the source)", async () => {
            for (const name of ["dev", "cloudfront-cloudflare-dns", "cloudfront-manual-dns"]) {
                const plan = await planShipped(name);
                const certificates = plan.resources.filter((r) => r.type === "aws:acm/certificate:Certificate");
                assert.ok(certificates.length > 0, name);
                for (const c of certificates) {
                    assert.strictEqual(plan.options.get(c.urn)?.deleteBeforeReplace, false, `${name}: ${c.name}`);
                }
            }
        });

        it("nothing in any shipped stack asks to be deleted before its replacement exists", async () => {
            for (const { name } of shippedStacks()) {
                const plan = await planShipped(name);
                const early = plan.resources.filter((r) => plan.options.get(r.urn)?.deleteBeforeReplace === true).map((r) => r.urn);
                assert.deepStrictEqual(early, [], name);
            }
        });
    });
});
