import { ChildProcess, spawn } from "child_process";
import { resourceArgs, stackArgs, PolicyPlan, Violation } from "./harness";

/*
 * The Pulumi engine's side of the Analyzer gRPC protocol: starts a policy pack in its own process as the engine does
 * and asks it about a plan's resources, one Analyze call per resource and one AnalyzeStack call.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
export const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");
export const emptyPb = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export interface ServedPack {
    readonly child: ChildProcess;
    readonly port: number;
    /** An Analyzer client connected to the pack. */
    readonly client: any;
    stop(): void;
}

/** Starts `args` with Node.js in `cwd`; resolves once the pack prints the port it serves on. */
export function startPack(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServedPack> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        child.stdout!.once("data", (d) => {
            const port = Number(String(d).trim());
            if (!Number.isInteger(port) || port <= 0) {
                reject(new Error(`the pack printed ${JSON.stringify(String(d))}; stderr: ${stderr}`));
                return;
            }
            const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            resolve({ child, port, client, stop: () => (client.close(), child.kill()) });
        });
        child.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
}

const struct = (value: unknown) => structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));
export const call = <T>(client: any, method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));

function optionsProto(opts: { protect: boolean; ignoreChanges: string[]; deleteBeforeReplace?: boolean; parent?: string }) {
    const o = new analyzerPb.AnalyzerResourceOptions();
    o.setProtect(opts.protect);
    o.setIgnorechangesList(opts.ignoreChanges);
    if (opts.deleteBeforeReplace !== undefined) {
        o.setDeletebeforereplacedefined(true);
        o.setDeletebeforereplace(opts.deleteBeforeReplace);
    }
    if (opts.parent) o.setParent(opts.parent);
    return o;
}

function providerProto(p: { type: string; props: unknown; urn: string; name: string } | undefined) {
    if (!p) return undefined;
    const proto = new analyzerPb.AnalyzerProviderResource();
    proto.setType(p.type);
    proto.setProperties(struct(p.props));
    proto.setUrn(p.urn);
    proto.setName(p.name);
    return proto;
}

/** Every violation the served pack reports for the plan: one Analyze call per resource, one AnalyzeStack call. */
export async function analyzeOverGrpc(client: any, plan: PolicyPlan): Promise<Violation[]> {
    // The engine files a resource policy's diagnostics under the resource it asked about; the server leaves the URN out.
    const diagnostics: { d: any; urn?: string }[] = [];
    for (const r of plan.resources) {
        const args = resourceArgs(r, plan);
        const req = new analyzerPb.AnalyzeRequest();
        req.setType(args.type);
        req.setProperties(struct(args.props));
        req.setUrn(args.urn);
        req.setName(args.name);
        req.setOptions(optionsProto(args.opts));
        const provider = providerProto(args.provider);
        if (provider) req.setProvider(provider);
        diagnostics.push(...(await call<any>(client, "analyze", req)).getDiagnosticsList().map((d: any) => ({ d, urn: r.urn })));
    }
    const stackReq = new analyzerPb.AnalyzeStackRequest();
    stackReq.setResourcesList(
        stackArgs(plan).resources.map((r) => {
            const proto = new analyzerPb.AnalyzerResource();
            proto.setType(r.type);
            proto.setProperties(struct(r.props));
            proto.setUrn(r.urn);
            proto.setName(r.name);
            proto.setOptions(optionsProto(r.opts));
            const provider = providerProto(r.provider);
            if (provider) proto.setProvider(provider);
            if (r.parent) proto.setParent(r.parent.urn);
            proto.setDependenciesList(r.dependencies.map((d) => d.urn));
            for (const [key, deps] of Object.entries(r.propertyDependencies)) {
                const list = new analyzerPb.AnalyzerPropertyDependencies();
                list.setUrnsList(deps.map((d) => d.urn));
                proto.getPropertydependenciesMap().set(key, list);
            }
            return proto;
        }),
    );
    diagnostics.push(...(await call<any>(client, "analyzeStack", stackReq)).getDiagnosticsList().map((d: any) => ({ d })));
    return diagnostics.map(({ d, urn }) => {
        const reported = d.getUrn() || urn;
        return { policy: d.getPolicyname(), message: d.getMessage(), ...(reported ? { urn: reported } : {}) };
    });
}
