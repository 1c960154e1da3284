import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { formerHostnameRecordNames, recordAliases } from "../../components/dns/recordAliases";
import { planProgram } from "../../components/plan/mockPlan";

const record = "cloudflare:index/dnsRecord:DnsRecord";
const route53Record = "aws:route53/record:Record";
const urn = (types: string, name: string, type = record) => `urn:pulumi:st::proj::${types}$${type}::${name}`;

describe("recordAliases: one record whichever proxy component owns it", () => {
    let aliases: Record<string, string[]>;
    before(async () => {
        const plan = await planProgram(
            {},
            () => {
                const group = new pulumi.ComponentResource("my:app:Group", "group");
                return {
                    onCloudFront: recordAliases({ type: "first-party-proxy:aws:CloudFrontProxy", name: "p" }, record, "p-hostname", formerHostnameRecordNames("p")),
                    txtOnWorkers: recordAliases({ type: "first-party-proxy:cloudflare:WorkerProxy", name: "p" }, record, "p-txt-0"),
                    nested: recordAliases({ type: "first-party-proxy:cloudflare:CnameProxy", name: "p", parent: group }, record, "p-txt-0"),
                    route53Hostname: recordAliases({ type: "first-party-proxy:aws:CloudFrontProxy", name: "p" }, route53Record, "p-hostname-a", {
                        "first-party-proxy:aws:CloudFrontProxy": ["p-alias-a"],
                        "first-party-proxy:cloudflare:CnameProxy": ["p-cname"],
                    }),
                    route53Nested: recordAliases({ type: "first-party-proxy:aws:CloudFrontProxy", name: "p", parent: group }, route53Record, "p-hostname-a", {
                        "first-party-proxy:aws:CloudFrontProxy": ["p-alias-a"],
                    }),
                };
            },
            { project: "proj", stack: "st" },
        );
        aliases = plan.outputs as Record<string, string[]>;
    });

    it("names the record under every other proxy component type, and its former names under their own", () => {
        assert.deepStrictEqual(aliases.onCloudFront, [
            urn("first-party-proxy:aws:CloudFrontProxy", "p-alias"),
            urn("first-party-proxy:cloudflare:WorkerProxy", "p-hostname"),
            urn("first-party-proxy:cloudflare:PageRuleProxy", "p-hostname"),
            urn("first-party-proxy:cloudflare:PageRuleProxy", "p-cname"),
            urn("first-party-proxy:cloudflare:CnameProxy", "p-hostname"),
            urn("first-party-proxy:cloudflare:CnameProxy", "p-cname"),
        ]);
    });

    it("never names the record's own URN", () => {
        assert.deepStrictEqual(aliases.txtOnWorkers, [
            urn("first-party-proxy:aws:CloudFrontProxy", "p-txt-0"),
            urn("first-party-proxy:cloudflare:PageRuleProxy", "p-txt-0"),
            urn("first-party-proxy:cloudflare:CnameProxy", "p-txt-0"),
        ]);
    });

    it("keeps the component's own parent in the URNs, as the engine's type chain", () => {
        assert.deepStrictEqual(aliases.nested, [
            urn("my:app:Group$first-party-proxy:aws:CloudFrontProxy", "p-txt-0"),
            urn("my:app:Group$first-party-proxy:cloudflare:WorkerProxy", "p-txt-0"),
            urn("my:app:Group$first-party-proxy:cloudflare:PageRuleProxy", "p-txt-0"),
        ]);
    });

    it("gives a Route 53 record only its CloudFrontProxy names: no Cloudflare component ever held one (provider cloudflare takes only a Cloudflare zone)", () => {
        assert.deepStrictEqual(aliases.route53Hostname, [urn("first-party-proxy:aws:CloudFrontProxy", "p-alias-a", route53Record)]);
        assert.deepStrictEqual(aliases.route53Nested, [urn("my:app:Group$first-party-proxy:aws:CloudFrontProxy", "p-alias-a", route53Record)]);
    });
});
