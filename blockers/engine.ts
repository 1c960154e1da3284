/*
 * uBlock Origin's static network filtering engine (npm @gorhill/ubo-core, the engine of the extension itself), loaded
 * with named lists, answering for one request at a time what uBO would do with it and by which filter.
 */
import { pathToFileURL } from "node:url";

/** A list as the engine takes it: a name and the list's text. */
export interface NamedList {
    readonly name: string;
    readonly raw: string;
}

/** The request types uBO distinguishes that the SDKs' requests have (webRequest's resource types). */
export type RequestType = "script" | "xmlhttprequest" | "ping" | "image" | "stylesheet" | "sub_frame" | "main_frame" | "other" | "websocket";

export interface Verdict {
    /** uBO would cancel the request. */
    readonly blocked: boolean;
    /** The filter that decided, as the engine reports it (`@@` for an exception that let it through); none when no filter matched. */
    readonly filter?: string;
    /** The list that carries that filter (its name as given to `load`). */
    readonly list?: string;
}

export interface UboEngine {
    /** What uBO does with a request for `url` of `type` made by a page at `originURL`. */
    match(originURL: string, url: string, type: RequestType): Verdict;
}

interface Snfe {
    useLists(lists: NamedList[]): Promise<void>;
    matchRequest(details: { originURL: string; url: string; type: string }): number;
    toLogData(): { raw?: string } | undefined;
}

// ubo-core is an ES module; ts-node compiles this file to CommonJS, whose import() TypeScript would turn into require().
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;

interface UboCore {
    readonly snfe: Snfe;
    /** Loads a public suffix list (its text) into the engine's: what first- and third-party mean. */
    pslInit(raw: string): unknown;
}

let instance: Promise<UboCore> | undefined;

/** ubo-core allows a single engine per process: it is created once and reloaded with other lists on each `load`. */
function engine(): Promise<UboCore> {
    instance ??= importModule(pathToFileURL(require.resolve("@gorhill/ubo-core")).href).then(async (m) => ({ snfe: await m.StaticNetFilteringEngine.create(), pslInit: m.pslInit }));
    return instance;
}

// The engine reports filters with its own short option names; lists spell some of them out.
const optionAliases: Record<string, string> = {
    "third-party": "3p",
    "first-party": "1p",
    "~third-party": "1p",
    "~first-party": "3p",
    xmlhttprequest: "xhr",
    stylesheet: "css",
    document: "doc",
    subdocument: "frame",
    generichide: "ghide",
    elemhide: "ehide",
    specifichide: "shide",
};

// Options with a value whose name the engine reports differently (`domain=` is `from=` in uBO's own syntax).
const valueAliases: Record<string, string> = { domain: "from" };

function normalizeFilter(filter: string): string {
    const at = filter.lastIndexOf("$");
    if (at <= 0 || (filter.startsWith("/") && filter.endsWith("/"))) return filter;
    const options = filter
        .slice(at + 1)
        .split(",")
        .map((o) => {
            const eq = o.indexOf("=");
            if (eq < 0) return optionAliases[o] ?? o;
            const name = o.slice(0, eq);
            return `${valueAliases[name] ?? name}${o.slice(eq)}`;
        });
    return `${filter.slice(0, at)}$${options.join(",")}`;
}

/**
 * Loads `lists` into the engine (replacing whatever it had) and returns a matcher over them. `publicSuffixList`, the
 * text of the list uBO ships (assets/thirdparties/publicsuffix.org/list/effective_tld_names.dat), decides which
 * hostnames are first-party to the page: ubo-core 0.1.30's own serialized copy loads empty, which makes every other
 * hostname third-party (a proxy on t.example.com to a page on www.example.com included), so `$third-party` filters
 * such as EasyPrivacy's `$ping,third-party` would hit first-party requests they do not hit in uBlock Origin.
 */
export async function loadEngine(lists: readonly NamedList[], publicSuffixList?: string): Promise<UboEngine> {
    const { snfe, pslInit } = await engine();
    if (publicSuffixList !== undefined) pslInit(publicSuffixList);
    await snfe.useLists(lists.map((l) => ({ name: l.name, raw: l.raw })));
    const lines = lists.map((l) => ({ name: l.name, filters: new Set(l.raw.split("\n").map((line) => normalizeFilter(line.trim()))) }));
    const listOf = (filter: string) => lines.find((l) => l.filters.has(normalizeFilter(filter)))?.name;
    return {
        match(originURL, url, type) {
            const result = snfe.matchRequest({ originURL, url, type });
            if (result === 0) return { blocked: false };
            const filter = snfe.toLogData()?.raw;
            const list = filter === undefined ? undefined : listOf(filter);
            return { blocked: result === 1, filter, list };
        },
    };
}
