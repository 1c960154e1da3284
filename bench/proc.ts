/*
 * What Linux's /proc says about a process: CPU time used, resident memory, children. Only reads; Linux only.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's CPU counters (`getconf CLK_TCK`, 100 on Linux almost everywhere). */
function clockTicks(): number {
    if (ticksPerSecond === undefined) {
        try {
            ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
        } catch {
            ticksPerSecond = 100;
        }
    }
    return ticksPerSecond;
}

/** User + system CPU seconds a process has used so far (all its threads); 0 if it is gone. */
export function cpuSeconds(pid: number): number {
    let stat: string;
    try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
        return 0;
    }
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** CPU seconds of several processes together. */
export function totalCpuSeconds(pids: readonly number[]): number {
    return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** Busy CPU seconds of the whole machine so far, all cores (/proc/stat: everything but idle and iowait). */
export function machineBusySeconds(): number {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0];
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (user + nice + system + irq + softirq + steal) / clockTicks();
}

/** A line of /proc/<pid>/status in bytes (`VmRSS`, `VmHWM`), or undefined if the process is gone. */
export function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
        return match ? Number(match[1]) * 1024 : undefined;
    } catch {
        return undefined;
    }
}

/** Direct children of a process (all threads' children). */
export function childPids(pid: number): number[] {
    const pids: number[] = [];
    let tasks: string[];
    try {
        tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
        return pids;
    }
    for (const task of tasks) {
        try {
            const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
            if (text) pids.push(...text.split(/\s+/).map(Number));
        } catch {
            // Thread gone meanwhile.
        }
    }
    return pids;
}

/** The command name of a process (`/proc/<pid>/comm`), or undefined if it is gone. */
export function commandName(pid: number): string | undefined {
    try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
        return undefined;
    }
}

/** Samples a process's resident memory every `intervalMs` until stopped; returns the highest value seen. */
export function sampleRss(pid: number, intervalMs = 10): { stop(): number } {
    let peak = statusBytes(pid, "VmRSS") ?? 0;
    const timer = setInterval(() => {
        peak = Math.max(peak, statusBytes(pid, "VmRSS") ?? 0);
    }, intervalMs);
    return {
        stop() {
            clearInterval(timer);
            return Math.max(peak, statusBytes(pid, "VmRSS") ?? 0);
        },
    };
}
