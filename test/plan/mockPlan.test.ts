import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { planProgram } from "../../components/plan/mockPlan";
import { flattenConfig, planRefused } from "../helpers/plan";

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
});
