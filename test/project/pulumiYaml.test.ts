import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configKeys, project } from "../../components/config/load";
import { planProgram } from "../../components/plan/mockPlan";
import { buildStack } from "../../components/stack";

// Pulumi refuses a project file whose config declarations break its schema (sdk/go/common/workspace/project.json):
// types are string, integer, boolean or array (with simple `items`), and only the project's own keys may be typed.
const simpleTypes = ["string", "integer", "boolean", "array"];
const root = path.resolve(__dirname, "../..");

describe("Pulumi.yaml", () => {
    const file = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));

    it("names the project and the Node.js runtime with TypeScript", () => {
        assert.strictEqual(file.name, project);
        assert.strictEqual(file.runtime.name, "nodejs");
    });

    it("runs the program with the Node options the offline plan has (bin/planNodeOptions.js), as one nodeargs string", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const planNodeOptions: string[] = require("../../bin/planNodeOptions");
        assert.deepStrictEqual(file.runtime.options, { typescript: true, nodeargs: planNodeOptions.join(" ") });
        const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;
        assert.strictEqual(scripts.plan, "node bin/first-party-proxy.js plan", "npm run plan goes through the bin, which adds the options");
    });

    it("declares exactly the keys the program reads, in the project's namespace", () => {
        const declared = Object.keys(file.config).map((k) => k.replace(`${project}:`, ""));
        assert.deepStrictEqual([...declared].sort(), [...configKeys].sort());
    });

    it("uses only the config types Pulumi's project schema allows", () => {
        for (const [key, declaration] of Object.entries<any>(file.config)) {
            assert.ok(typeof declaration.description === "string" && declaration.description.length > 0, `${key} is described`);
            if (declaration.type === undefined) continue;
            assert.ok(simpleTypes.includes(declaration.type), `${key}: type ${declaration.type}`);
            if (declaration.type === "array") {
                assert.ok(declaration.items && simpleTypes.includes(declaration.items.type), `${key}: array items`);
            }
        }
    });

    it("defaults match their declared types", () => {
        const defaults = Object.entries<any>(file.config).filter(([, d]) => d.default !== undefined);
        assert.ok(defaults.length > 0, "the typed keys carry defaults");
        for (const [key, d] of defaults) {
            const expected = { string: "string", integer: "number", boolean: "boolean", array: "object" }[d.type as string];
            assert.ok(expected, `${key}: a default needs a type`);
            assert.strictEqual(typeof d.default, expected, `${key}: default ${JSON.stringify(d.default)} is a ${d.type}`);
        }
    });

    describe("template (pulumi new)", () => {
        it("describes the project and prompts for provider, DNS provider and zone, and the first proxy", () => {
            assert.ok(typeof file.template?.description === "string" && file.template.description.length > 0);
            const prompts = file.template.config ?? {};
            for (const key of ["provider", "dns", "proxies"]) {
                const prompt = prompts[`${project}:${key}`];
                assert.ok(prompt, `prompts for ${key}`);
                assert.ok(typeof prompt.description === "string" && prompt.description.length > 0, `${key} prompt is described`);
                assert.strictEqual(typeof prompt.default, "string", `${key} prompt has a default pulumi new can store`);
            }
            assert.match(prompts[`${project}:dns`].description, /provider.*zone/);
            assert.match(prompts[`${project}:proxies`].description, /vendor.*domain/);
        });

        it("a stack started with the prompts' defaults plans", async () => {
            // pulumi new stores each answer as a string config value, as this map does.
            const config: Record<string, string> = Object.fromEntries(Object.entries<any>(file.template.config).map(([k, p]) => [k, String(p.default)]));
            const plan = await planProgram(config, () => buildStack(), { project, stack: "new" });
            assert.ok(plan.resources.some((r) => r.type === "aws:cloudfront/distribution:Distribution"));
            assert.deepStrictEqual(Object.keys(plan.outputs.proxies as object), ["posthog-e-example-com"]);
        });
    });
});
