/**
 * Evaluates the subset of Cloudflare's Rules language our zone rules use, so tests can check what a rule does for a
 * request (and, in response phases, its response) instead of comparing strings. Grammar: `or` binds looser than
 * `and`, `not` tighter, parentheses group; the atoms are the ones listed in `atoms` below. Anything else throws, so
 * a generator that starts writing a new construct fails its tests until the evaluator learns it.
 */
export interface RuleRequest {
    readonly host: string;
    readonly path: string;
    readonly https: boolean;
    /** Upper-case; default GET. */
    readonly method?: string;
    /** The request's headers (any case); default none. */
    readonly headers?: Readonly<Record<string, string>>;
    /** Response phases: the response's header names so far (any case); default none. */
    readonly responseHeaderNames?: readonly string[];
}

type Atom = { readonly pattern: RegExp; readonly test: (m: RegExpExecArray, r: RuleRequest) => boolean };

const str = String.raw`"((?:[^"\\]|\\.)*)"`;
const unquote = (s: string) => s.replace(/\\(.)/g, "$1");
const lowerNames = (names: readonly string[] | undefined) => (names ?? []).map((n) => n.toLowerCase());

const atoms: readonly Atom[] = [
    { pattern: /ssl\b/y, test: (_, r) => r.https },
    { pattern: /false\b/y, test: () => false },
    { pattern: new RegExp(String.raw`http\.host eq ${str}`, "y"), test: (m, r) => r.host === unquote(m[1]) },
    {
        pattern: new RegExp(String.raw`http\.host in \{((?:\s*${str})+)\s*\}`, "y"),
        test: (m, r) => [...m[1].matchAll(new RegExp(str, "g"))].map((x) => unquote(x[1])).includes(r.host),
    },
    { pattern: new RegExp(String.raw`http\.request\.uri\.path eq ${str}`, "y"), test: (m, r) => r.path === unquote(m[1]) },
    { pattern: new RegExp(String.raw`starts_with\(http\.request\.uri\.path, ${str}\)`, "y"), test: (m, r) => r.path.startsWith(unquote(m[1])) },
    {
        pattern: new RegExp(String.raw`http\.request\.uri\.path strict wildcard ${str}`, "y"),
        test: (m, r) => wildcard(unquote(m[1])).test(r.path),
    },
    { pattern: new RegExp(String.raw`http\.request\.method eq ${str}`, "y"), test: (m, r) => (r.method ?? "GET") === unquote(m[1]) },
    {
        pattern: new RegExp(String.raw`any\(lower\(http\.request\.headers\.names\[\*\]\)\[\*\] eq ${str}\)`, "y"),
        test: (m, r) => lowerNames(Object.keys(r.headers ?? {})).includes(unquote(m[1])),
    },
    {
        pattern: new RegExp(String.raw`any\(lower\(http\.response\.headers\.names\[\*\]\)\[\*\] eq ${str}\)`, "y"),
        test: (m, r) => {
            if (!r.responseHeaderNames) throw new Error("a response field needs responseHeaderNames (response phases only)");
            return lowerNames(r.responseHeaderNames).includes(unquote(m[1]));
        },
    },
];

function wildcard(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

export function evaluateRule(expression: string, request: RuleRequest): boolean {
    let pos = 0;
    const skip = () => {
        while (expression[pos] === " ") pos++;
    };
    const keyword = (word: string) => {
        skip();
        const re = new RegExp(`${word}\\b`, "y");
        re.lastIndex = pos;
        if (!re.test(expression)) return false;
        pos = re.lastIndex;
        return true;
    };
    const fail = (what: string): never => {
        throw new Error(`the test evaluator does not know ${what} at ${pos} of: ${expression}`);
    };
    const orExpr = (): boolean => {
        let value = andExpr();
        while (keyword("or")) value = andExpr() || value;
        return value;
    };
    const andExpr = (): boolean => {
        let value = unary();
        while (keyword("and")) value = unary() && value;
        return value;
    };
    const unary = (): boolean => {
        if (keyword("not")) return !unary();
        skip();
        for (const a of atoms) {
            a.pattern.lastIndex = pos;
            const m = a.pattern.exec(expression);
            if (m) {
                pos = a.pattern.lastIndex;
                return a.test(m, request);
            }
        }
        if (expression[pos] !== "(") return fail("the condition");
        pos++;
        const value = orExpr();
        skip();
        if (expression[pos] !== ")") fail("a missing )");
        pos++;
        return value;
    };
    const value = orExpr();
    skip();
    if (pos !== expression.length) fail("trailing text");
    return value;
}

/**
 * The value of a dynamic header expression (`http.request.headers["<name>"][0]`), or undefined where Cloudflare's
 * would be undefined (which removes the header instead of setting it).
 */
export function evaluateValue(expression: string, request: RuleRequest): string | undefined {
    const m = /^http\.request\.headers\["([a-z0-9-]+)"\]\[0\]$/.exec(expression);
    if (!m) throw new Error(`the test evaluator does not know the value expression: ${expression}`);
    const entry = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === m[1]);
    return entry?.[1];
}

/**
 * The path a URL Rewrite Rule's path expression produces: the one form our rules write,
 * `regex_replace(http.request.uri.path, "<regex>", "<replacement>")` (first match replaced, as Cloudflare does).
 */
export function evaluatePathRewrite(expression: string, path: string): string {
    const m = new RegExp(String.raw`^regex_replace\(http\.request\.uri\.path, ${str}, ${str}\)$`).exec(expression);
    if (!m) throw new Error(`the test evaluator does not know the rewrite expression: ${expression}`);
    return path.replace(new RegExp(unquote(m[1])), unquote(m[2]));
}
