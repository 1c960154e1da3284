import { ZoneRuleSpec } from "../../components/cloudflare/zoneRules";
import { evaluateRule, evaluateValue, RuleRequest } from "./ruleExpression";

type HeaderOperation = { readonly operation: string; readonly value?: string; readonly expression?: string };

/**
 * What Cloudflare's http_response_headers_transform phase does to a response: each rule in order, if its expression
 * matches the request and the response's headers as they are by then, sets, adds or removes its headers. Returns
 * new Headers; `headers` is left alone.
 */
export function applyResponseHeaderRules(
    rules: readonly ZoneRuleSpec[],
    request: Omit<RuleRequest, "responseHeaderNames">,
    headers: Headers,
): Headers {
    const result = new Headers();
    headers.forEach((value, name) => result.append(name, value));
    for (const rule of rules) {
        if (rule.phase !== "http_response_headers_transform") continue;
        if (rule.action !== "rewrite") throw new Error(`${rule.ref}: a response header rule rewrites, got ${rule.action}`);
        const names: string[] = [];
        result.forEach((_, name) => names.push(name));
        if (!evaluateRule(rule.expression, { ...request, responseHeaderNames: names })) continue;
        const operations = (rule.actionParameters.headers ?? {}) as Record<string, HeaderOperation>;
        for (const [name, op] of Object.entries(operations)) {
            const value = op.expression !== undefined ? evaluateValue(op.expression, request) : op.value;
            if (op.operation === "remove" || value === undefined || value === "") result.delete(name);
            else if (op.operation === "set") result.set(name, value);
            else if (op.operation === "add") result.append(name, value);
            else throw new Error(`${rule.ref}: unknown header operation ${op.operation}`);
        }
    }
    return result;
}
