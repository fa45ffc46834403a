import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../apps/server/src/services/launcher.ts';

/**
 * A NATS or Redis server of a test's own, as a child process on a free
 * loopback port. Fault tests stop and start it at will; the machine's shared
 * engines are used by other suites at the same time and are never touched.
 */
export interface EngineProcess {
  /** e.g. `nats://127.0.0.1:41234` */
  readonly url: string;
  readonly port: number;
  readonly running: boolean;
  /** Stops the server (SIGTERM: a clean stop; SIGKILL: a crash) and waits until it is gone. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port (and, for NATS, the same JetStream store). */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
  /** What the server printed, for failure messages. */
  output(): string;
}

interface EngineSpec {
  binary: string;
  args: readonly string[];
  /** The line the server prints once it accepts clients. */
  ready: RegExp;
  scheme: string;
}

const startTimeoutMs = 20_000;
const stopTimeoutMs = 10_000;

function engineProcess(spec: EngineSpec, port: number, cleanup: () => Promise<void>) {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    if (alive()) throw new Error(`${spec.binary} is already running on ${port}`);
    const proc = spawn(spec.binary, [...spec.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${spec.binary} not ready within ${startTimeoutMs} ms:\n${seen}`));
      }, startTimeoutMs);
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        log += chunk.toString();
        if (spec.ready.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`${spec.binary} exited (${code ?? signal}) before it was ready:\n${seen}`),
        );
      });
    });
  }

  async function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (!alive()) return;
    const proc = child!;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  const engine: EngineProcess = {
    url: `${spec.scheme}://127.0.0.1:${port}`,
    port,
    get running() {
      return alive();
    },
    start,
    stop,
    async dispose() {
      await stop('SIGKILL');
      await cleanup();
    },
    output: () => log,
  };
  return engine;
}

/** Starts `nats-server` with JetStream, its store in a fresh temporary folder. */
export async function startNatsServer(binary = '/usr/sbin/nats-server'): Promise<EngineProcess> {
  const port = await freePort();
  const store = await mkdtemp(join(tmpdir(), 'stratum-nats-'));
  const engine = engineProcess(
    {
      binary,
      args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store],
      ready: /Server is ready/,
      scheme: 'nats',
    },
    port,
    () => rm(store, { recursive: true, force: true }),
  );
  await startOrClean(engine, store);
  return engine;
}

/** Starts `redis-server` without persistence: a restart comes back empty, like a lost cache. */
export async function startRedisServer(binary = 'redis-server'): Promise<EngineProcess> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'stratum-redis-'));
  const engine = engineProcess(
    {
      binary,
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      ready: /Ready to accept connections/,
      scheme: 'redis',
    },
    port,
    () => rm(dir, { recursive: true, force: true }),
  );
  await startOrClean(engine, dir);
  return engine;
}

async function startOrClean(engine: EngineProcess, dir: string): Promise<void> {
  try {
    await engine.start();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
