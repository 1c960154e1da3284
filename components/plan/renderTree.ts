import { managedCachePolicy, managedOriginRequestPolicy, managedResponseHeadersPolicy } from "../aws/managedPolicies";
import { sharedWorkerSitesOf } from "../cloudflare/worker/source";
import { Plan, PlannedResource } from "./mockPlan";

/** A plan as raw (tests) or as presented to users (`presentPlan`). */
type PlanView = Pick<Plan, "resources" | "outputs">;

/** A readable tree of components and resources, with the inputs that matter most per type. */
export function renderTree(plan: PlanView, title: string): string {
    const children = new Map<string | null, PlannedResource[]>();
    for (const r of plan.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const providerNames = new Map(plan.resources.map((r) => [`${r.urn}::${r.id}`, r.name]));
    const policyNames = policyNamesOf(plan);
    const lines = [title];
    const walk = (parent: string | null, indent: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            const provider = r.provider ? `  [provider ${providerNames.get(r.provider) ?? r.provider}]` : "";
            lines.push(`${indent}${last ? "└─" : "├─"} ${r.type}  ${r.name}${provider}`);
            const detailIndent = indent + (last ? "   " : "│  ");
            for (const d of summary(r, policyNames)) lines.push(`${detailIndent}  · ${d}`);
            walk(r.urn, detailIndent);
        });
    };
    walk(null, "");
    lines.push("", `${plan.resources.length} resources`);
    return lines.join("\n");
}

/** Policy id → name: CloudFront's managed policies and the plan's own custom ones. */
function policyNamesOf(plan: PlanView): Map<string, string> {
    const names = new Map<string, string>(
        [managedCachePolicy, managedOriginRequestPolicy, managedResponseHeadersPolicy].flatMap((table) =>
            Object.entries(table).map(([name, id]) => [id, `${name} (managed)`] as [string, string]),
        ),
    );
    for (const r of plan.resources) {
        const name = (r.inputs as { name?: unknown }).name;
        if (r.id && r.type.startsWith("aws:cloudfront/") && r.type.endsWith("Policy") && typeof name === "string") names.set(r.id, name);
    }
    return names;
}

/** `; viewer-request <function name>` for a behaviour that runs a CloudFront Function. */
function viewerRequestFunction(behaviour: { functionAssociations?: { eventType?: string; functionArn?: string }[] }): string {
    const fn = (behaviour.functionAssociations ?? []).find((a) => a.eventType === "viewer-request");
    return fn?.functionArn ? `; viewer-request ${String(fn.functionArn).split("/").pop()}` : "";
}

function summary(r: PlannedResource, policyNames: Map<string, string>): string[] {
    const policy = (id: unknown) => (id === undefined ? "none" : (policyNames.get(String(id)) ?? String(id)));
    const i = r.inputs as Record<string, any>;
    switch (r.type) {
        case "aws:cloudfront/distribution:Distribution": {
            const origins = new Map<string, string>((i.origins ?? []).map((o: any) => [o.originId, o.domainName]));
            const rows = [...(i.orderedCacheBehaviors ?? []), { ...i.defaultCacheBehavior, pathPattern: "* (default)" }];
            return [
                `aliases ${(i.aliases ?? []).join(", ")}; TLS ${i.viewerCertificate?.minimumProtocolVersion}; ${i.httpVersion}; ${i.priceClass}`,
                ...rows.map(
                    (b: any) =>
                        `${b.pathPattern} → ${origins.get(b.targetOriginId)} (${b.viewerProtocolPolicy}; ${b.allowedMethods.length} methods; cache ${policy(b.cachePolicyId)}; origin request ${policy(b.originRequestPolicyId)}; response headers ${policy(b.responseHeadersPolicyId)}${viewerRequestFunction(b)})`,
                ),
            ];
        }
        case "aws:acm/certificate:Certificate":
            return [`${i.domainName} (${i.validationMethod} validation)`];
        case "aws:cloudfront/function:Function":
            return [`${i.name} (${i.runtime}, ${Buffer.byteLength(String(i.code ?? ""))} bytes): ${i.comment ?? ""}`];
        case "aws:route53/record:Record":
            return [`${i.name} ${i.type} ${i.aliases ? `alias ${i.aliases[0].name}` : (i.records ?? []).join(" ")}`];
        case "cloudflare:index/dnsRecord:DnsRecord":
            return [`${i.name} ${i.type} ${i.content}${i.proxied ? " (proxied)" : ""} ttl ${i.ttl}`];
        case "aws:cloudfront/cachePolicy:CachePolicy":
        case "aws:cloudfront/originRequestPolicy:OriginRequestPolicy":
            return [`${i.name}: ${i.comment ?? ""}`];
        case "cloudflare:index/workersScript:WorkersScript": {
            const shared = sharedWorkerSitesOf(String(i.content ?? ""));
            if (shared) {
                const hosts = Object.entries(shared).flatMap(([host, sites]) => sites.map((site) => `${host}${site.pathPrefix ?? ""}`));
                return [`shared script ${i.scriptName} (${i.mainModule}, compatibility ${i.compatibilityDate}, ${String(i.content).length} bytes): ${hosts.length} sites, ${hosts.join(", ")}`];
            }
            const settings = (i.bindings ?? []).find((b: any) => b.name === "SETTINGS");
            const routes: any[] = settings?.json ? (JSON.parse(settings.json).routes ?? []) : [];
            const origins: Record<string, any> = settings?.json ? (JSON.parse(settings.json).origins ?? {}) : {};
            return [
                `script ${i.scriptName} (${i.mainModule}, compatibility ${i.compatibilityDate}, ${String(i.content ?? "").length} bytes)`,
                ...routes.map((r) => `${r.pathPattern} → ${origins[r.originId]?.baseUrl ?? r.originId}`),
            ];
        }
        case "cloudflare:index/ruleset:Ruleset":
            return [
                `${i.phase} (${i.kind})`,
                ...(i.rules ?? []).map((r: any) => `${r.action}: ${r.expression}`),
            ];
        case "cloudflare:index/workersRoute:WorkersRoute":
            return [`${i.pattern} → Worker ${i.script}`];
        case "cloudflare:index/pageRule:PageRule":
            return [`${i.target} (priority ${i.priority}) ${JSON.stringify(i.actions)}`];
        default:
            return [];
    }
}
