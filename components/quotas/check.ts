import { StackConfig } from "../config/schema";
import { ProxySpec } from "../model/types";
import { QuotaId, quotaDefinitions } from "./limits";
import { plansOf, quotaLimitOf } from "./stackLimits";
import { plannedQuotaUse, QuotaUse } from "./usage";

/** One quota as it applies to this stack: the limit, what others already use, and what the stack plans. */
export interface QuotaStatus extends QuotaUse {
    readonly limit: number;
    /** Declared under `quotas.<id>.used`: what the account (or zone) holds outside this stack. */
    readonly used: number;
    /** Where the limit comes from: the provider's default (on which plan), or the stack's `quotas:` config. */
    readonly limitFrom: string;
}

/** Every quota of the stack's CDN with its limit and what the stack plans to take. */
export function quotaStatus(config: StackConfig, specs: readonly ProxySpec[]): QuotaStatus[] {
    const plans = plansOf(config);
    return plannedQuotaUse(config, specs).map((use) => {
        const definition = quotaDefinitions[use.id];
        const { limit, used, configured } = quotaLimitOf(config, use.id);
        const planName = definition.provider === "aws" ? "AWS's default" : `Cloudflare's default${use.id.startsWith("workers") ? ` on Workers ${plans.workers}` : ` on the ${plans.zone} plan`}`;
        return { ...use, limit, used, limitFrom: configured ? `quotas.${use.id}` : planName };
    });
}

/** The quota a status exceeds, as a message naming the quota, the count and how to raise it; undefined when it fits. */
export function quotaProblem(status: QuotaStatus): string | undefined {
    if (status.count + status.used <= status.limit) return undefined;
    const definition = quotaDefinitions[status.id];
    const who =
        definition.per === "distribution" || definition.per === "certificate"
            ? `the ${definition.per} of ${status.holder} needs ${status.count}`
            : `the stack needs ${status.count}${status.used > 0 ? ` and the ${definition.per} already holds ${status.used} (quotas.${status.id}.used)` : ""}`;
    return (
        `${definition.title}: ${who}, more than the ${status.limit} allowed (${status.limitFrom}; ${definition.source.title}, ${definition.source.url}). ` +
        `To go further: ${definition.raise}; where the account's limit is already higher, set quotas.${status.id}: <its limit>`
    );
}

/** Every quota the stack would exceed, by quota id. A stack sees only its own resources: see `quotas.<id>.used`. */
export function quotaProblems(config: StackConfig, specs: readonly ProxySpec[]): { id: QuotaId; message: string }[] {
    return quotaStatus(config, specs).flatMap((s) => {
        const message = quotaProblem(s);
        return message ? [{ id: s.id, message }] : [];
    });
}
