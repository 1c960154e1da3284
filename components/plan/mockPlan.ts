import * as pulumi from "@pulumi/pulumi";
import { forgetProgramShares } from "../programShares";
import { knownAfterUp, mockInvoke, mockResource } from "./mockOutputs";

/** One registered resource, as the offline plan reports it. */
export interface PlannedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The mock id other resources' inputs refer to; null for components. */
    readonly id: string | null;
    /** The parent's URN, or null at the top. */
    readonly parent: string | null;
    /** An explicit provider reference (`<provider urn>::<provider id>`), or null for the default provider. */
    readonly provider: string | null;
    /** What the program registered, Outputs resolved. */
    readonly inputs: Record<string, unknown>;
}

export interface Plan {
    readonly resources: PlannedResource[];
    readonly outputs: Record<string, unknown>;
    /** What the mocks made up. The plan's raw values keep them (tests follow them); `presentPlan` marks them. */
    readonly mock: MockValues;
}

export interface MockValues {
    /** Resource ids and looked-up zone ids the mocks made up: references between resources use them. */
    readonly ids: string[];
    /** Invented strings that stand for values known only after deploy (domain names, ACM records, random suffixes). */
    readonly unknown: string[];
}

/** The plan as users read it (`plan --json`, the tree): what only a deploy knows is marked, mock ids are named. */
export interface PresentedPlan {
    readonly resources: PlannedResource[];
    readonly outputs: Record<string, unknown>;
    readonly mock: {
        readonly note: string;
        readonly knownAfterUp: string;
        readonly ids: string[];
    };
}

export interface PlanOptions {
    readonly project: string;
    readonly stack: string;
    /** Called for every registration request, before the mock answers: sees what a failing program registered. */
    readonly onRegister?: (type: string, name: string) => void;
}

// Pulumi's internal runtime modules: the mock monitor and the wait for outstanding registrations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable");

const secretSig = "4dabf18193072939515e22adb298388d";

/**
 * Runs `program` under Pulumi's runtime mocks with `config` (flat `namespace:key` → string) and returns every
 * resource it registered and its resolved outputs. Needs no CLI, account or credentials. Config must be set before
 * the program reads it, so it is applied here, after `setMocks` and before `program` runs.
 */
export async function planProgram(
    config: Record<string, string>,
    program: () => unknown,
    options: PlanOptions,
): Promise<Plan> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const mocked = mockResource(args.type, args.name, args.inputs);
                if (args.custom !== false) ids.add(mocked.id);
                for (const u of mocked.unknown) unknown.add(u);
                return { id: args.custom === false ? undefined : mocked.id, state: mocked.state };
            },
            call: (args) => {
                const answer = mockInvoke(args.token, args.inputs);
                for (const key of ["id", "zoneId"]) if (typeof answer[key] === "string" && answer[key] !== args.inputs[key]) ids.add(answer[key]);
                return answer;
            },
        },
        options.project,
        options.stack,
        false,
    );
    pulumi.runtime.setAllConfig(config);
    // Each plan is a program run of its own: nothing it shares (zone rules, providers) carries over from the last.
    forgetProgramShares();

    const resources: PlannedResource[] = [];
    const ids = new Set<string>();
    const unknown = new Set<string>();
    const monitor = settings.getMonitor();
    // The engine qualifies a URN's type with its parent's whole type chain (`A$B$type`); the mock monitor keeps only
    // the parent's last type, which differs from the engine (and from pulumi.createUrn, which aliases use) as soon
    // as components nest two deep.
    monitor.newUrn = (parent: string, type: string, name: string) => {
        const parentChain = parent ? parent.split("::")[2] : "";
        const qualified = parentChain && parentChain !== "pulumi:pulumi:Stack" ? `${parentChain}$${type}` : type;
        return `urn:pulumi:${options.stack}::${options.project}::${qualified}::${name}`;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
        options.onRegister?.(req.getType(), req.getName());
        return register(req, (err: unknown, resp: any) => {
            if (!err && resp) {
                const isCustom: boolean = req.getCustom();
                resources.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: resp.getUrn(),
                    id: isCustom ? resp.getId() || null : null,
                    parent: req.getParent() || null,
                    provider: req.getProvider() || null,
                    inputs: unwrapSecrets(rpc.deserializeProperties(req.getObject())),
                });
            }
            callback(err, resp);
        });
    };

    // Pulumi records a stack trace with every promise it makes (for its leak report), and with every resource the
    // whole call stack, source-mapped under ts-node, for the engine's source positions (which mocks never read):
    // together most of a plan's CPU. Plans do without both, unless PLAN_STACK_TRACES=1 asks for them when debugging.
    const stackTraceLimit = Error.stackTraceLimit;
    const callsites = resourceCallsites.get();
    const debuggablePromise = debuggable.debuggablePromise;
    if (!process.env.PLAN_STACK_TRACES) {
        Error.stackTraceLimit = 0;
        resourceCallsites.set(() => []);
        debuggable.debuggablePromise = (p: Promise<unknown>) => p;
    }
    try {
        const exported = program();
        const outputs = (await resolveDeep(exported)) as Record<string, unknown>;
        await settings.waitForRPCs();
        return {
            resources,
            outputs: (unwrapSecrets(outputs) ?? {}) as Record<string, unknown>,
            mock: { ids: [...ids].sort(), unknown: [...unknown] },
        };
    } catch (error) {
        // Let registrations already under way reach the monitor, so `onRegister` sees all a failing program did.
        await settings.waitForRPCs().catch(() => undefined);
        throw error;
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        resourceCallsites.set(callsites);
        debuggable.debuggablePromise = debuggablePromise;
    }
}

/** Pulumi's `Resource.callsites()`: the call stack each resource registration reports as its source position. */
const resourceCallsites = {
    get: (): unknown => (pulumi.Resource as unknown as { callsites: unknown }).callsites,
    set: (fn: unknown): void => {
        (pulumi.Resource as unknown as { callsites: unknown }).callsites = fn;
    },
};

/**
 * The plan as a user reads or copies it: every value only a deploy knows reads `<known after pulumi up>` (in part,
 * where the rest is known: `_<known after pulumi up>.e.example.com`), in resource inputs and in outputs alike. Ids
 * are kept, so references can still be followed, and `mock` says they are stand-ins.
 */
export function presentPlan(plan: Plan): PresentedPlan {
    const ids = new Set(plan.mock.ids);
    // Longest first, so a value is replaced whole before any shorter string inside it.
    const unknown = [...plan.mock.unknown].sort((a, b) => b.length - a.length);
    const mark = (value: unknown): unknown => {
        if (typeof value === "string") return ids.has(value) ? value : unknown.reduce((text, u) => text.split(u).join(knownAfterUp), value);
        if (Array.isArray(value)) return value.map(mark);
        if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mark(v)]));
        return value;
    };
    return {
        resources: plan.resources.map((r) => ({ ...r, inputs: mark(r.inputs) as Record<string, unknown> })),
        outputs: mark(plan.outputs) as Record<string, unknown>,
        mock: {
            note:
                "Planned offline under Pulumi's runtime mocks. Values only a deploy knows (CloudFront domain names, ACM " +
                `validation records, random name suffixes) read ${knownAfterUp}. Every resource id, and every zone id ` +
                "looked up, is a stand-in made up so that references between resources can be followed (listed in ids); " +
                "secrets read [secret].",
            knownAfterUp,
            ids: plan.mock.ids,
        },
    };
}

/** Awaits every Output and Promise inside a value. */
async function resolveDeep(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        // Output's own promise rejects when a resource or invoke behind it fails; `apply` would never call back.
        return resolveDeep(await (value as unknown as { promise(): Promise<unknown> }).promise());
    }
    if (value instanceof Promise) return resolveDeep(await value);
    if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
    if (pulumi.Resource.isInstance(value)) return (value as pulumi.Resource).urn ? resolveDeep((value as pulumi.Resource).urn) : null;
    if (typeof value === "object" && value !== null) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
        return Object.fromEntries(entries);
    }
    return value;
}

function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (typeof value === "object" && value !== null) {
        if (value[secretSig] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}
