import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { CreatedRecords, createExtraDnsRecords, createHostnameRecord } from "../dns/record";
import { ProxyComponentType, RecordOwner } from "../dns/recordAliases";
import { DnsZone } from "../dns/zone";
import { defaultOrigin } from "../model/proxySpec";
import { ProxySpec, Site } from "../model/types";
import { ProxyOutputs, proxyOutputs } from "../outputs";
import { edgeCertificateNotes } from "./edgeCertificates";
import { edgeResponseHeaderNotes, edgeResponseHeaderRules } from "./edgeHeaderRules";
import { sharedScriptGroup, siteResourceName, workerScriptName } from "./names";
import { SharedWorkerScripts } from "./sharedWorkerScript";
import { WorkerSettings, workerSettings } from "./worker/settings";
import { workerCompatibilityDate, workerMainModule, workerModuleSource } from "./worker/source";
import { requireZoneRules, ZoneRules, zoneRulesNotes } from "./zoneRules";

export interface WorkerProxyArgs {
    /** The neutral description of the proxy, from `buildProxySpec`; every origin must take its own Host (not VTEX). */
    readonly proxy: ProxySpec;
    /** The Cloudflare zone that holds every hostname of the proxy; its name, when known, decides the edge-certificate notes. */
    readonly zone: Extract<DnsZone, { provider: "cloudflare" }>;
    /** The account that owns the Worker scripts. */
    readonly accountId: pulumi.Input<string>;
    /** Prefix of the script names, so two stacks in one account never share a script. Default: the stack's name. */
    readonly scriptPrefix?: string;
    /**
     * The zone's shared rulesets, holding the response header rules (edge CORS, security headers) that name this
     * proxy's hostnames. Required when a route has edge CORS.
     */
    readonly zoneRules?: ZoneRules;
    /**
     * The program's shared Worker scripts (`cloudflare.workerScripts: shared`): each site joins its vendor layout's
     * script instead of getting one of its own. Default: none, one script per site.
     */
    readonly sharedScripts?: SharedWorkerScripts;
}

/** One site's Worker, the route that runs it for the hostname, and the hostname's proxied record. */
export interface SiteWorker {
    readonly site: Site;
    /** The script its route runs: its own, or its vendor layout's shared one (sharedScripts). */
    readonly script: cloudflare.WorkersScript;
    readonly route: cloudflare.WorkersRoute;
    /**
     * The hostname's own record: proxied, so that requests reach Cloudflare's edge and the route. None for a shared
     * host: the user's site owns its record.
     */
    readonly record?: CreatedRecords;
}

/**
 * The Worker route pattern for a hostname: every path, over HTTP and HTTPS (the Worker redirects HTTP itself); on a
 * shared host only the proxy's prefix, so the rest of the site never runs the Worker.
 */
export const workerRoutePattern = (hostname: string, sharedPrefix?: string): string => `${hostname}${sharedPrefix ?? ""}/*`;

const componentType = "first-party-proxy:cloudflare:WorkerProxy" satisfies ProxyComponentType;

/** The script a site's route runs, and its name as the route takes it. */
interface SiteScript {
    readonly script: cloudflare.WorkersScript;
    readonly scriptName: pulumi.Input<string>;
}

/**
 * A vendor proxy on Cloudflare Workers: per hostname one Worker (the generic proxy module, its site's route table in
 * the `SETTINGS` json binding), run by a Worker route `<host>/*` on the hostname's proxied CNAME. With `sharedScripts`,
 * the route runs the script its vendor layout shares with the program's other proxies (SharedWorkerScript) instead.
 *
 * Why a route and a proxied record rather than a Workers Custom Domain: a Custom Domain creates the hostname's DNS
 * record itself and is refused while any other record holds the name, so a stack moving from CloudFront (whose
 * unproxied CNAME holds it) could only switch in two steps, with an outage between them. With a route, the hostname's
 * record is one resource whichever CDN serves it (`createHostnameRecord`): switching CDN is one update of its target
 * and proxied flag, and the record waits for the script and the route, so the name turns proxied only once the Worker
 * is there to answer. Its target is the default route's origin, a valid name the Worker answers in front of (Segment's Self-Managed Custom Proxy guide:
 * a route needs the subdomain recorded in DNS). The hostname is then served with the zone's edge certificate:
 * Universal SSL covers names one label below the zone; deeper ones need an Advanced Certificate (the notes say which).
 */
export class WorkerProxy extends pulumi.ComponentResource {
    public readonly workers: readonly SiteWorker[];
    public readonly outputs: pulumi.Output<ProxyOutputs>;

    constructor(name: string, args: WorkerProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType, name, {}, opts);
        const { proxy, zone } = args;
        if (proxy.sites.length === 0) throw new Error(`${name}: a WorkerProxy needs at least one site`);
        if (proxy.sharedHost && proxy.paths.prefix === undefined) throw new Error(`${name}: a shared host needs a path prefix`);
        const prefix = args.scriptPrefix ?? pulumi.getStack();
        const owner: RecordOwner = { type: componentType, name, parent: opts?.parent };
        const rules = edgeResponseHeaderRules(proxy.sites.map((site) => ({ owner: name, site, sharedHost: proxy.sharedHost })));
        const phases = rules.length === 0 ? [] : requireZoneRules(name, args.zoneRules, rules);
        const rulesFirst = rules.length > 0 && args.zoneRules ? [args.zoneRules] : [];

        this.workers = proxy.sites.map((site) => {
            const siteName = siteResourceName(name, site.role, proxy.sites.length);
            const settings = workerSettings(site, { customVendor: proxy.vendor === "custom" });
            const sharedPrefix = proxy.sharedHost ? proxy.paths.prefix : undefined;
            const { script, scriptName } = args.sharedScripts
                ? this.joinSharedScript(args.sharedScripts, siteName, proxy.vendor, site, settings, sharedPrefix, args.accountId)
                : this.createScript(siteName, workerScriptName(prefix, siteName), settings, args.accountId);
            const pattern = workerRoutePattern(site.hostname, sharedPrefix);
            const route = new cloudflare.WorkersRoute(`${siteName}-route`, { zoneId: zone.zoneId, pattern, script: scriptName }, { parent: this });
            // A shared host is the user's own site, already proxied: its record is theirs, and stays as it is.
            if (proxy.sharedHost) return { site, script, route };
            const target = defaultOrigin(site).domain;
            const record = createHostnameRecord(
                zone,
                owner,
                siteName,
                { type: "CNAME", name: site.hostname, value: target, proxied: true },
                `Proxied, so the Worker route ${pattern} runs the site's Worker (which answers before ${target} is reached)`,
                { parent: this, dependsOn: [script, route, ...rulesFirst] },
            );
            return { site, script, route, record };
        });
        const records = [
            ...this.workers.flatMap((w) => (w.record ? [w.record.planned] : [])),
            ...createExtraDnsRecords(zone, name, proxy.extraDnsRecords, { parent: this }, owner),
        ];

        const notes = [
            ...zoneRulesNotes(phases, false),
            ...edgeResponseHeaderNotes(proxy.sites, "the Worker answers preflights"),
            ...edgeCertificateNotes(
                proxy.sites.map((s) => s.hostname),
                zone.name,
            ),
        ];
        const scriptNames = pulumi.all(this.workers.map((w) => w.script.scriptName)).apply((all) => [...new Set(all)]);
        this.outputs = pulumi.all([proxyOutputs(proxy, "cloudflare-worker", records, []), scriptNames]).apply(([out, names]) => ({
            ...out,
            notes: [...out.notes, ...notes, `Worker logs: npx wrangler tail ${names.join(" / ")}`],
        }));
        this.registerOutputs({ outputs: this.outputs });
    }

    private createScript(siteName: string, scriptName: string, settings: WorkerSettings, accountId: pulumi.Input<string>): SiteScript {
        const script = new cloudflare.WorkersScript(
            `${siteName}-script`,
            {
                accountId,
                scriptName,
                // One generic ES module for every site; the site itself is data in the SETTINGS binding.
                content: workerModuleSource(),
                mainModule: workerMainModule,
                compatibilityDate: workerCompatibilityDate,
                bindings: [{ type: "json", name: "SETTINGS", json: JSON.stringify(settings) }],
            },
            { parent: this },
        );
        return { script, scriptName: script.scriptName };
    }

    /** The site as a member of its vendor layout's shared script: its settings there, keyed by its hostname (and prefix). */
    private joinSharedScript(
        scripts: SharedWorkerScripts,
        siteName: string,
        vendor: string,
        site: Site,
        settings: WorkerSettings,
        sharedPrefix: string | undefined,
        accountId: pulumi.Input<string>,
    ): SiteScript {
        const shared = scripts.scriptFor(sharedScriptGroup(vendor, site.role));
        return { script: shared.script, scriptName: shared.join(siteName, settings, sharedPrefix, accountId) };
    }
}
