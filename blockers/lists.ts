/*
 * uBlock Origin's default filter lists, as Debian ships them in `webext-ublock-origin-chromium` (a snapshot of the
 * lists uBO enables on a fresh install: EasyList, EasyPrivacy, and uBO's own filters, privacy, badware, quick fixes
 * and unbreak lists). `ensureLists` downloads the package with apt-get (no install, no root needed unless the package
 * index must be refreshed) and unpacks it with dpkg -x into a git-ignored work directory, as bench/nginx.ts does
 * for nginx: every command bounded in time, `apt-get update` only when the first download fails.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const uboPackage = "webext-ublock-origin-chromium";
/** Where the package keeps the lists uBO ships with. */
export const assetsDir = "usr/share/chromium/extensions/ublock-origin/assets";

/** uBO's default lists (the ones enabled on a fresh install), by their path under the assets directory. */
export const defaultLists = [
    { id: "easylist", path: "thirdparties/easylist/easylist.txt" },
    { id: "easyprivacy", path: "thirdparties/easylist/easyprivacy.txt" },
    { id: "ublock-filters", path: "ublock/filters.min.txt" },
    { id: "ublock-privacy", path: "ublock/privacy.min.txt" },
    { id: "ublock-badware", path: "ublock/badware.min.txt" },
    { id: "ublock-quick-fixes", path: "ublock/quick-fixes.min.txt" },
    { id: "ublock-unbreak", path: "ublock/unbreak.min.txt" },
] as const;

export interface FilterList {
    readonly id: string;
    /** Path under the package's assets directory. */
    readonly path: string;
    /** The list's `! Title:` header. */
    readonly title: string;
    /** The date the package gives the file (Debian's snapshot leaves `Last modified: %timestamp%` unfilled). */
    readonly fileDate: string;
    readonly raw: string;
}

export interface ListSnapshot {
    readonly package: string;
    /** The Debian package version, e.g. `1.67.0+dfsg-1~deb12u1`. */
    readonly version: string;
    readonly lists: readonly FilterList[];
    /** The public suffix list uBO ships beside the filter lists (what first- and third-party mean to it). */
    readonly publicSuffixList: string;
}

/** One line naming the snapshot, for reports and fixtures. */
export function describeSnapshot(s: ListSnapshot): string {
    const dates = [...new Set(s.lists.map((l) => l.fileDate))].join(", ");
    return `Debian ${s.package} ${s.version} (list files dated ${dates})`;
}

const aptTimeoutMs = 150_000;

function run(cmd: string, args: string[], cwd: string, timeout = aptTimeoutMs) {
    return spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

const lastLine = (text: string | null) => (text || "").trim().split("\n").pop() ?? "";

/** The newest downloaded .deb of the package in `dir`, if any. */
function findDeb(dir: string): string | undefined {
    if (!fs.existsSync(dir)) return undefined;
    const debs = fs.readdirSync(dir).filter((f) => f.startsWith(`${uboPackage}_`) && f.endsWith(".deb")).sort();
    return debs.length ? path.join(dir, debs[debs.length - 1]) : undefined;
}

/**
 * The lists from `workDir` (downloading and unpacking Debian's package there when they are missing). Throws with
 * what to do by hand when apt-get cannot fetch the package.
 */
export function ensureLists(workDir: string, log: (line: string) => void): ListSnapshot {
    fs.mkdirSync(workDir, { recursive: true });
    const unpacked = path.join(workDir, "x");
    let deb = findDeb(workDir);
    const manual = `Fetch the lists by hand: \`cd ${workDir} && apt-get download ${uboPackage} && dpkg -x ${uboPackage}_*.deb x\`.`;
    if (!deb) {
        if (run("sh", ["-c", "command -v apt-get"], workDir).status !== 0) throw new Error(`no apt-get to download ${uboPackage}. ${manual}`);
        log(`blockers: downloading ${uboPackage} (uBlock Origin's default lists) with apt-get download`);
        let r = run("apt-get", ["download", uboPackage], workDir);
        if (r.status !== 0 && process.getuid?.() === 0) {
            log(`blockers: apt-get download failed (${lastLine(r.stderr)}); refreshing the package index (apt-get update) and trying again`);
            run("apt-get", ["update"], workDir);
            r = run("apt-get", ["download", uboPackage], workDir);
        }
        deb = findDeb(workDir);
        if (r.status !== 0 || !deb) throw new Error(`apt-get download ${uboPackage} failed (exit ${r.status ?? r.signal}): ${lastLine(r.stderr)}. ${manual}`);
    }
    const version = run("dpkg-deb", ["-f", deb, "Version"], workDir, 30_000).stdout.trim();
    const marker = path.join(unpacked, ".version");
    if (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== version) {
        fs.rmSync(unpacked, { recursive: true, force: true });
        const x = run("dpkg", ["-x", deb, unpacked], workDir, 60_000);
        if (x.status !== 0) throw new Error(`dpkg -x ${deb} failed: ${lastLine(x.stderr)}. ${manual}`);
        fs.writeFileSync(marker, version);
    }
    return readLists(path.join(unpacked, assetsDir), version);
}

/** Reads the default lists from an assets directory laid out as the package's. */
export function readLists(assets: string, version: string): ListSnapshot {
    const lists = defaultLists.map((l) => {
        const file = path.join(assets, l.path);
        const raw = fs.readFileSync(file, "utf8");
        const title = /^! Title: (.+)$/m.exec(raw)?.[1]?.trim() ?? l.id;
        return { id: l.id, path: l.path, title, fileDate: fs.statSync(file).mtime.toISOString().slice(0, 10), raw };
    });
    const publicSuffixList = fs.readFileSync(path.join(assets, "thirdparties/publicsuffix.org/list/effective_tld_names.dat"), "utf8");
    return { package: uboPackage, version, lists, publicSuffixList };
}
