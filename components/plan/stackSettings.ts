import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { secretPlaceholder } from "../config/secret";

export { secretPlaceholder };

/**
 * This program's project file: its project-level config applies to every stack, as `pulumi` applies it. In the
 * repository it is two directories up; in the installed package this module is compiled into dist/, one more.
 */
export const projectFile =
    [path.resolve(__dirname, "../../Pulumi.yaml"), path.resolve(__dirname, "../../../Pulumi.yaml")].find((f) => fs.existsSync(f)) ??
    path.resolve(__dirname, "../../Pulumi.yaml");

/**
 * Where `Pulumi.<stack>.yaml` files are looked for: this repository's root when running from its sources (it holds
 * Pulumi.yaml), else (the installed package's command) the current directory.
 */
export function defaultProjectDir(scriptDir: string): string {
    const root = path.resolve(scriptDir, "..");
    return fs.existsSync(path.join(root, "Pulumi.yaml")) ? root : process.cwd();
}

/** A stack's config as the engine would pass it, and what the offline plan could not read. */
export interface StackSettings {
    /** `namespace:key` → string, structured values as JSON text. */
    readonly config: Record<string, string>;
    /** What the plan left out and why (an ESC environment), for the user to read. */
    readonly notes: string[];
}

/** Keys a project-level config declaration may have; any other mapping is a value. */
const declarationKeys = new Set(["type", "description", "items", "default", "value", "secret"]);

/**
 * Reads a stack settings file (`Pulumi.<stack>.yaml`) into the flat map the engine passes a program, with the
 * project-level config of `project` applied as Pulumi applies it: a stack's own value wins, then the project's
 * `value`, then its `default`; a key without a namespace is the project's. Secrets (`secure:`) become
 * `secretPlaceholder`. An ESC `environment:` is not read (it needs Pulumi Cloud): a note says so.
 */
export function loadStackSettings(file: string, project: string | null = projectFile): StackSettings {
    const document = readMapping(file);
    const projectDocument = project && fs.existsSync(project) ? readMapping(project) : {};
    const projectName = typeof projectDocument.name === "string" ? projectDocument.name : undefined;
    const flat: Record<string, string> = {};

    for (const [key, declared] of Object.entries(mappingAt(project ?? "", projectDocument, "config"))) {
        const fullKey = key.includes(":") ? key : projectName ? `${projectName}:${key}` : key;
        const isDeclaration = isMapping(declared) && Object.keys(declared).length > 0 && Object.keys(declared).every((k) => declarationKeys.has(k));
        const value = isDeclaration ? ((declared as Record<string, unknown>).value ?? (declared as Record<string, unknown>).default) : declared;
        if (value !== undefined && value !== null) flat[fullKey] = encode(value);
    }
    for (const [key, value] of Object.entries(mappingAt(file, document, "config"))) {
        if (!key.includes(":")) throw new Error(`${file}: config key ${key} needs a namespace (e.g. first-party-proxy:${key})`);
        flat[key] = encode(value);
    }

    const notes: string[] = [];
    const environment = document.environment;
    if (environment !== undefined && environment !== null) {
        const names = (Array.isArray(environment) ? environment : [environment]).map(String).join(", ");
        notes.push(
            `${path.basename(file)} imports the Pulumi ESC environment ${names}: not read by the offline plan (ESC needs Pulumi Cloud). ` +
                "Config it provides is missing here; put the values in the stack file to plan offline, or run `pulumi preview`.",
        );
    }
    return { config: flat, notes };
}

/** The config of a stack settings file (see `loadStackSettings`). */
export function readStackSettings(file: string, project: string | null = projectFile): Record<string, string> {
    return loadStackSettings(file, project).config;
}

/** The settings file of a stack in a project directory. */
export function stackSettingsFile(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

function readMapping(file: string): Record<string, unknown> {
    const document = parse(fs.readFileSync(file, "utf8")) ?? {};
    if (!isMapping(document)) throw new Error(`${file}: not a mapping`);
    return document;
}

function mappingAt(file: string, document: Record<string, unknown>, key: string): Record<string, unknown> {
    const value = document[key] ?? {};
    if (!isMapping(value)) throw new Error(`${file}: ${key} is not a mapping`);
    return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function encode(value: unknown): string {
    if (isSecure(value)) return secretPlaceholder;
    if (typeof value === "string") return value;
    return JSON.stringify(stripSecure(value));
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

function stripSecure(value: unknown): unknown {
    if (isSecure(value)) return secretPlaceholder;
    if (Array.isArray(value)) return value.map(stripSecure);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSecure(v)]));
    }
    return value;
}
