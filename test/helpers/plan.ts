import { project } from "../../components/config/load";
import { Plan, PlannedResource, planProgram } from "../../components/plan/mockPlan";
import { readStackSettings } from "../../components/plan/stackSettings";
import { buildStack } from "../../components/stack";

/** Project config as a test writes it: keys without the `first-party-proxy:` prefix, values as in YAML. */
export type TestConfig = Record<string, unknown>;

/** `{provider: "aws", dns: {...}}` → the engine's flat map (`first-party-proxy:dns` → JSON text). */
export function flattenConfig(config: TestConfig, extra: Record<string, string> = {}): Record<string, string> {
    const flat: Record<string, string> = { "aws:region": "eu-west-1", ...extra };
    for (const [key, value] of Object.entries(config)) {
        if (value === undefined) continue;
        flat[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return flat;
}

/** Plans the program under mocks with the given project config. */
export function planConfig(config: TestConfig, stack = "test"): Promise<Plan> {
    return planProgram(flattenConfig(config), () => buildStack(), { project, stack });
}

/** Plans a stack settings file (e.g. Pulumi.dev.yaml or examples/*.yaml). */
export function planSettingsFile(file: string, stack = "test"): Promise<Plan> {
    return planProgram(readStackSettings(file), () => buildStack(), { project, stack });
}

/** Plans a config that must be refused; returns the error and how many registrations were requested meanwhile. */
export async function planRefused(config: TestConfig): Promise<{ error: Error; registered: number }> {
    let registered = 0;
    const onRegister = () => registered++;
    try {
        await planProgram(flattenConfig(config), () => buildStack(), { project, stack: "test", onRegister });
    } catch (error) {
        return { error: error as Error, registered };
    }
    throw new Error(`config was accepted and planned ${registered} resources: ${JSON.stringify(config)}`);
}

export const ofType = (plan: Plan, type: string): PlannedResource[] => plan.resources.filter((r) => r.type === type);

/** The resource a reference (id) points at, to follow references between inputs. */
export const byId = (plan: Plan, id: unknown): PlannedResource | undefined => plan.resources.find((r) => r.id === id);

/** Children of a component, by URN. */
export const childrenOf = (plan: Plan, parent: PlannedResource): PlannedResource[] =>
    plan.resources.filter((r) => r.parent === parent.urn);

/**
 * The proxies with `paths: vendor` wherever the key applies (not VTEX, not Segment's managed domains): the layout
 * with the vendors' own paths at the root, which the component tests pin down route by route.
 */
export function withVendorPaths(proxies: readonly TestConfig[]): TestConfig[] {
    return proxies.map((p) => (p.vendor === "vtex" || p.managed !== undefined || p.paths !== undefined ? p : { ...p, paths: "vendor" }));
}
