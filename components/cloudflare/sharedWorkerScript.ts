import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { WorkersPlan } from "../quotas/limits";
import { SharedWorkerSite, WorkerSettings } from "./worker/settings";
import { sharedWorkerModuleSource, workerCompatibilityDate, workerMainModule, workerSizeProblem } from "./worker/source";

/** Where the shared scripts of a program are kept (programShares.ts), and what they are created with. */
export interface SharedWorkerScripts {
    /** The shared script of `group` (sharedScriptGroup), created by the first site that joins it. */
    scriptFor(group: string): SharedWorkerScript;
}

/** What a shared script is created with: the first member's account, its name, and the resource options of the program's shares. */
export interface SharedWorkerScriptArgs {
    readonly accountId: pulumi.Input<string>;
    readonly scriptName: string;
    /** For the script-size limit. Default: free. */
    readonly workersPlan?: WorkersPlan;
    /** Settles the script once every member joined (programShares: when the code creating the proxies returns). */
    readonly scheduleSeal: (seal: () => void) => void;
}

/**
 * One Worker script for every site of a vendor layout in an account (`cloudflare.workerScripts: shared`). Sites join
 * as their proxies are created, each keeping its own route and record; the script's content — the shared Worker with
 * every member's settings by hostname (edge/sharedWorker.ts) — settles when the share seals. Its resource is
 * registered at once, named after the script, under the program's shares' parent, so adding or removing a proxy
 * changes its content only, and no hostname ever moves to another script.
 */
export class SharedWorkerScript {
    readonly script: cloudflare.WorkersScript;
    private readonly sites = new Map<string, SharedWorkerSite[]>();
    private readonly members: string[] = [];
    private readonly content: Promise<string>;
    private settle!: (content: string) => void;
    private fail!: (error: Error) => void;
    private sealScheduled = false;
    private sealed = false;

    constructor(
        private readonly args: SharedWorkerScriptArgs,
        opts: pulumi.CustomResourceOptions,
    ) {
        this.content = new Promise((resolve, reject) => {
            this.settle = resolve;
            this.fail = reject;
        });
        // Nothing may wait on a rejected promise unobserved: the script's content input reports the failure.
        this.content.catch(() => undefined);
        this.script = new cloudflare.WorkersScript(
            args.scriptName,
            {
                accountId: args.accountId,
                scriptName: args.scriptName,
                // The shared module with every member's settings as data (sharedWorkerModuleSource explains why not bindings).
                content: pulumi.output(this.content),
                mainModule: workerMainModule,
                compatibilityDate: workerCompatibilityDate,
            },
            opts,
        );
    }

    get scriptName(): string {
        return this.args.scriptName;
    }

    /**
     * Adds `member`'s site (on a shared host, under `pathPrefix`); returns the script name for its route (an output of
     * the script, so the route depends on it), known once the member's account is checked against the script's (a
     * route can only run a script of the zone's own account).
     */
    join(member: string, settings: WorkerSettings, pathPrefix: string | undefined, accountId: pulumi.Input<string>): pulumi.Output<string> {
        if (this.sealed) {
            throw new Error(
                `${member}: the shared Worker script ${this.scriptName} was settled with ${this.members.join(", ")} before ${member} joined; ` +
                    `create every FirstPartyProxy of a program together, with no await between them (or hold the shares open across awaits with holdShareSeals()).`,
            );
        }
        const host = settings.hostname.toLowerCase();
        const onHost = this.sites.get(host) ?? [];
        const clash = onHost.find((s) => s.pathPrefix === undefined || pathPrefix === undefined || s.pathPrefix === pathPrefix);
        if (clash) {
            throw new Error(`${member}: ${host}${pathPrefix ?? ""} is already served by the shared Worker script ${this.scriptName}; each hostname (or shared host's path prefix) belongs to one proxy`);
        }
        this.sites.set(host, [...onHost, pathPrefix === undefined ? { settings } : { pathPrefix, settings }]);
        this.members.push(member);
        if (!this.sealScheduled) {
            this.sealScheduled = true;
            this.args.scheduleSeal(() => this.seal());
        }
        // From the script's own output, so that the route (and the record that waits for it) depends on the script:
        // Cloudflare runs a route only once its script exists.
        return pulumi.all([this.script.scriptName, this.args.accountId, accountId]).apply(([scriptName, scriptAccount, own]) => {
            if (scriptAccount !== own) {
                throw new Error(
                    `${member}: the shared Worker script ${this.scriptName} belongs to another Cloudflare account than ${member}'s; ` +
                        `proxies of several accounts need cloudflare.workerScripts: perSite, or one program per account`,
                );
            }
            return scriptName;
        });
    }

    private seal(): void {
        this.sealed = true;
        const content = sharedWorkerModuleSource(Object.fromEntries(this.sites));
        const problem = workerSizeProblem(content, this.args.workersPlan ?? "free");
        if (problem) {
            this.fail(
                new Error(
                    `the shared Worker script ${this.scriptName} serves ${this.members.length} sites: ${problem}; ` +
                        `split its proxies across stacks, or use cloudflare.workerScripts: perSite`,
                ),
            );
        } else {
            this.settle(content);
        }
    }
}
