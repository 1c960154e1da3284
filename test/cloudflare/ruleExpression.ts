/**
 * Evaluates the small subset of Cloudflare's Rules language our zone rules use, so tests can check what a rule
 * does for a request instead of comparing strings: `(<cond> and <cond> ...)` where a condition is `[not ]<atom>`
 * and an atom is `ssl`, `false`, `http.host eq "<s>"`, `http.request.uri.path eq "<s>"`,
 * `starts_with(http.request.uri.path, "<s>")` or `http.request.uri.path strict wildcard "<s>"`.
 */
export interface RuleRequest {
    readonly host: string;
    readonly path: string;
    readonly https: boolean;
}

export function evaluateRule(expression: string, request: RuleRequest): boolean {
    const body = expression.replace(/^\(/, "").replace(/\)$/, "");
    return body.split(" and ").every((part) => {
        const negated = part.startsWith("not ");
        const value = atom(negated ? part.slice(4) : part, request);
        return negated ? !value : value;
    });
}

function atom(text: string, r: RuleRequest): boolean {
    let m: RegExpMatchArray | null;
    if (text === "ssl") return r.https;
    if (text === "false") return false;
    if ((m = text.match(/^http\.host eq "(.*)"$/))) return r.host === m[1];
    if ((m = text.match(/^http\.request\.uri\.path eq "(.*)"$/))) return r.path === m[1];
    if ((m = text.match(/^starts_with\(http\.request\.uri\.path, "(.*)"\)$/))) return r.path.startsWith(m[1]);
    if ((m = text.match(/^http\.request\.uri\.path strict wildcard "(.*)"$/))) {
        const regex = new RegExp(`^${m[1].split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
        return regex.test(r.path);
    }
    throw new Error(`the test evaluator does not know the condition: ${text}`);
}
