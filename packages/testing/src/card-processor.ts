import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultPatch, ProcessorStats } from '@stratum/card-processor';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const entry = fileURLToPath(new URL('../../../apps/card-processor/src/main.ts', import.meta.url));
const startTimeoutMs = 20_000;
const stopTimeoutMs = 10_000;
// Up to the newline: a chunk may end in the middle of the port number.
const listening = /^card processor listening on (http:\/\/\S+)\n/m;

export type { FaultPatch as CardProcessorFaults, ProcessorStats as CardProcessorStats };

export interface CardProcessorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The sandbox card processor did not come up; carries its exit code and output. */
export class CardProcessorStartError extends Error {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(message: string, exitCode: number | null, stdout: string, stderr: string) {
    super(`${message}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
    this.name = 'CardProcessorStartError';
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

export interface RunningCardProcessor {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  apiKey: string;
  /** Changes only the named settings (`PUT /admin/faults`). */
  setFaults(faults: FaultPatch): Promise<void>;
  /** Forgets payments, idempotency keys and counts; faults back to the start-up ones. */
  reset(): Promise<void>;
  stats(): Promise<ProcessorStats>;
  /** Sends SIGTERM and waits for the exit; rejects unless it exits with code 0. */
  stop(): Promise<void>;
  /** Settles when the process exits, for whatever reason. */
  exited: Promise<CardProcessorExit>;
  stderr(): string;
}

/**
 * Starts the sandbox card processor as a real child process on a free port, the way a
 * deployment talks to a processor: over the network, with faults the client cannot see
 * coming. `env` adds PROCESSOR_* variables; the parent's own PROCESSOR_* are not passed on.
 */
export async function startCardProcessor(
  options: { env?: Record<string, string> } = {},
): Promise<RunningCardProcessor> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PROCESSOR_')),
  );
  const env: Record<string, string> = {
    PROCESSOR_PORT: '0',
    PROCESSOR_HOST: '127.0.0.1',
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CardProcessorExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new CardProcessorStartError(
          `card processor did not start within ${startTimeoutMs} ms`,
          null,
          stdout,
          stderr,
        ),
      );
    }, startTimeoutMs);
    const onData = () => {
      const match = listening.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(match[1]);
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new CardProcessorStartError(
          `card processor exited with code ${code}${signal ? ` (${signal})` : ''} before listening`,
          code,
          stdout,
          stderr,
        ),
      );
    });
  });

  const admin = async (method: string, path: string, body?: object): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), stopTimeoutMs);
    });
    const outcome = await Promise.race([exited, deadline]).finally(() => clearTimeout(timer));
    if (outcome === 'deadline') {
      child.kill('SIGKILL');
      throw new Error(`card processor did not stop within ${stopTimeoutMs} ms of SIGTERM`);
    }
    if (outcome.code !== 0) {
      throw new Error(
        `card processor exited with code ${outcome.code} (${outcome.signal ?? 'no signal'}):\n${stderr}`,
      );
    }
  };

  return {
    url,
    apiKey: env.PROCESSOR_API_KEY ?? 'sk_sandbox_stratum',
    async setFaults(faults) {
      await admin('PUT', '/admin/faults', faults);
    },
    async reset() {
      await admin('POST', '/admin/reset');
    },
    async stats() {
      return (await admin('GET', '/admin/stats')) as ProcessorStats;
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
    exited,
    stderr: () => stderr,
  };
}
