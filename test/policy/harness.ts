import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    Policies,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { project } from "../../components/config/load";
import { mockResource } from "../../components/plan/mockOutputs";
import { PlannedResource, planProgram } from "../../components/plan/mockPlan";
import { readStackSettings } from "../../components/plan/stackSettings";
import { buildStack } from "../../components/stack";
import { flattenConfig, TestConfig } from "../helpers/plan";

/*
 * Runs the policy pack offline against the offline plan: the engine's analyzer calls, rebuilt from what the program
 * registered under mocks. Resource policies get `ResourceValidationArgs` (inputs as props, the resource options the
 * program asked for, the provider it names or the stack's default provider); stack policies get every resource as
 * a `PolicyResource` whose props are the mocks' outputs, linked to its parent, dependencies and provider.
 */

// Pulumi's internal runtime module: the (mock) monitor every registration goes through.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require("@pulumi/pulumi/runtime/settings");

/** The options of a registration, as the engine would receive them. */
export interface RegisteredOptions {
    /** Undefined when the program did not set the option. */
    readonly deleteBeforeReplace?: boolean;
    readonly protect: boolean;
    readonly ignoreChanges: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Every alias, as the URN the engine looks for in the stack's state (spec aliases completed from the resource). */
    readonly aliases: readonly string[];
}

export interface PolicyPlan {
    /** The project the program ran as: this repository's, or a user program's. */
    readonly project: string;
    readonly stack: string;
    /** The flat stack config the plan ran with (`aws:region` included). */
    readonly config: Readonly<Record<string, string>>;
    readonly resources: readonly PlannedResource[];
    /** The stack outputs, resolved. */
    readonly outputs: Readonly<Record<string, unknown>>;
    /** Per URN. */
    readonly options: ReadonlyMap<string, RegisteredOptions>;
}

/** Pulumi's mocks are process-wide: plans must run one after the other, never interleaved. */
let planQueue: Promise<unknown> = Promise.resolve();

/** Plans the real program under mocks with a flat config, recording each registration's options too. */
export function planForPolicies(config: Record<string, string>, stack = "test"): Promise<PolicyPlan> {
    return planProgramForPolicies(config, () => buildStack(), { project, stack });
}

/** Plans any program (a user's own, importing the library) under mocks, recording each registration's options too. */
export function planProgramForPolicies(config: Record<string, string>, program: () => unknown, at: { project: string; stack: string }): Promise<PolicyPlan> {
    const run = planQueue.then(() => planOnce(config, program, at));
    planQueue = run.catch(() => undefined);
    return run;
}

async function planOnce(config: Record<string, string>, program: () => unknown, { project, stack }: { project: string; stack: string }): Promise<PolicyPlan> {
    const options = new Map<string, RegisteredOptions>();
    // Pulumi records a stack trace with every promise it makes, for its leak report; under ts-node's source maps
    // that is two thirds of a plan's time. The plans here do without (PLAN_STACK_TRACES=1 keeps them).
    const limit = Error.stackTraceLimit;
    if (!process.env.PLAN_STACK_TRACES) Error.stackTraceLimit = 0;
    try {
        const plan = await planProgram(
            config,
            () => {
                recordOptions(options, stack, project);
                return program();
            },
            { project, stack },
        );
        return { project, stack, config, resources: plan.resources, outputs: plan.outputs, options };
    } finally {
        Error.stackTraceLimit = limit;
    }
}

const settingsPlans = new Map<string, Promise<PolicyPlan>>();

/** Plans a stack settings file once per test run (plans are never edited in place: the `with...` helpers copy). */
export function planSettingsForPolicies(file: string, stack = "test"): Promise<PolicyPlan> {
    const key = `${stack}\u0000${file}`;
    if (!settingsPlans.has(key)) settingsPlans.set(key, planForPolicies(readStackSettings(file), stack));
    return settingsPlans.get(key)!;
}

export const planConfigForPolicies = (config: TestConfig, stack = "test") => planForPolicies(flattenConfig(config), stack);

/** Wraps the mock monitor (installed by planProgram just before the program runs) to keep each request's options. */
function recordOptions(into: Map<string, RegisteredOptions>, stack: string, project: string): void {
    const monitor = runtimeSettings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
        register(req, (err: unknown, resp: any) => {
            if (!err && resp) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps: any, key: string) => (propertyDependencies[key] = deps.getUrnsList()));
                into.set(resp.getUrn(), {
                    deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
                    protect: req.getProtect(),
                    ignoreChanges: req.getIgnorechangesList(),
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    aliases: req.getAliasesList().map((alias: any) => aliasUrn(alias, req, stack, project)),
                });
            }
            callback(err, resp);
        });
}

/**
 * The URN an alias of a registration stands for: a URN alias as it is; a spec alias with the resource's own name,
 * type, stack, project and parent wherever the spec leaves them out, as the engine completes it.
 */
function aliasUrn(alias: any, req: any, stack: string, project: string): string {
    if (alias.hasUrn()) return alias.getUrn();
    const spec = alias.getSpec();
    const parent: string = spec.hasParenturn() ? spec.getParenturn() : spec.getNoparent() ? "" : req.getParent();
    const prefix = `urn:pulumi:${spec.getStack() || stack}::${spec.getProject() || project}::`;
    const parentType = parent ? parent.split("::")[2] : "pulumi:pulumi:Stack";
    const parentTypes = parentType === "pulumi:pulumi:Stack" ? "" : `${parentType}$`;
    return `${prefix}${parentTypes}${spec.getType() || req.getType()}::${spec.getName() || req.getName()}`;
}

const noOptions: RegisteredOptions = { protect: false, ignoreChanges: [], additionalSecretOutputs: [], dependencies: [], propertyDependencies: {}, aliases: [] };
const clone = <T>(value: T): T => structuredClone(value);
const isComponent = (r: PlannedResource) => r.id === null;
const pulumiTypeOf = (cls: unknown): string | undefined => (cls as { __pulumiType?: string } | undefined)?.__pulumiType;

function policyOptions(r: PlannedResource, plan: PolicyPlan): PolicyResourceOptions {
    const o = plan.options.get(r.urn) ?? noOptions;
    return {
        protect: o.protect,
        ignoreChanges: [...o.ignoreChanges],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...o.additionalSecretOutputs],
        ...(o.deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace: o.deleteBeforeReplace }),
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/**
 * The provider a resource is created with: the provider resource its reference (`<urn>::<id>`) names, or the
 * package's default provider, configured from the stack's `<package>:` config as the engine would.
 */
export function providerOf(r: PlannedResource, plan: PolicyPlan): PolicyProviderResource | undefined {
    if (isComponent(r) || r.type.startsWith("pulumi:providers:")) return undefined;
    if (r.provider) {
        const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
        const p = plan.resources.find((x) => x.urn === urn);
        assert.ok(p, `${r.urn} names provider ${r.provider}, which the plan does not hold`);
        return { type: p.type, props: clone(p.inputs), urn: p.urn, name: p.name };
    }
    const pkg = r.type.split(":")[0];
    const props = Object.fromEntries(
        Object.entries(plan.config)
            .filter(([k]) => k.startsWith(`${pkg}:`))
            .map(([k, v]) => [k.slice(pkg.length + 1), v]),
    );
    const name = "default";
    return { type: `pulumi:providers:${pkg}`, props, urn: `urn:pulumi:${plan.stack}::${plan.project}::pulumi:providers:${pkg}::${name}`, name };
}

/** The policy SDK's way to say "not for this resource": thrown by `notApplicable`, never a violation. */
class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

/** What the engine shows of a resource to resource and stack policies alike, with `props` as given. */
function engineView(r: PlannedResource, plan: PolicyPlan, props: Record<string, any>) {
    const provider = providerOf(r, plan);
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: policyOptions(r, plan),
        ...(provider ? { provider } : {}),
        isType: (cls: unknown) => pulumiTypeOf(cls) === r.type,
    };
}

export function resourceArgs(r: PlannedResource, plan: PolicyPlan): ResourceValidationArgs {
    const props = clone(r.inputs) as Record<string, any>;
    return {
        ...engineView(r, plan, props),
        // The two views type asType differently (inputs vs resolved outputs); the check is the same.
        asType: ((cls: unknown) => (pulumiTypeOf(cls) === r.type ? props : undefined)) as ResourceValidationArgs["asType"],
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
    };
}

/** Every resource as a stack policy sees it after an update: outputs as props, parent and dependencies linked. */
export function stackArgs(plan: PolicyPlan): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of plan.resources) {
        const props = (isComponent(r) ? clone(r.inputs) : clone(mockResource(r.type, r.name, r.inputs).state)) as Record<string, any>;
        const resource: PolicyResource = {
            ...engineView(r, plan, props),
            asType: ((cls: unknown) => (pulumiTypeOf(cls) === r.type ? props : undefined)) as PolicyResource["asType"],
            dependencies: [],
            propertyDependencies: {},
        };
        byUrn.set(r.urn, resource);
    }
    for (const r of plan.resources) {
        const resource = byUrn.get(r.urn)!;
        const o = plan.options.get(r.urn) ?? noOptions;
        if (r.parent && byUrn.has(r.parent)) resource.parent = byUrn.get(r.parent);
        resource.dependencies = o.dependencies.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
        for (const [key, urns] of Object.entries(o.propertyDependencies)) {
            resource.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
        }
    }
    return { resources: [...byUrn.values()], stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable };
}

export interface Violation {
    readonly policy: string;
    readonly message: string;
    readonly urn?: string;
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** Runs each policy as the engine does (type filter, every validation, not-applicable ignored); returns every violation. */
export async function runPolicies(policies: Policies, plan: PolicyPlan): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        if (isStackPolicy(policy)) {
            const report = (message: string, urn?: string) => violations.push({ policy: policy.name, message, ...(urn ? { urn } : {}) });
            await ignoreNotApplicable(() => policy.validateStack(stackArgs(plan), report));
            continue;
        }
        const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
        for (const r of plan.resources) {
            const report = (message: string) => violations.push({ policy: policy.name, message, urn: r.urn });
            for (const validate of validations) {
                const onlyType = pulumiTypeOf(validate);
                if (validations.length === 1 && onlyType !== undefined && onlyType !== r.type) continue;
                await ignoreNotApplicable(() => validate(resourceArgs(r, plan), report));
            }
        }
    }
    return violations;
}

async function ignoreNotApplicable(run: () => Promise<void> | void): Promise<void> {
    try {
        await run();
    } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
    }
}

/** A copy of the plan with the first resource `pick` selects changed by `change` (which edits a deep copy of its inputs). */
export function withChangedInputs(
    plan: PolicyPlan,
    pick: (r: PlannedResource) => boolean,
    change: (inputs: any, r: PlannedResource) => void,
): PolicyPlan {
    const index = plan.resources.findIndex(pick);
    assert.ok(index >= 0, "no resource in the plan matches the one to change");
    const resources = [...plan.resources];
    const inputs = clone(resources[index].inputs);
    change(inputs, resources[index]);
    resources[index] = { ...resources[index], inputs };
    return { ...plan, resources };
}

/** A copy of the plan with the options of the first resource `pick` selects changed. */
export function withChangedOptions(
    plan: PolicyPlan,
    pick: (r: PlannedResource) => boolean,
    change: (o: RegisteredOptions) => RegisteredOptions,
): PolicyPlan {
    const r = plan.resources.find(pick);
    assert.ok(r, "no resource in the plan matches the one to change");
    const options = new Map(plan.options);
    options.set(r.urn, change(options.get(r.urn) ?? noOptions));
    return { ...plan, options };
}

/** A copy of the plan with more resources (e.g. something the program never creates). */
export function withExtraResources(plan: PolicyPlan, extra: readonly PlannedResource[]): PolicyPlan {
    return { ...plan, resources: [...plan.resources, ...extra] };
}

export const byType = (type: string) => (r: PlannedResource) => r.type === type;

const projectRoot = path.resolve(__dirname, "../..");

/** Every stack settings file the project ships: Pulumi.<stack>.yaml at the root and examples/*.yaml, found anew each run. */
export function shippedStacks(): { name: string; file: string }[] {
    const stacks = fs
        .readdirSync(projectRoot)
        .filter((f) => /^Pulumi\.[^.]+\.ya?ml$/.test(f))
        .sort()
        .map((f) => ({ name: f.replace(/^Pulumi\.|\.ya?ml$/g, ""), file: path.join(projectRoot, f) }));
    const examples = path.join(projectRoot, "examples");
    if (fs.existsSync(examples)) {
        for (const f of fs.readdirSync(examples).filter((f) => /\.ya?ml$/.test(f)).sort()) {
            stacks.push({ name: f.replace(/\.ya?ml$/, ""), file: path.join(examples, f) });
        }
    }
    return stacks;
}

/** The plan of a shipped stack by name (`dev`, `cloudflare-worker`, ...). */
export function planShipped(name: string): Promise<PolicyPlan> {
    const stack = shippedStacks().find((s) => s.name === name);
    assert.ok(stack, `no shipped stack named ${name}`);
    return planSettingsForPolicies(stack.file, name);
}
