/*
 * Pulumi's own share of a plan: the resources a plan registered, registered again bare — the same resource classes,
 * names, parents and inputs (as plain values), but none of the program's Outputs, aliases, dependencies or
 * computations. What the program costs beyond that is ours to cut; the rest is the SDK's runtime per resource
 * (an Output with its promises per output property of every resource, the registration itself, a source-mapped
 * stack trace), which a real `pulumi preview` pays too.
 */
import * as pulumi from "@pulumi/pulumi";
import { Plan, PlannedResource, planProgram } from "../components/plan/mockPlan";

/** What registering the plan's resources bare took. */
export interface FloorSample {
    readonly resources: number;
    readonly ms: number;
    /** User and system CPU time of the process over the same span. */
    readonly cpuMs: number;
}

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/**
 * The class the provider SDK registers `type` with: `aws:route53/record:Record` is `@pulumi/aws`'s route53.Record,
 * `cloudflare:index/dnsRecord:DnsRecord` is `@pulumi/cloudflare`'s DnsRecord, `pulumi:providers:aws` its Provider.
 */
export function resourceClass(type: string): ResourceClass {
    const [pkg, module, name] = type.split(":");
    if (pkg === "pulumi" && module === "providers") return sdk(name).Provider as ResourceClass;
    const area = module.split("/")[0];
    const found = (area === "index" ? sdk(pkg) : sdk(pkg)[area])?.[name];
    if (typeof found !== "function") throw new Error(`no resource class for ${type} in @pulumi/${pkg}`);
    return found as ResourceClass;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = (pkg: string): Record<string, any> => require(`@pulumi/${pkg}`);

/** Registers `plan`'s resources bare, in their order, under a fresh run of the mocks, and times it. */
export async function planFloor(plan: Plan, project: string, stack: string): Promise<FloorSample> {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const replayed = await planProgram({ "aws:region": "eu-west-1" }, bareProgram(plan), { project, stack });
    const cpu = process.cpuUsage(cpuBefore);
    return { resources: replayed.resources.length, ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** A program registering `plan`'s resources bare, in their order. */
export function bareProgram(plan: Plan): () => Record<string, never> {
    return () => {
        const registered = new Map<string, pulumi.Resource>();
        for (const r of plan.resources) registered.set(r.urn, bare(r, r.parent === null ? undefined : registered.get(r.parent)));
        return {};
    };
}

function bare(r: PlannedResource, parent: pulumi.Resource | undefined): pulumi.Resource {
    if (r.id === null && !r.type.startsWith("pulumi:providers:")) return new pulumi.ComponentResource(r.type, r.name, {}, { parent });
    return new (resourceClass(r.type))(r.name, r.inputs, { parent });
}
