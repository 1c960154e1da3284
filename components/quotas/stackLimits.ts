import { StackConfig } from "../config/schema";
import { Plans, QuotaId, quotaDefinitions } from "./limits";

/* A quota's limit as one stack has it: from its Cloudflare plans, or from its `quotas:` config. */

/** The plans the defaults depend on: `cloudflare.plan` (Enterprise when `enterprise: true`), `cloudflare.workersPlan`. */
export function plansOf(config: StackConfig): Plans {
    return {
        zone: config.cloudflare?.plan ?? (config.cloudflare?.enterprise ? "enterprise" : "free"),
        workers: config.cloudflare?.workersPlan ?? "free",
    };
}

/** One quota's limit for this stack: `quotas.<id>` (`configured`), or the default; and what it says is used elsewhere. */
export function quotaLimitOf(config: StackConfig, id: QuotaId): { readonly limit: number; readonly used: number; readonly configured: boolean } {
    const set = config.quotas[id];
    const configured = typeof set === "number" ? set : set?.limit;
    return {
        limit: configured ?? quotaDefinitions[id].defaultLimit(plansOf(config)),
        used: typeof set === "object" ? (set.used ?? 0) : 0,
        configured: configured !== undefined,
    };
}

/** What this stack may take of one quota: its limit less what is used elsewhere. */
export function availableOf(config: StackConfig, id: QuotaId): number {
    const { limit, used } = quotaLimitOf(config, id);
    return limit - used;
}
