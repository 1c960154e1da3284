import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configKeys, project } from "../../components/config/load";

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
});
