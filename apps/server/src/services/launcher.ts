import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { builtCommand, entryPoints, type BuiltProcess } from '../../../../deploy/built.ts';
import { envName, moduleNames, type ModuleName } from '../config.ts';
import { readTopology, remoteModules, topologyProblems, type Topology } from './topology.ts';

export const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/** A free loopback port (the launcher's `freePorts` mode, for tests and side-by-side runs). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `count` free loopback ports, all different: each is held until all are
 * found. Asked one after another, the system may hand out a port it just
 * took back, and two processes would then be given the same one.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () =>
              resolve((server.address() as { port: number }).port),
            );
          }),
      ),
    );
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

export interface LaunchOptions {
  topology?: Topology;
  /** Shared by every service unless `databases` names one per service. */
  databaseUrl: string;
  /** A database per service name (each service's modules then live apart). */
  databases?: Record<string, string>;
  redisUrl: string;
  natsUrl: string;
  /** Ignore the topology's ports and take free ones. */
  freePorts?: boolean;
  /**
   * Extra environment for every server and the gateway (e.g. LOG_LEVEL), and per
   * service name; the processor takes only the `OTEL_*` ones (one collector for all).
   */
  env?: Record<string, string>;
  serviceEnv?: Record<string, Record<string, string>>;
  /** Where each process's output lines go, with the process's name and the stream. */
  output?: (name: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** How long to wait for every process to be ready (ms). */
  readyTimeoutMs?: number;
  /**
   * A folder holding the compiled build (`npm run build`, ADR 0023): the
   * processes run from it. Without it they run from the sources under tsx.
   */
  build?: string;
}

export interface LaunchedProcess {
  readonly name: string;
  readonly url: string;
  readonly modules: readonly ModuleName[];
  child: ChildProcess;
  readonly exited: Promise<number | null>;
}

export interface LaunchedServices {
  readonly gatewayUrl: string;
  readonly processorUrl: string;
  readonly processes: readonly LaunchedProcess[];
  /** The process that hosts `module`. */
  hostOf(module: ModuleName): LaunchedProcess;
  /** Stops one process as a crash would (SIGKILL), for fault tests. */
  kill(name: string): Promise<void>;
  /** Starts a process again after `kill`, with the same port and environment. */
  restart(name: string): Promise<void>;
  /** Stops everything (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

interface Spec {
  name: string;
  process: BuiltProcess;
  port: number;
  modules: ModuleName[];
  env: Record<string, string>;
}

const url = (p: number) => `http://127.0.0.1:${p}`;

/** Polls a URL until it answers 200, the process dies, or the time runs out. */
async function waitReady(
  target: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (dead) throw new Error(`exited before ${target} was ready`);
    try {
      const res = await fetch(target, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${target} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the services shape as separate Node processes on loopback: the
 * sandbox card processor, one apps/server process per topology service
 * (STRATUM_MODULES = its modules, STRATUM_REMOTE_<MODULE> = the others), and
 * the gateway routing each module to its host. Resolves once every process
 * answers /health/ready (the processor: /health).
 */
export async function launchServices(options: LaunchOptions): Promise<LaunchedServices> {
  const topology = options.topology ?? readTopology();
  const problems = topologyProblems(topology);
  if (problems.length > 0) throw new Error(`Unusable topology: ${problems.join('; ')}`);
  const fixed = [
    topology.processor.port,
    topology.gateway.port,
    ...topology.services.map((s) => s.port),
  ];
  const ports = options.freePorts ? await freePorts(fixed.length) : fixed;
  const processorPort = ports[0]!;
  const gatewayPort = ports[1]!;
  const services = topology.services.map((s, i) => ({ ...s, port: ports[2 + i]! }));
  const hostUrl = (m: ModuleName) => url(services.find((s) => s.modules.includes(m))!.port);
  const secret = randomBytes(24).toString('base64url');
  const common = {
    LOG_LEVEL: 'info',
    ...options.env,
    REDIS_URL: options.redisUrl,
    NATS_URL: options.natsUrl,
    STRATUM_SERVICE_SECRET: secret,
  };
  const processorKey = options.env?.['PROCESSOR_API_KEY'] ?? 'sk_sandbox_stratum';
  // The processor rejects settings that are not its own; OpenTelemetry's it shares with the rest.
  const otel = Object.fromEntries(
    Object.entries(options.env ?? {}).filter(([name]) => name.startsWith('OTEL_')),
  );

  const specs: Spec[] = [
    {
      name: 'processor',
      process: 'card-processor',
      port: processorPort,
      modules: [],
      env: { ...otel, PROCESSOR_PORT: String(processorPort), PROCESSOR_API_KEY: processorKey },
    },
    ...services.map((s): Spec => {
      const remotes = Object.fromEntries(
        remoteModules(s).map((m) => [`STRATUM_REMOTE_${envName(m)}`, hostUrl(m)]),
      );
      return {
        name: s.name,
        process: 'server',
        port: s.port,
        modules: s.modules,
        env: {
          ...common,
          ...remotes,
          PORT: String(s.port),
          // Client addresses (per-IP login limits) come from the gateway's X-Forwarded-For.
          TRUST_PROXY: '127.0.0.1',
          STRATUM_MODULES: s.modules.join(','),
          STRATUM_SERVICE_NAME: s.name,
          DATABASE_URL: options.databases?.[s.name] ?? options.databaseUrl,
          PROCESSOR_URL: url(processorPort),
          PROCESSOR_API_KEY: processorKey,
          ...options.serviceEnv?.[s.name],
        },
      };
    }),
    {
      name: 'gateway',
      process: 'gateway',
      port: gatewayPort,
      modules: [],
      env: {
        ...common,
        GATEWAY_PORT: String(gatewayPort),
        IDENTITY_URL: hostUrl('identity'),
        ...Object.fromEntries(moduleNames.map((m) => [`STRATUM_ROUTE_${envName(m)}`, hostUrl(m)])),
        ...options.serviceEnv?.['gateway'],
      },
    },
  ];

  const running = new Map<string, LaunchedProcess>();
  const start = (spec: Spec): LaunchedProcess => {
    const command = options.build
      ? builtCommand(spec.process, options.build)
      : ['--import', 'tsx', entryPoints[spec.process]];
    const child = spawn(process.execPath, command, {
      cwd: repoRoot,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const emit = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) options.output?.(spec.name, line, stream);
      }
    };
    child.stdout?.on('data', emit('stdout'));
    child.stderr?.on('data', emit('stderr'));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const launched = { name: spec.name, url: url(spec.port), modules: spec.modules, child, exited };
    running.set(spec.name, launched);
    return launched;
  };
  const readyPath = (spec: Spec) => (spec.name === 'processor' ? '/health' : '/health/ready');
  const timeout = options.readyTimeoutMs ?? 60_000;
  const startReady = async (spec: Spec) => {
    const p = start(spec);
    await waitReady(`${p.url}${readyPath(spec)}`, p.exited, timeout);
  };

  const stopAll = async (graceMs = 10_000) => {
    const all = [...running.values()];
    for (const p of all) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const p of all) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(all.map((p) => p.exited));
    clearTimeout(timer);
  };

  try {
    const [processorSpec, ...rest] = specs;
    const gatewaySpec = rest.pop()!;
    await startReady(processorSpec!);
    // Identity first: the others fetch its keys and service tokens.
    const identitySpec = rest.find((s) => s.modules.includes('identity'))!;
    await startReady(identitySpec);
    await Promise.all(rest.filter((s) => s !== identitySpec).map(startReady));
    await startReady(gatewaySpec);
  } catch (err) {
    await stopAll(2_000);
    throw err;
  }

  return {
    gatewayUrl: url(gatewayPort),
    processorUrl: url(processorPort),
    get processes() {
      return [...running.values()];
    },
    hostOf(module) {
      return [...running.values()].find((p) => p.modules.includes(module))!;
    },
    async kill(name) {
      const p = running.get(name);
      if (!p) throw new Error(`No process named ${name}`);
      p.child.kill('SIGKILL');
      await p.exited;
    },
    async restart(name) {
      const spec = specs.find((s) => s.name === name);
      if (!spec) throw new Error(`No process named ${name}`);
      await startReady(spec);
    },
    stop: stopAll,
  };
}
