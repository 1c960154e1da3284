import * as assert from "assert";
import { stableHash } from "../../components/plan/mockOutputs";
import { Plan } from "../../components/plan/mockPlan";
import { byId, ofType } from "../helpers/plan";
import { examplePlan, inputs, zoneId } from "../cloudflare/fixtures";

const T = {
    distribution: "aws:cloudfront/distribution:Distribution",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    route53: "aws:route53/record:Record",
    record: "cloudflare:index/dnsRecord:DnsRecord",
};

const hosts = ["e.example.com", "cdn.example.com", "api.example.com", "r.example.com", "www.example.com"];

describe("CloudFront with Cloudflare DNS", () => {
    let plan: Plan;
    before(async () => {
        // PostHog EU, Segment's two hosts, Amplitude EU and VTEX, DNS in the Cloudflare zone example.com.
        plan = await examplePlan("cloudfront-cloudflare-dns");
    });

    const records = () => ofType(plan, T.record).map(inputs);

    it("writes every record in the Cloudflare zone, none in Route 53", () => {
        assert.strictEqual(ofType(plan, T.route53).length, 0);
        assert.ok(records().length > 0);
        for (const r of records()) assert.strictEqual(r.zoneId, zoneId, "zone id from the Cloudflare zone look-up");
    });

    for (const host of hosts) {
        it(`${host}: an unproxied CNAME to its distribution (CloudFront terminates TLS; the orange cloud would break it)`, () => {
            const distribution = ofType(plan, T.distribution).find((d) => inputs(d).aliases.includes(host))!;
            // The mocks answer a distribution's domainName from its resource name, as CloudFront would assign one.
            const domainName = `d${stableHash(distribution.name, 13)}.cloudfront.net`;
            const alias = records().filter((r) => r.name === host);
            assert.deepStrictEqual(
                alias.map((r) => [r.type, r.content, r.proxied, r.ttl]),
                [["CNAME", domainName, false, 300]],
            );
        });

        it(`${host}: the ACM validation CNAME in Cloudflare, unproxied, and the validation waits for exactly that name`, () => {
            const certificate = ofType(plan, T.certificate).find((c) => inputs(c).domainName === host)!;
            const validation = ofType(plan, T.validation).find((v) => inputs(v).certificateArn === certificate.id)!;
            assert.ok(validation, "a CertificateValidation for the certificate");
            const [fqdn, ...more] = inputs(validation).validationRecordFqdns as string[];
            assert.strictEqual(more.length, 0);
            assert.match(fqdn, new RegExp(`^_[0-9a-f]{32}\\.${host.replace(/\./g, "\\.")}$`), "the record's name, no trailing dot");
            const record = records().find((r) => r.name === fqdn);
            assert.ok(record, `a Cloudflare record named ${fqdn}`);
            assert.strictEqual(record.type, "CNAME");
            assert.strictEqual(record.proxied, false, "ACM must see the CNAME itself, not Cloudflare's proxy");
            assert.match(record.content, /^_[0-9a-f]{32}\.abcdefghij\.acm-validations\.aws$/, "no trailing dot");
            // The distribution uses the validated certificate.
            const distribution = ofType(plan, T.distribution).find((d) => inputs(d).aliases.includes(host))!;
            assert.strictEqual(byId(plan, inputs(distribution).viewerCertificate.acmCertificateArn)?.type, T.certificate);
        });
    }

    it("VTEX's TXT record goes to Cloudflare too, quoted as Cloudflare stores it", () => {
        const txt = records().filter((r) => r.type === "TXT");
        assert.deepStrictEqual(txt.map((r) => [r.name, r.content, r.proxied]), [["_www.example.com", '"www.example.com.cdn.vtex.com"', false]]);
    });

    it("no record is proxied", () => {
        assert.ok(records().every((r) => r.proxied === false));
    });

    it("outputs list the records as created", () => {
        const out = (plan.outputs.proxies as any)["posthog-e-example-com"];
        assert.strictEqual(out.cdn, "cloudfront");
        const types = out.dnsRecords.map((r: any) => r.type);
        assert.deepStrictEqual(types.sort(), ["CNAME", "CNAME"], "alias and validation");
        assert.ok(out.dnsRecords.some((r: any) => r.name === "e.example.com" && r.value.endsWith(".cloudfront.net")));
        assert.ok(out.dnsRecords.every((r: any) => r.createdBy === "stack" && r.alias === undefined), "Cloudflare creates every one, as CNAMEs");
        assert.deepStrictEqual(out.todo, [], "nothing is left to the user");
    });
});
