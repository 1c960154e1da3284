import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as path from "path";
import { knownAfterUp } from "../../components/plan/mockOutputs";
import { planProgram, presentPlan } from "../../components/plan/mockPlan";
import { renderTree } from "../../components/plan/renderTree";
import { flattenConfig, planRefused, planSettingsFile } from "../helpers/plan";

/** Every string inside a value. */
function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
    return [];
}

describe("planProgram", () => {
    it("reports every registration request, even of a program that fails after registering", async () => {
        const seen: string[] = [];
        await assert.rejects(
            planProgram(
                flattenConfig({}),
                () => {
                    new aws.acm.Certificate("c", { domainName: "e.example.com", validationMethod: "DNS" });
                    throw new Error("half-built");
                },
                { project: "first-party-proxy", stack: "test", onRegister: (type, name) => seen.push(`${type} ${name}`) },
            ),
            /half-built/,
        );
        assert.deepStrictEqual(seen, ["aws:acm/certificate:Certificate c"]);
    });

    it("refuses an unknown invoke instead of answering it with nothing", async () => {
        await assert.rejects(
            planProgram(flattenConfig({}), () => aws.ec2.getVpcOutput({ default: true }).id, { project: "first-party-proxy", stack: "test" }),
            /no mock answer for invoke aws:ec2\/getVpc:getVpc/,
        );
    });

    it("planRefused counts what an invalid config registered: nothing", async () => {
        const { error, registered } = await planRefused({ provider: "aws", dns: { provider: "route53", zone: "example.com" }, proxies: [] });
        assert.match(error.message, /first-party-proxy:proxies/);
        assert.strictEqual(registered, 0);
    });

    describe("presentPlan: what users read or copy invents nothing", () => {
        for (const example of ["cloudfront-manual-dns", "cloudfront-cloudflare-dns"]) {
            it(`${example}: values known only after deploy read ${knownAfterUp}; ids stay references, named as mock`, async () => {
                const raw = await planSettingsFile(path.resolve(__dirname, `../../examples/${example}.yaml`));
                const shown = presentPlan(raw);
                const invented = /cloudfront\.net|acm-validations\.aws/;
                // The raw plan has the mocks' stand-ins (tests follow them); the presented one has none of them.
                assert.ok(strings(raw.outputs).some((s) => invented.test(s)), "the mocks invent domain names");
                for (const s of strings(shown.outputs).concat(strings(shown.resources.map((r) => r.inputs)))) {
                    assert.doesNotMatch(s, invented);
                    for (const u of raw.mock.unknown) assert.ok(!s.includes(u) || shown.mock.ids.includes(s), `${s} shows the mock value ${u}`);
                }
                assert.doesNotMatch(renderTree(shown, "t"), invented);
                const records = Object.values(shown.outputs.proxies as Record<string, { dnsRecords: { name: string; value: string; purpose: string }[] }>).flatMap((p) => p.dnsRecords);
                const acm = records.filter((r) => /ACM validation/.test(r.purpose));
                assert.ok(acm.length > 0);
                for (const r of acm) {
                    assert.match(r.name, /^_<known after pulumi up>\.[a-z]+\.example\.com$/, "the known part of the name is kept");
                    assert.strictEqual(r.value, knownAfterUp);
                }
                // Ids are untouched and named: every resource id and every reference to one still resolves.
                assert.deepStrictEqual(shown.resources.map((r) => r.id), raw.resources.map((r) => r.id));
                for (const r of shown.resources) if (r.id) assert.ok(shown.mock.ids.includes(r.id), `${r.name}'s id is listed as mock`);
                assert.match(shown.mock.note, /stand-in/);
            });
        }
    });
});

