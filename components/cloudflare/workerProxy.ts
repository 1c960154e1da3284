import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { PlannedRecord } from "../dns/record";
import { ProxySpec, Site } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { siteResourceName, workerScriptName } from "./names";
import { workerSettings } from "./worker/settings";
import { workerCompatibilityDate, workerMainModule, workerModuleSource } from "./worker/source";

export interface WorkerProxyArgs {
    /** The neutral description of the proxy, from `buildProxySpec`; every origin must take its own Host (not VTEX). */
    readonly proxy: ProxySpec;
    /** The Cloudflare zone that holds every hostname of the proxy. */
    readonly zoneId: pulumi.Input<string>;
    /** The account that owns the Worker scripts. */
    readonly accountId: pulumi.Input<string>;
    /** Prefix of the script names, so two stacks in one account never share a script. Default: the stack's name. */
    readonly scriptPrefix?: string;
}

/** One site's Worker and the custom domain that serves it. */
export interface SiteWorker {
    readonly site: Site;
    readonly script: cloudflare.WorkersScript;
    readonly domain: cloudflare.WorkersCustomDomain;
}

/**
 * A vendor proxy on Cloudflare Workers: per hostname one Worker (the generic proxy module, its site's route table in
 * the `SETTINGS` json binding) served on a Workers Custom Domain.
 *
 * Why a Custom Domain rather than a Worker Route: a Route runs a Worker in front of a hostname that must already
 * have a proxied DNS record (seed 000: "you must record the subdomain in your DNS"), with a placeholder origin that
 * nothing should ever reach, and relies on the zone's edge certificate (Universal SSL stops one label below the
 * zone). A Custom Domain makes the Worker the origin: Cloudflare creates the hostname's DNS record and issues its
 * certificate itself, whatever its depth, and removes both with the domain.
 */
export class WorkerProxy extends pulumi.ComponentResource {
    public readonly workers: readonly SiteWorker[];
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    constructor(name: string, args: WorkerProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("first-party-proxy:cloudflare:WorkerProxy", name, {}, opts);
        const { proxy } = args;
        if (proxy.sites.length === 0) throw new Error(`${name}: a WorkerProxy needs at least one site`);
        const prefix = args.scriptPrefix ?? pulumi.getStack();

        this.workers = proxy.sites.map((site) => {
            const siteName = siteResourceName(name, site.role, proxy.sites.length);
            const script = this.createScript(siteName, workerScriptName(prefix, siteName), site, args.accountId);
            const domain = new cloudflare.WorkersCustomDomain(
                `${siteName}-domain`,
                { accountId: args.accountId, zoneId: args.zoneId, hostname: site.hostname, service: script.scriptName },
                { parent: this },
            );
            return { site, script, domain };
        });

        const records = this.workers.map(({ site, script }) =>
            script.scriptName.apply((scriptName): PlannedRecord[] => [
                {
                    name: site.hostname,
                    type: "Worker",
                    value: scriptName,
                    purpose: "Workers Custom Domain: Cloudflare creates this record and the hostname's certificate",
                },
            ]),
        );
        const notes = this.workers.map(
            ({ site }) =>
                `${site.hostname} is a Workers Custom Domain: Cloudflare creates its DNS record and certificate. Delete any existing DNS record for ${site.hostname} first, or the domain is refused.`,
        );
        const scriptNames = pulumi.all(this.workers.map((w) => w.script.scriptName));
        this.outputs = pulumi.all([proxyOutputs(proxy, "cloudflare-worker", records, []), scriptNames]).apply(([out, names]) => ({
            ...out,
            notes: [...out.notes, ...notes, `Worker logs: npx wrangler tail ${names.join(" / ")}`],
        }));
        this.registerOutputs({ outputs: this.outputs });
    }

    private createScript(siteName: string, scriptName: string, site: Site, accountId: pulumi.Input<string>): cloudflare.WorkersScript {
        return new cloudflare.WorkersScript(
            `${siteName}-script`,
            {
                accountId,
                scriptName,
                // One generic ES module for every site; the site itself is data in the SETTINGS binding.
                content: workerModuleSource(),
                mainModule: workerMainModule,
                compatibilityDate: workerCompatibilityDate,
                bindings: [{ type: "json", name: "SETTINGS", json: JSON.stringify(workerSettings(site)) }],
            },
            { parent: this },
        );
    }
}
