/*
 * One row of the report: the page for a vendor's SDK in headless Chromium (Debian's, driven by playwright-core), every
 * request it makes decided by uBlock Origin's engine (aborted when blocked, the filter recorded), the rest passed
 * through the proxy under test (or, for the anchors, straight to the vendor's host) to the fake vendors.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import type { Browser, Route } from "playwright-core";
import { SdkSettings } from "../components/model/types";
import { RequestType, UboEngine } from "./engine";
import { Delivery, FakeVendors } from "./fakeVendors";
import { pageHtml, pageUrl, siteAsset } from "./pages";
import { ProxyUnderTest, sendUpstream } from "./proxies";

export const chromiumPath = "/usr/bin/chromium";

/** Chromium flags for a closed machine: no sandbox as root, no background connections, a fresh profile. */
export const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Debian's chromium, installed with apt-get when missing (as root, bounded in time, the index refreshed only on failure). */
export function ensureChromium(log: (line: string) => void): string {
    if (fs.existsSync(chromiumPath)) return chromiumPath;
    const manual = "Install it with `apt-get install -y chromium` (Debian) and run again.";
    if (process.getuid?.() !== 0) throw new Error(`no ${chromiumPath}, and installing it needs root. ${manual}`);
    const apt = (args: string[]) => spawnSync("apt-get", args, { encoding: "utf8", timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    log("blockers: no chromium; installing Debian's chromium with apt-get");
    if (apt(["install", "-y", "--no-install-recommends", "chromium"]).status !== 0) {
        log("blockers: refreshing the package index (apt-get update) and trying again");
        apt(["update"]);
        apt(["install", "-y", "--no-install-recommends", "chromium"]);
    }
    if (!fs.existsSync(chromiumPath)) throw new Error(`apt-get could not install chromium. ${manual}`);
    return chromiumPath;
}

/** Chromium headless; Playwright gives every launch a fresh, temporary --user-data-dir. */
export async function launchChromium(executablePath: string): Promise<Browser> {
    const { chromium } = await import("playwright-core");
    // Not marked as automated (navigator.webdriver), as a visitor's browser is not: posthog-js drops a bot's events.
    return chromium.launch({
        executablePath,
        headless: true,
        args: [...chromiumArgs, "--disable-blink-features=AutomationControlled"],
        ignoreDefaultArgs: ["--enable-automation"],
        timeout: 60_000,
    });
}

/** One request the page made, as the report shows it. */
export interface RecordedRequest {
    readonly method: string;
    readonly url: string;
    /** Playwright's resource type and the type uBO matched it as. */
    readonly resourceType: string;
    readonly uboType: RequestType;
    readonly blocked: boolean;
    readonly filter?: string;
    readonly list?: string;
    /** The status the page got (not blocked), or why it got none. */
    readonly status?: number;
    readonly error?: string;
    /** What reached the fake vendors for it: `<vendor host><upstream path>`. */
    readonly delivered: string[];
}

/** Playwright resource type → uBO's (webRequest) type. */
export function uboType(resourceType: string): RequestType {
    switch (resourceType) {
        case "script":
            return "script";
        case "xhr":
        case "fetch":
        case "eventsource":
            return "xmlhttprequest";
        case "image":
            return "image";
        case "stylesheet":
            return "stylesheet";
        case "ping":
        case "beacon":
            return "ping";
        case "websocket":
            return "websocket";
        case "document":
            return "sub_frame";
        default:
            return "other";
    }
}

export interface RowRun {
    readonly sdk: SdkSettings;
    /** The proxy under test; none for an anchor row (the SDK talks to the vendor's hosts). */
    readonly proxy?: ProxyUnderTest;
    /** Hostnames answered straight by the fake vendors (the vendors' own). */
    readonly vendorHosts: ReadonlySet<string>;
    /** How long the page runs after load. */
    readonly dwellMs: number;
    /**
     * Whether what the row waits for has arrived (events, recordings): after the dwell, the page stays open until it
     * has, or for at most `graceMs` more (a loaded machine slows the SDKs' timers down).
     */
    readonly arrived?: () => boolean;
    readonly graceMs?: number;
}

let rowCount = 0;

export async function runRow(browser: Browser, engine: UboEngine, fake: FakeVendors, row: RowRun): Promise<RecordedRequest[]> {
    // A visitor's browser, not a headless one: SDKs drop events from user agents that look like bots (posthog-js does).
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
    const context = await browser.newContext({ ignoreHTTPSErrors: true, serviceWorkers: "block", userAgent });
    const recorded: RecordedRequest[] = [];
    const pending: Promise<void>[] = [];
    const rowId = `${++rowCount}`;
    let next = 0;
    const html = pageHtml(row.sdk);

    const handle = async (route: Route) => {
        const request = route.request();
        const url = request.url();
        if (url === pageUrl && request.resourceType() === "document") {
            await route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
            return;
        }
        const resourceType = request.resourceType();
        const type = uboType(resourceType);
        const verdict = engine.match(pageUrl, url, type);
        const base = { method: request.method(), url, resourceType, uboType: type, blocked: verdict.blocked, filter: verdict.filter, list: verdict.list };
        if (verdict.blocked) {
            recorded.push({ ...base, error: "blocked by uBlock Origin", delivered: [] });
            await route.abort("blockedbyclient");
            return;
        }
        // The site's own files (an SDK chunk the site serves next to its bundle): no vendor, no proxy.
        const asset = siteAsset(url);
        if (asset) {
            recorded.push({ ...base, status: 200, delivered: [] });
            await route.fulfill({ status: 200, contentType: "application/javascript; charset=utf-8", body: asset });
            return;
        }
        const id = `${rowId}.${++next}`;
        const headers: Record<string, string> = { ...(await request.allHeaders()), "x-blockers-id": id };
        for (const name of Object.keys(headers)) if (name.startsWith(":")) delete headers[name];
        const target = new URL(url);
        const body = request.postDataBuffer() ?? undefined;
        try {
            let answer;
            if (row.proxy?.hostnames.includes(target.hostname)) {
                answer = await row.proxy.handle({ url, method: request.method(), headers, body });
            } else if (row.vendorHosts.has(target.hostname)) {
                answer = await sendUpstream(fake.address, target.hostname, request.method(), target.pathname + target.search, headers, body);
            } else {
                recorded.push({ ...base, error: "no such host in this run", delivered: [] });
                await route.abort("namenotresolved");
                return;
            }
            recorded.push({ ...base, status: answer.status, delivered: deliveredFor(fake.deliveries, id) });
            await route.fulfill({ status: answer.status, headers: answer.headers, body: answer.body });
        } catch (error) {
            recorded.push({ ...base, error: String(error), delivered: [] });
            await route.abort("failed").catch(() => undefined);
        }
    };

    await context.route("**/*", (route) => {
        const p = handle(route).catch(() => undefined);
        pending.push(p);
        return p;
    });
    const page = await context.newPage();
    if (process.env.BLOCKERS_DEBUG) {
        page.on("console", (m) => process.stderr.write(`  console.${m.type()}: ${m.text().slice(0, 300)}\n`));
        page.on("pageerror", (e) => process.stderr.write(`  pageerror: ${e.message}\n`));
    }
    try {
        await page.goto(pageUrl, { waitUntil: "load", timeout: 20_000 });
        await page.waitForTimeout(row.dwellMs);
        // The visitor switches to another window: Session Replay sends what it holds on blur.
        await page.evaluate(() => window.dispatchEvent(new Event("blur")));
        for (const until = Date.now() + (row.graceMs ?? 0); row.arrived && !row.arrived() && Date.now() < until; ) await page.waitForTimeout(250);
        // Leaving the page makes the SDKs flush what they hold (sendBeacon on pagehide).
        await page.close({ runBeforeUnload: true });
        await new Promise((r) => setTimeout(r, 500));
        await Promise.all(pending);
    } finally {
        await context.close();
    }
    return recorded;
}

function deliveredFor(deliveries: readonly Delivery[], id: string): string[] {
    return deliveries.filter((d) => d.id === id).map((d) => `${d.host}${d.path}`);
}
