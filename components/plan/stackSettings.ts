import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** Stand-in for values encrypted with `pulumi config set --secret`, which only the Pulumi CLI can decrypt. */
export const secretPlaceholder = "mock-secret-value";

/**
 * Reads a stack settings file (`Pulumi.<stack>.yaml`) into the flat map the engine passes a program:
 * `namespace:key` → string, structured values as JSON text.
 */
export function readStackSettings(file: string): Record<string, string> {
    const text = fs.readFileSync(file, "utf8");
    const document = parse(text) ?? {};
    if (typeof document !== "object" || Array.isArray(document)) throw new Error(`${file}: not a mapping`);
    const config = (document as Record<string, unknown>).config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error(`${file}: config is not a mapping`);
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        if (!key.includes(":")) throw new Error(`${file}: config key ${key} needs a namespace (e.g. first-party-proxy:${key})`);
        flat[key] = encode(value);
    }
    return flat;
}

/** The settings file of a stack in a project directory. */
export function stackSettingsFile(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
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
