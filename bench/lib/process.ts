import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../../deploy/build.ts';
import { builtCommand, entryPoints, type BuiltProcess } from '../../deploy/built.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Started {
  child: ChildProcess;
  match: RegExpExecArray;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `killAfterMs`. */
  stop(killAfterMs?: number): Promise<void>;
}

let build: Promise<string> | undefined;

/**
 * The folder of the compiled build (`dist/`, ADR 0023), made once per bench
 * run, so the processes are measured as they run in production; `undefined`
 * with `BENCH_FROM_SOURCE=1`, which runs them from the sources under tsx (as
 * the tests do) to compare the two.
 */
export function buildFolder(): Promise<string | undefined> {
  if (process.env.BENCH_FROM_SOURCE === '1') return Promise.resolve(undefined);
  build ??= buildAll().then((result) => result.outdir);
  return build;
}

/**
 * Starts a process and resolves once its output matches `ready`; fails if it
 * exits first or takes longer than `timeoutMs`. `script` is a TypeScript entry
 * point (run under tsx), or `{ built }`: one of Stratum's processes, compiled
 * (see `buildFolder`).
 */
export async function startProcess(
  script: string | { built: BuiltProcess },
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 120_000,
): Promise<Started> {
  // BENCH_PROFILE_DIR=<dir>: the servers write a V8 CPU profile there when they stop.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  // BENCH_NODE_FLAGS="--perf-basic-prof …": more Node flags for the processes it starts.
  const flags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  const folder = typeof script === 'string' ? undefined : await buildFolder();
  const entry =
    typeof script === 'string'
      ? ['--import', 'tsx', script]
      : folder
        ? builtCommand(script.built, folder)
        : ['--import', 'tsx', entryPoints[script.built]];
  const name = typeof script === 'string' ? script : entry.at(-1)!;
  const child = spawn(process.execPath, [...profile, ...flags, ...entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (killAfterMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    let isReady = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = isReady ? null : ready.exec(output);
      if (match) {
        isReady = true;
        clearTimeout(timer);
        resolve({ child, match, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`));
    });
  });
}
