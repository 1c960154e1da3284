import * as assert from "assert";
import * as path from "path";
import { ofType, planConfig, planRefused, planSettingsFile } from "../helpers/plan";

const dns = { provider: "route53", zone: "example.com" };

describe("small things users hit", () => {
    it("a tag value `pulumi config set --path` stored as a number is the tag's text", async () => {
        const plan = await planConfig({ provider: "aws", dns, cloudfront: { tags: { "cost-center": 1234 } }, proxies: [{ vendor: "posthog", domain: "e.example.com" }] });
        const distribution = ofType(plan, "aws:cloudfront/distribution:Distribution")[0];
        assert.strictEqual((distribution.inputs as any).tags["cost-center"], "1234");
    });

    it("a wrong vendor does not hide the entry's other problems", async () => {
        const { error } = await planRefused({ provider: "aws", dns, proxies: [{ vendor: "heap", domain: "not a host", regoin: "eu" }] });
        assert.match(error.message, /proxies\[0\]\.vendor: got "heap"; allowed: segment \| posthog \| amplitude \| vtex/);
        assert.match(error.message, /proxies\[0\]\.domain: .*\(got "not a host"\)/);
        assert.match(error.message, /proxies\[0\]\.regoin: unknown key \(did you mean region\?\); allowed keys for any proxy/);
    });

    it("says an amplitude proxy, a posthog proxy", async () => {
        const { error } = await planRefused({ provider: "aws", dns, proxies: [{ vendor: "amplitude", domain: "r.example.com", regoin: "eu" }, { vendor: "posthog", domain: "e.example.com", regoin: "eu" }] });
        assert.match(error.message, /allowed keys for an amplitude proxy/);
        assert.match(error.message, /allowed keys for a posthog proxy/);
        assert.doesNotMatch(error.message, /a amplitude/);
    });

    it("an AWS stack of Segment managed Custom Domains only registers no certificate provider and no random suffix", async () => {
        const plan = await planSettingsFile(path.resolve(__dirname, "../../examples/segment-managed.yaml"));
        assert.deepStrictEqual(ofType(plan, "random:index/randomId:RandomId"), []);
        assert.deepStrictEqual(plan.resources.filter((r) => r.type.startsWith("pulumi:providers:")), []);
        assert.ok(ofType(plan, "aws:route53/record:Record").length > 0, "the records are planned");
    });

    it("planning manual DNS writes no `Create this DNS record` warning (it is in the outputs' todo)", async () => {
        const written: string[] = [];
        const warn = console.warn;
        const write = process.stderr.write;
        console.warn = (...args: unknown[]) => void written.push(args.join(" "));
        process.stderr.write = ((chunk: unknown) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
        try {
            const plan = await planSettingsFile(path.resolve(__dirname, "../../examples/cloudfront-manual-dns.yaml"));
            const todo = Object.values(plan.outputs.proxies as Record<string, { todo: string[] }>).flatMap((p) => p.todo);
            assert.ok(todo.some((t) => /ACM validation/.test(t)), "the validation records are on the to-do list");
        } finally {
            console.warn = warn;
            process.stderr.write = write;
        }
        assert.deepStrictEqual(written.filter((w) => /Create this DNS record/.test(w)), []);
    });
});
