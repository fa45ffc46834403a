// CPU and memory of processes, read from Linux's /proc: cheap enough to sample
// while the load runs, and it sees every process, not only this one.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
export const clockTicks = (() => {
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

export const cores = availableParallelism();

interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime of the process itself. */
  cpuSeconds: number;
  /** cutime + cstime: the CPU of children it has waited for (exited ones). */
  reapedChildrenCpuSeconds: number;
}

/** `/proc/<pid>/stat` (or a thread's, `task/<tid>/stat`), or undefined once it is gone. */
export function procStat(pid: number, tid?: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/${tid === undefined ? '' : `task/${tid}/`}stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  // fields[0] is field 3 (state) of proc(5); field n is fields[n - 3].
  const fields = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return {
    comm,
    ppid: field(4),
    cpuSeconds: (field(14) + field(15)) / clockTicks,
    reapedChildrenCpuSeconds: (field(16) + field(17)) / clockTicks,
  };
}

/** CPU seconds (user + system) a process has used so far; NaN once it is gone. */
export function processCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? Number.NaN : (procStat(pid)?.cpuSeconds ?? Number.NaN);
}

/**
 * CPU seconds of a process's main thread (its thread id is its pid): for
 * Node, the event loop, which one core bounds, without GC and libuv helpers.
 */
export function mainThreadCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? Number.NaN : (procStat(pid, pid)?.cpuSeconds ?? Number.NaN);
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/**
 * CPU seconds of every `postgres` process on the machine (postmaster,
 * background workers, every backend), plus what the postmaster's exited
 * children used, so a backend that ends between two readings still counts.
 */
export function postgresCpuSeconds(): number {
  const stats = new Map<number, ProcStat>();
  for (const pid of pids()) {
    const stat = procStat(pid);
    if (stat?.comm === 'postgres') stats.set(pid, stat);
  }
  let total = 0;
  for (const stat of stats.values()) {
    total += stat.cpuSeconds;
    // The postmaster: a postgres process whose parent is not one.
    if (!stats.has(stat.ppid)) total += stat.reapedChildrenCpuSeconds;
  }
  return total;
}

/** CPU seconds of each of `pids` still running. */
export function cpuSecondsOf(pidList: readonly number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pidList) {
    const stat = procStat(pid);
    if (stat) seconds.set(pid, stat.cpuSeconds);
  }
  return seconds;
}

/** Resident memory now and at its peak (VmHWM), in MiB; NaN once the process is gone. */
export function memoryMb(pid: number | undefined): { rss: number; peak: number } {
  let text = '';
  try {
    if (pid !== undefined) text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // gone
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The whole machine's CPU seconds so far: busy (not idle, not iowait) and in total. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3]! + ticks[4]!;
  return { busy: (total - idle) / clockTicks, total: total / clockTicks };
}

/**
 * Write system calls a process has made so far (`syscw` of /proc/<pid>/io):
 * node-postgres writes each statement with one call and an HTTP response
 * takes one, so the count tells round trips apart from CPU. NaN once gone.
 */
export function writeSyscalls(pid: number | undefined): number {
  try {
    const text = pid === undefined ? '' : readFileSync(`/proc/${pid}/io`, 'utf8');
    return Number(/^syscw:\s+(\d+)/m.exec(text)?.[1]);
  } catch {
    return Number.NaN;
  }
}
