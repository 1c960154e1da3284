import * as vm from "vm";
import { sharedWorkerSitesOf } from "../cloudflare/worker/source";
import { Plan, PlannedResource } from "./mockPlan";

/*
 * A Mermaid flowchart of what a plan would deploy: hostnames → CDN (CloudFront distribution, Worker, Page Rules,
 * proxied DNS) → routes in the order the CDN evaluates them → origins. Built from the planned resources' inputs
 * only, never from the model, so it shows what the program registers. Deterministic: the same plan always
 * renders the same text (the README's diagrams are compared with it).
 */

/** One hostname the CDN serves, and how traffic for it gets there. */
export interface DiagramHost {
    readonly host: string;
    /** The DNS or routing that sends it to the CDN: `Route 53 alias`, `CNAME`, `Workers route <host>/*`, ... */
    readonly via: string;
}

/** One route, in evaluation order. */
export interface DiagramRoute {
    readonly pattern: string;
    /** Anything unusual about it (`HTTP allowed`). */
    readonly note?: string;
    /** `https://host`, `http://host`, or a bare host where the viewer's scheme is kept. */
    readonly origin: string;
}

export interface DiagramCdn {
    readonly kind: "cloudfront" | "worker" | "pageRules" | "proxiedDns" | "dnsOnly" | "zoneSetting";
    readonly label: string;
    readonly hosts: readonly DiagramHost[];
    readonly routes: readonly DiagramRoute[];
}

/** A proxy component and what it deploys. */
export interface DiagramProxy {
    readonly name: string;
    /** The component's type name (`CloudFrontProxy`, `WorkerProxy`, ...). */
    readonly component: string;
    readonly cdns: readonly DiagramCdn[];
}

const T = {
    distribution: "aws:cloudfront/distribution:Distribution",
    cloudFrontFunction: "aws:cloudfront/function:Function",
    route53: "aws:route53/record:Record",
    dnsRecord: "cloudflare:index/dnsRecord:DnsRecord",
    script: "cloudflare:index/workersScript:WorkersScript",
    workersRoute: "cloudflare:index/workersRoute:WorkersRoute",
    pageRule: "cloudflare:index/pageRule:PageRule",
    ruleset: "cloudflare:index/ruleset:Ruleset",
    googleTagGateway: "cloudflare:index/googleTagGateway:GoogleTagGateway",
};

type Inputs = Record<string, any>;
const inputs = (r: PlannedResource) => r.inputs as Inputs;
const byName = <X extends { name: string }>(a: X, b: X) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The proxies of a plan, each with its CDN entries; sorted by name. */
export function diagramModel(plan: Plan): DiagramProxy[] {
    // The CDN components (CloudFrontProxy, WorkerProxy, ...), not the FirstPartyProxy that holds each of them.
    const components = plan.resources.filter((r) => r.id === null && r.type.startsWith("first-party-proxy:") && r.type !== "first-party-proxy:index:FirstPartyProxy");
    const proxies: DiagramProxy[] = [];
    for (const component of [...components].sort(byName)) {
        const children = descendants(plan, component);
        const cdns = [
            ...children.filter((r) => r.type === T.distribution).sort(byName).map((d) => cloudFront(plan, d)),
            ...workerScriptsOf(plan, children).map((s) => worker(children, s)),
            ...pageRules(children),
            ...proxiedDns(plan, children),
            ...dnsOnly(children),
            ...children.filter((r) => r.type === T.googleTagGateway).sort(byName).map(googleTagGateway),
        ];
        if (cdns.length > 0) proxies.push({ name: component.name, component: component.type.split(":").pop()!, cdns });
    }
    return proxies;
}

function descendants(plan: Plan, root: PlannedResource): PlannedResource[] {
    const out: PlannedResource[] = [];
    const walk = (urn: string) => {
        for (const r of plan.resources) {
            if (r.parent !== urn) continue;
            out.push(r);
            walk(r.urn);
        }
    };
    walk(root.urn);
    return out;
}

function cloudFront(plan: Plan, distribution: PlannedResource): DiagramCdn {
    const i = inputs(distribution);
    const origins = new Map<string, string>(
        (i.origins ?? []).map((o: Inputs) => [o.originId, `${o.customOriginConfig?.originProtocolPolicy === "http-only" ? "http" : "https"}://${o.domainName}`]),
    );
    const behaviours: Inputs[] = [...(i.orderedCacheBehaviors ?? []), { ...i.defaultCacheBehavior, pathPattern: "*" }];
    return {
        kind: "cloudfront",
        label: `CloudFront distribution<br/>${distribution.name}`,
        hosts: (i.aliases ?? []).map((host: string) => ({ host, via: dnsVia(plan, host) })),
        routes: behaviours.map((b) => ({
            pattern: b.pathPattern,
            note:
                [
                    b.viewerProtocolPolicy === "allow-all" ? "HTTP allowed" : b.viewerProtocolPolicy === "https-only" ? "HTTPS only" : undefined,
                    functionNote(plan, b),
                ]
                    .filter(Boolean)
                    .join(", ") || undefined,
            origin: origins.get(b.targetOriginId) ?? `origin ${b.targetOriginId}`,
        })),
    };
}

/**
 * What a behaviour's viewer-request function does, found by running the planned function's code on a path of the
 * behaviour's pattern: `as /vendor/path/*` for a rewrite, `404 at the edge` when it answers itself.
 */
function functionNote(plan: Plan, behaviour: Inputs): string | undefined {
    const association = (behaviour.functionAssociations ?? []).find((a: Inputs) => a.eventType === "viewer-request");
    if (!association) return undefined;
    const name = String(association.functionArn).split("/").pop();
    const fn = plan.resources.find((r) => r.type === T.cloudFrontFunction && inputs(r).name === name);
    if (!fn) return "viewer-request function";
    const literal = behaviour.pathPattern === "*" ? "/" : String(behaviour.pathPattern).replace(/\*$/, "");
    const sandbox: { handler?: (event: unknown) => Inputs } = {};
    vm.runInNewContext(`${inputs(fn).code}\nthis.handler = handler;`, sandbox, { timeout: 1000 });
    const result = sandbox.handler!({ request: { method: "GET", uri: `${literal}\u0000`, querystring: {}, headers: {}, cookies: {} } });
    if (result.statusCode !== undefined) return `${result.statusCode} at the edge`;
    return `as ${String(result.uri).replace("\u0000", "*")}`;
}

/** How a CloudFront alias is pointed at the distribution: the record the plan has for it, if any. */
function dnsVia(plan: Plan, host: string): string {
    const records = plan.resources.filter((r) => (r.type === T.route53 || r.type === T.dnsRecord) && trimDot(inputs(r).name) === host);
    const route53Alias = records.find((r) => r.type === T.route53 && inputs(r).aliases);
    if (route53Alias) return "Route 53 alias";
    const cname = records.find((r) => inputs(r).type === "CNAME");
    if (cname) return cname.type === T.dnsRecord ? "CNAME (Cloudflare DNS)" : "CNAME";
    return "DNS record (manual)";
}

/**
 * The Worker scripts a CDN component's routes run: its own, and the shared scripts (`workerScripts: shared`) that
 * stand at the stack's root, shown with each component that uses them.
 */
function workerScriptsOf(plan: Plan, children: PlannedResource[]): PlannedResource[] {
    const named = new Set(children.filter((r) => r.type === T.workersRoute).map((r) => inputs(r).script));
    const own = children.filter((r) => r.type === T.script);
    const shared = plan.resources.filter((r) => r.type === T.script && named.has(inputs(r).scriptName) && !own.includes(r));
    return [...own, ...shared].sort(byName);
}

function worker(children: PlannedResource[], script: PlannedResource): DiagramCdn {
    const i = inputs(script);
    const scriptName: string = i.scriptName;
    // The hostname's proxied record only gets requests to Cloudflare's edge; the route hands them to the Worker.
    const hosts: DiagramHost[] = children
        .filter((r) => r.type === T.workersRoute && inputs(r).script === scriptName)
        .map((r) => ({ host: routeHost(r), via: `Workers route ${inputs(r).pattern}` }));
    const binding = (i.bindings ?? []).find((b: Inputs) => b.name === "SETTINGS" && b.type === "json");
    // A shared script holds many sites: this component's is the one of its route's hostname.
    const shared = binding ? undefined : sharedWorkerSitesOf(String(i.content ?? ""));
    const settings: Inputs = binding ? JSON.parse(binding.json) : (shared?.[hosts[0]?.host ?? ""]?.[0]?.settings ?? { routes: [], origins: {} });
    return {
        kind: "worker",
        label: `Worker<br/>${scriptName}`,
        hosts: hosts.sort((a, b) => (a.host < b.host ? -1 : 1)),
        routes: (settings.routes ?? []).map((r: Inputs) => ({
            pattern: r.pathPattern,
            note:
                [
                    r.redirectHttp === false ? "HTTP allowed" : undefined,
                    r.answer === "notFound" ? "404 at the edge" : undefined,
                    r.rewrite ? `as ${r.rewrite.to}${String(r.pathPattern).slice(r.rewrite.from.length)}` : undefined,
                    r.cors === "edgePreflight" ? "edge CORS (zone header rules)" : undefined,
                ]
                    .filter(Boolean)
                    .join(", ") || undefined,
            origin: settings.origins?.[r.originId]?.baseUrl ?? `origin ${r.originId}`,
        })),
    };
}

/** Page Rules per hostname, highest priority first (Cloudflare applies the first that matches). */
function pageRules(children: PlannedResource[]): DiagramCdn[] {
    const rules = children.filter((r) => r.type === T.pageRule).map(inputs);
    const hosts = [...new Set(rules.map((r) => String(r.target).split("/")[0]))].sort();
    return hosts.map((host) => {
        const record = proxiedRecord(children, host);
        return {
            kind: "pageRules",
            label: `Page Rules<br/>${host}`,
            hosts: [{ host, via: record ? `proxied CNAME to ${inputs(record).content}` : "DNS record (manual)" }],
            routes: rules
                .filter((r) => String(r.target).split("/")[0] === host)
                .sort((a, b) => b.priority - a.priority)
                .map((r) => ({
                    pattern: String(r.target).slice(host.length) || "/",
                    note: r.actions?.hostHeaderOverride ? `Host ${r.actions.hostHeaderOverride}` : undefined,
                    origin: `https://${r.actions?.resolveOverride ?? r.actions?.hostHeaderOverride ?? (record ? inputs(record).content : host)}`,
                })),
        };
    });
}

/** The hostname a Workers route pattern (`host/*`) runs on. */
const routeHost = (route: PlannedResource) => String(inputs(route).pattern).split("/")[0];

const proxiedRecord = (resources: PlannedResource[], host: string) =>
    resources.find((r) => r.type === T.dnsRecord && inputs(r).proxied === true && trimDot(inputs(r).name) === host);

/** Cloudflare's request phases in the order they run, for listing zone rules. */
const phaseOrder = [
    "http_request_dynamic_redirect",
    "http_request_redirect",
    "http_request_transform",
    "http_request_firewall_custom",
    "http_config_settings",
    "http_request_origin",
    "http_request_cache_settings",
    "http_response_headers_transform",
];
const phaseRank = (phase: unknown) => {
    const i = phaseOrder.indexOf(String(phase));
    return i === -1 ? phaseOrder.length : i;
};

/**
 * Proxied records no Worker route or Page Rule serves: Cloudflare passes the viewer's request (Host and scheme included)
 * to the record's target, after the zone's rules for the hostname (listed on the CDN node, in phase order).
 */
function proxiedDns(plan: Plan, children: PlannedResource[]): DiagramCdn[] {
    const served = new Set([
        ...children.filter((r) => r.type === T.pageRule).map((r) => String(inputs(r).target).split("/")[0]),
        ...children.filter((r) => r.type === T.workersRoute).map(routeHost),
    ]);
    const records = children.filter((r) => r.type === T.dnsRecord && inputs(r).proxied === true && !served.has(trimDot(inputs(r).name)));
    const rulesets = plan.resources
        .filter((r) => r.type === T.ruleset)
        .sort((a, b) => phaseRank(inputs(a).phase) - phaseRank(inputs(b).phase) || byName(a, b));
    return records.sort(byName).map((record) => {
        const host = trimDot(inputs(record).name);
        const target = trimDot(inputs(record).content);
        const zoneRules = rulesets
            .flatMap((r) => (inputs(r).rules ?? []) as Inputs[])
            .filter((rule) => namesHost(String(rule.expression ?? ""), host));
        return {
            kind: "proxiedDns",
            label: ["Cloudflare proxied DNS", ...zoneRules.map((rule) => `rule: ${ruleText(rule, host)}`)].join("<br/>"),
            hosts: [{ host, via: `proxied CNAME to ${target}` }],
            routes: [{ pattern: "*", note: "viewer's Host and scheme kept", origin: target }],
        };
    });
}

/** Whether a zone rule's expression names `host`: its own rule (`http.host eq`), or one shared by shape (`http.host in {...}`). */
function namesHost(expression: string, host: string): boolean {
    return expression.includes(`http.host eq "${host}"`) || [...expression.matchAll(/http\.host in \{([^}]*)\}/g)].some(([, set]) => set.includes(`"${host}"`));
}

/** A zone rule's description without what the program writes around it: `<proxy>: <host>` before, `(<n> hostnames...)` after. */
function ruleText(rule: Inputs, host: string): string {
    const text = String(rule.description ?? rule.ref ?? rule.action)
        .replace(/^[^:]*:\s*/, "")
        .replace(/ \(\d+ hostnames?(, part \d+)?\)$/, "");
    return text.startsWith(`${host} `) ? text.slice(host.length + 1) : text;
}

/** DNS-only proxies (Segment's managed Custom Domain): hostnames pointed straight at the vendor. */
/** Cloudflare's Google tag gateway: the zone routes its endpoint on every proxied hostname to the tag's fps.goog host. */
function googleTagGateway(setting: PlannedResource): DiagramCdn {
    const i = inputs(setting);
    return {
        kind: "zoneSetting",
        label: "Google tag gateway<br/>zone setting",
        hosts: [],
        routes: [{ pattern: `${i.endpoint}/*`, note: i.hideOriginalIp ? "visitor IP hidden" : undefined, origin: `https://${String(i.measurementId).toLowerCase()}.fps.goog` }],
    };
}

function dnsOnly(children: PlannedResource[]): DiagramCdn[] {
    if (children.some((r) => [T.distribution, T.script, T.pageRule].includes(r.type))) return [];
    const records = children
        .filter((r) => (r.type === T.route53 || r.type === T.dnsRecord) && !inputs(r).proxied)
        .filter((r) => ["CNAME", "NS"].includes(inputs(r).type) && !trimDot(inputs(r).name).startsWith("_"))
        .sort(byName);
    return records.map((record) => {
        const i = inputs(record);
        const targets: string[] = i.records ?? (i.content !== undefined ? [i.content] : []);
        return {
            kind: "dnsOnly",
            label: "DNS only",
            hosts: [{ host: trimDot(i.name), via: i.type }],
            routes: [{ pattern: "*", origin: targets.map(trimDot).join(", ") }],
        };
    });
}

const trimDot = (name: unknown) => String(name ?? "").replace(/\.$/, "");

/** The plan as a Mermaid flowchart (the text inside a ```mermaid block). */
export function renderMermaid(plan: Plan): string {
    return mermaidOf(diagramModel(plan));
}

export function mermaidOf(proxies: readonly DiagramProxy[]): string {
    const lines = ["flowchart LR"];
    const originIds = new Map<string, string>();
    const originEdges: string[] = [];
    const originId = (origin: string) => {
        let id = originIds.get(origin);
        if (!id) {
            id = `o${originIds.size + 1}`;
            originIds.set(origin, id);
        }
        return id;
    };

    proxies.forEach((proxy, p) => {
        const pid = `p${p + 1}`;
        lines.push(`    subgraph ${pid}["${label(`${proxy.name} · ${proxy.component}`)}"]`, "        direction LR");
        proxy.cdns.forEach((cdn, c) => {
            const cid = `${pid}c${c + 1}`;
            if (cdn.kind === "dnsOnly") {
                cdn.hosts.forEach((h, k) => {
                    const hid = `${cid}h${k + 1}`;
                    lines.push(`        ${hid}(["${label(h.host)}"])`);
                    for (const r of cdn.routes) originEdges.push(`    ${hid} -->|"${label(h.via)}"| ${originId(r.origin)}`);
                });
                return;
            }
            lines.push(`        ${cid}["${label(cdn.label)}"]`);
            cdn.hosts.forEach((h, k) => {
                const hid = `${cid}h${k + 1}`;
                lines.push(`        ${hid}(["${label(h.host)}"]) -->|"${label(h.via)}"| ${cid}`);
            });
            cdn.routes.forEach((r, n) => {
                const rid = `${cid}r${n + 1}`;
                // The order is on the edge: a label starting "1. " or "* " would read as a Markdown list to Mermaid.
                const text = `${r.pattern === "*" ? "default (*)" : r.pattern}${r.note ? `<br/>${r.note}` : ""}`;
                lines.push(`        ${cid} -->|"${n + 1}"| ${rid}["${label(text)}"]`);
                originEdges.push(`    ${rid} --> ${originId(r.origin)}`);
            });
        });
        lines.push("    end");
    });
    for (const [origin, id] of originIds) lines.push(`    ${id}[("${label(origin)}")]`);
    lines.push(...originEdges);
    return lines.join("\n");
}

/** Text for a quoted Mermaid label: quotes and angle brackets other than <br/> escaped. */
function label(text: string): string {
    return text
        .replace(/"/g, "#quot;")
        .replace(/<(?!br\/>)/g, "#lt;")
        .replace(/(?<!<br\/)>/g, "#gt;");
}
