import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { parse } from "yaml";
import { project } from "../../components/config/load";
import { vendorIds } from "../../components/model/types";
import { planProgram } from "../../components/plan/mockPlan";
import * as library from "../../index";

/*
 * The repository as a Pulumi component package (`pulumi package add <repository>`): the plugin host loads the
 * package's main, finds the exported ComponentResource classes, and serves a schema that Pulumi turns into SDKs for
 * every language, then builds components with construct(). Both run here offline, with Pulumi's own provider.
 */

const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string };
const token = "first-party-proxy:index:FirstPartyProxy";

interface Property {
    readonly type?: string;
    readonly $ref?: string;
    readonly plain?: boolean;
    readonly description?: string;
    readonly items?: Property;
    readonly additionalProperties?: Property;
}
interface Schema {
    readonly name: string;
    readonly version: string;
    readonly resources: Record<string, { isComponent: boolean; description: string; inputProperties: Record<string, Property>; requiredInputs: string[]; properties: Record<string, Property>; required: string[] }>;
    readonly types: Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, Property> }>;
}

// The plugin host's own lookup of the components a package exports (what `pulumi package add` runs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getPulumiComponents } = require("@pulumi/pulumi/provider/experimental/provider") as { getPulumiComponents(exports: unknown): Function[] };

describe("Pulumi component package (PulumiPlugin.yaml, for every Pulumi language)", function () {
    // The analyzer compiles the package's TypeScript program (tsconfig.json) to read the types: tens of seconds.
    this.timeout(600_000);
    let provider: ComponentProvider;
    let schema: Schema;

    before(async () => {
        const components = getPulumiComponents(library);
        provider = new ComponentProvider({ dirname: root, name: pkg.name, components: components as never });
        schema = JSON.parse(await provider.getSchema()) as Schema;
    });

    it("PulumiPlugin.yaml runs the package with Node.js; its main exports exactly one component, FirstPartyProxy", () => {
        assert.deepStrictEqual(parse(fs.readFileSync(path.join(root, "PulumiPlugin.yaml"), "utf8")), { runtime: "nodejs" });
        assert.deepStrictEqual(getPulumiComponents(library), [library.FirstPartyProxy]);
    });

    it("the schema has the component under its type token, with the package's name and version", () => {
        assert.strictEqual(schema.name, "first-party-proxy");
        assert.strictEqual(schema.version, pkg.version);
        assert.deepStrictEqual(Object.keys(schema.resources), [token]);
        const resource = schema.resources[token];
        assert.strictEqual(resource.isComponent, true);
        assert.match(resource.description, /^Serves a vendor's SDK and ingestion endpoints from your own hostname/);
    });

    it("inputs: the proxies entry keys and the CDN and DNS choice, enums for closed sets, descriptions from the doc comments", () => {
        const { inputProperties: inputs, requiredInputs } = schema.resources[token];
        assert.deepStrictEqual([...requiredInputs].sort(), ["dns", "provider", "vendor"]);
        assert.deepStrictEqual(Object.keys(inputs).sort(), [
            "apiDomain", "apiTarget", "cdnDomain", "cdnTarget", "clientIp", "cloudflare", "cloudfront", "dns", "domain", "managed", "measurementPath",
            "nameServers", "origins", "pathPrefix", "paths", "products", "provider", "quotas", "region", "routes", "setUpTag", "sharedHost", "site", "tagId", "target", "vendor",
        ]);
        const enumOf = (ref: string | undefined) => schema.types[ref!.replace("#/types/", "")].enum!.map((e) => e.value);
        assert.deepStrictEqual(enumOf(inputs.vendor.$ref), [...vendorIds]);
        assert.deepStrictEqual(enumOf(inputs.provider.$ref), ["aws", "cloudflare"]);
        assert.deepStrictEqual(enumOf(inputs.region.$ref), ["us", "eu"]);
        assert.deepStrictEqual(enumOf(inputs.paths.$ref), ["public", "vendor"]);
        assert.deepStrictEqual(enumOf(inputs.managed.$ref), ["delegation", "cname", "proxy"]);
        assert.deepStrictEqual(enumOf(inputs.clientIp.$ref), ["forward", "anonymize", "drop"]);
        assert.deepStrictEqual(enumOf(inputs.products.items!.$ref), ["analytics", "sessionReplay"]);
        // Quotas by id, each {limit, used}: the map a Python or YAML program writes.
        assert.strictEqual(inputs.quotas.additionalProperties!.$ref, "#/types/first-party-proxy:index:QuotaArgs");
        assert.deepStrictEqual(Object.keys(schema.types["first-party-proxy:index:QuotaArgs"].properties!).sort(), ["limit", "used"]);
        assert.strictEqual(inputs.domain.description, "The hostname the proxy serves, e.g. e.example.com (for VTEX the store's, e.g. www.example.com).");
        // What decides which resources exist is plain (known before anything is created)...
        for (const key of ["vendor", "provider", "domain", "dns", "cloudflare", "paths"]) assert.strictEqual(inputs[key].plain, true, key);
        // ...the Cloudflare account may be an Output of the user's program.
        const cloudflare = schema.types["first-party-proxy:index:CloudflareArgs"].properties!;
        assert.strictEqual(cloudflare.accountId.plain, undefined, "accountId takes an Output");
        assert.strictEqual(cloudflare.mode.plain, true);
        assert.deepStrictEqual(enumOf(cloudflare.workerScripts.$ref), ["perSite", "shared"]);
        assert.strictEqual(cloudflare.workerScripts.plain, true);
        assert.deepStrictEqual(Object.keys(schema.types["first-party-proxy:index:DnsArgs"].properties!).sort(), ["provider", "zone", "zoneId"]);
    });

    it("outputs: urls, sdk, snippet, dnsRecords, notes, todo and the rest, typed", () => {
        const { properties: outputs, required } = schema.resources[token];
        // region only where the vendor has a choice (not VTEX, Plausible, or a managed domain).
        assert.deepStrictEqual([...required].sort(), ["cdn", "cdnTargets", "dnsRecords", "notes", "sdk", "snippet", "todo", "urls", "vendor"]);
        assert.strictEqual(outputs.region.type, "string");
        assert.deepStrictEqual(outputs.urls.items, { type: "string" });
        assert.deepStrictEqual(outputs.sdk.additionalProperties, { type: "string" });
        assert.strictEqual(outputs.dnsRecords.items!.$ref, "#/types/first-party-proxy:index:DnsRecord");
        assert.deepStrictEqual(Object.keys(schema.types["first-party-proxy:index:DnsRecord"].properties!).sort(), ["alias", "createdBy", "name", "purpose", "type", "value"]);
        assert.strictEqual(outputs.snippet.description, "The SDK settings as code to paste.");
    });

    it("construct() builds a proxy from the plain values a Python or YAML program sends, and returns its outputs", async () => {
        // As the engine hands them over: plain JSON values, names as in the schema.
        const inputs = {
            vendor: "posthog",
            region: "eu",
            domain: "e.example.com",
            provider: "cloudflare",
            dns: { provider: "cloudflare", zone: "example.com" },
            cloudflare: { accountId: "0123456789abcdef0123456789abcdef" },
        };
        const plan = await planProgram({}, () => provider.construct("analytics", token, inputs, {}), { project, stack: "py" });
        const component = plan.resources.find((r) => r.type === token)!;
        assert.strictEqual(component.name, "analytics");
        const worker = plan.resources.find((r) => r.type === "first-party-proxy:cloudflare:WorkerProxy")!;
        assert.strictEqual(worker.parent, component.urn, "the CDN component is the FirstPartyProxy's child");
        const scripts = plan.resources.filter((r) => r.type === "cloudflare:index/workersScript:WorkersScript");
        assert.strictEqual(scripts.length, 1);
        const state = (plan.outputs as { urn: string; state: Record<string, unknown> }).state;
        assert.deepStrictEqual(state.urls, ["https://e.example.com"]);
        assert.strictEqual((state.sdk as Record<string, string>).ui_host, "https://eu.posthog.com");
        assert.strictEqual(state.cdn, "cloudflare-worker");
        assert.ok(Array.isArray(state.dnsRecords) && state.dnsRecords.length > 0);
        assert.deepStrictEqual(Object.keys(state).sort(), Object.keys(schema.resources[token].properties).sort(), "every output the schema declares");
    });

    it("construct() refuses bad values with the arg path, before registering anything", async () => {
        let registered = 0;
        await assert.rejects(
            planProgram({}, () => provider.construct("analytics", token, { vendor: "posthog", provider: "aws", dns: { provider: "route53", zone: "example.com" } }, {}), {
                project,
                stack: "py",
                onRegister: () => registered++,
            }),
            /Invalid args for FirstPartyProxy "analytics" \(1 problem\); nothing was created:\n {2}- domain: is required/,
        );
        assert.strictEqual(registered, 0);
    });
});
