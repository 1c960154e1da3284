import * as assert from "assert";
import { policies } from "../../policy/policies";
import { planSettingsForPolicies, runPolicies, shippedStacks } from "./harness";

describe("policy pack on every shipped stack (offline plan)", () => {
    const stacks = shippedStacks();

    it("finds the dev stack and the examples", () => {
        assert.ok(stacks.some((s) => s.name === "dev"), "Pulumi.dev.yaml");
        assert.ok(stacks.length >= 2, `stacks found: ${stacks.map((s) => s.name).join(", ")}`);
    });

    for (const { name, file } of stacks) {
        it(`${name}: no violations`, async () => {
            const plan = await planSettingsForPolicies(file, name);
            assert.ok(plan.resources.length > 0, "the stack plans resources");
            assert.deepStrictEqual(await runPolicies(policies, plan), []);
        });
    }
});
