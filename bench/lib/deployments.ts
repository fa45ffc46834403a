// Stratum in each deployment shape, started for one bench run on data of its
// own (a PGlite folder or fresh PostgreSQL databases, a NATS prefix) that the
// run's cleanup removes again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import { launchServices } from '../../apps/server/src/services/launcher.ts';
import { readTopology } from '../../apps/server/src/services/topology.ts';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import type { Cleanup } from './cleanup.ts';
import { deleteNatsStreams, natsPrefix, natsUrl, redisUrl } from './engines.ts';
import { createDatabase, type ScratchDatabase } from './postgres.ts';
import { buildFolder, startProcess } from './process.ts';
import type { DeploymentShape } from './shape-figures.ts';

/** The login role the servers run as (APP_ROLE of @stratum/platform; migrations create it). */
const appRole = 'stratum_app';

export interface ServerProcess {
  name: string;
  pid: number;
  child: ChildProcess;
}

export interface Deployment {
  /** Where the tills send their requests: the server, or the gateway. */
  baseUrl: string;
  /** The processes that serve the API; the card processor is apart. */
  servers: ServerProcess[];
  processor: ServerProcess;
  /** From the first process started until the demo café is ready for the tills. */
  startupSeconds: number;
  /** What the shape runs on (pool size, databases, NATS prefix), for the figures. */
  details: Record<string, unknown>;
  /** The servers' own output lines so far (pino JSON). */
  serverLog(): string[];
}

export interface DeploymentSettings {
  /** Connections each server process may open to its database. */
  poolSize: number;
  /** The cashiers sign in once: their tokens must outlast the run. */
  accessTokenTtlSeconds: number;
  log: (message: string) => void;
  cleanup: Cleanup;
}

/**
 * What every server of every shape gets: the same log level and mode, and
 * limits meant for people lifted, since every cashier signs in with the demo
 * account from one address and the load is many sales a second.
 */
function commonEnv(settings: DeploymentSettings): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    RATE_LIMIT_LOGIN_ACCOUNT: '100000/60',
    RATE_LIMIT_LOGIN_IP: '100000/60',
    RATE_LIMIT_SIGNUP_IP: '100000/60',
    ACCESS_TOKEN_TTL_SECONDS: String(settings.accessTokenTtlSeconds),
  };
}

export function startDeployment(
  shape: DeploymentShape,
  settings: DeploymentSettings,
): Promise<Deployment> {
  return shape === 'services' ? startServices(settings) : startSingle(shape, settings);
}

const ownName = (name: string) => name.replace(/[^a-z0-9_]/g, '_');

/** A fresh database, dropped by the cleanup. */
async function scratchDatabase(label: string, settings: DeploymentSettings) {
  const db = await createDatabase(`stratum_bench_${ownName(label)}`);
  settings.cleanup.add(`database ${db.name}`, () => db.drop());
  return db;
}

/** A NATS prefix whose streams the cleanup deletes. */
function ownNatsPrefix(settings: DeploymentSettings): string {
  const prefix = natsPrefix();
  settings.cleanup.add(`NATS streams of ${prefix}`, async () => {
    const deleted = await deleteNatsStreams(prefix);
    settings.log(`deleted ${deleted} NATS streams of ${prefix}`);
  });
  return prefix;
}

/**
 * One apps/server process hosting every module and seeding the demo café
 * itself: `embedded` on PGlite with in-process engines, `single` on a fresh
 * PostgreSQL database with Redis and NATS. The card processor runs apart,
 * as it does in the services shape.
 */
async function startSingle(
  shape: 'embedded' | 'single',
  settings: DeploymentSettings,
): Promise<Deployment> {
  const { cleanup, log } = settings;
  const began = performance.now();
  const processor = await startProcess(
    { built: 'card-processor' },
    [],
    { PROCESSOR_PORT: '0', PROCESSOR_HOST: '127.0.0.1', PROCESSOR_LATENCY_MS: '0' },
    /^card processor listening on (http:\/\/\S+)\n/m,
  );
  cleanup.add('card processor', () => processor.stop());
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-'));
  cleanup.add('data folder', () =>
    Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
  );
  // Nothing of the bench's own environment may turn the embedded shape into another one.
  const env: Record<string, string> = {
    ...commonEnv(settings),
    HOST: '127.0.0.1',
    PORT: '0',
    STRATUM_DATA_DIR: dataDir,
    STRATUM_MODULES: '',
    PROCESSOR_URL: processor.match[1]!,
    DATABASE_URL: '',
    DATABASE_APP_URL: '',
    REDIS_URL: '',
    NATS_URL: '',
    NATS_PREFIX: '',
  };
  let details: Record<string, unknown> = { data: 'PGlite', engines: 'in-process' };
  if (shape === 'single') {
    const db = await scratchDatabase('single', settings);
    const prefix = ownNatsPrefix(settings);
    Object.assign(env, {
      DATABASE_URL: db.url,
      DATABASE_APP_URL: db.urlAs(appRole),
      DATABASE_POOL_SIZE: String(settings.poolSize),
      REDIS_URL: redisUrl,
      NATS_URL: natsUrl,
      NATS_PREFIX: prefix,
    });
    details = { pool_size: settings.poolSize, databases: [db.name], nats_prefix: prefix };
  }
  log(`starting Stratum (${shape}) with the demo data`);
  const server = await startProcess(
    { built: 'server' },
    ['--seed'],
    env,
    /API\s+(http:\/\/\S+)\/api\/v1/,
  );
  cleanup.add('Stratum server', () => server.stop());
  const readyAt = server.output().length;
  const asServer = (name: string, child: ChildProcess): ServerProcess => ({
    name,
    pid: child.pid!,
    child,
  });
  return {
    baseUrl: `http://127.0.0.1:${new URL(server.match[1]!).port}`,
    servers: [asServer('server', server.child)],
    processor: asServer('processor', processor.child),
    startupSeconds: (performance.now() - began) / 1000,
    details,
    serverLog: () => server.output().slice(readyAt).split('\n').filter(Boolean),
  };
}

/**
 * The services shape as `npm run start:services` runs it: the processor, one
 * apps/server per topology service, each on a fresh database of its own, and
 * the gateway in front; the demo café is seeded through the gateway.
 */
async function startServices(settings: DeploymentSettings): Promise<Deployment> {
  const { cleanup, log } = settings;
  const began = performance.now();
  const topology = readTopology();
  const databases: Record<string, ScratchDatabase> = {};
  for (const s of topology.services) databases[s.name] = await scratchDatabase(s.name, settings);
  const prefix = ownNatsPrefix(settings);
  const output: string[] = [];
  log(
    `starting ${topology.services.map((s) => `${s.name} [${s.modules.join(', ')}]`).join(', ')} and the gateway`,
  );
  const build = await buildFolder();
  const launched = await launchServices({
    ...(build && { build }),
    topology,
    databaseUrl: Object.values(databases)[0]!.url,
    databases: Object.fromEntries(Object.entries(databases).map(([name, db]) => [name, db.url])),
    redisUrl,
    natsUrl,
    freePorts: true,
    readyTimeoutMs: 180_000,
    env: {
      ...commonEnv(settings),
      NATS_PREFIX: prefix,
      DATABASE_POOL_SIZE: String(settings.poolSize),
      // The gateway's limits stand for many tills on many addresses; here one address is all of them.
      GATEWAY_RATE_LIMIT_IP: '10000000/60',
      GATEWAY_RATE_LIMIT_TENANT: '10000000/60',
    },
    serviceEnv: Object.fromEntries(
      Object.entries(databases).map(([name, db]) => [
        name,
        { DATABASE_APP_URL: db.urlAs(appRole) },
      ]),
    ),
    output: (name, line) => output.push(`[${name}] ${line}`),
  }).catch((err: unknown) => {
    const tail = output.slice(-20).join('\n');
    throw new Error(
      `the services did not start: ${err instanceof Error ? err.message : String(err)}${tail ? `\n${tail}` : ''}`,
    );
  });
  cleanup.add('services', () => launched.stop());
  log(`gateway at ${launched.gatewayUrl}; seeding the demo café through it`);
  await seedDemo(launched.gatewayUrl);
  const readyAt = output.length;
  const processes = launched.processes.map((p): ServerProcess => ({
    name: p.name,
    pid: p.child.pid!,
    child: p.child,
  }));
  return {
    baseUrl: launched.gatewayUrl,
    servers: processes.filter((p) => p.name !== 'processor'),
    processor: processes.find((p) => p.name === 'processor')!,
    startupSeconds: (performance.now() - began) / 1000,
    details: {
      pool_size_per_process: settings.poolSize,
      databases: Object.values(databases).map((db) => db.name),
      nats_prefix: prefix,
      topology: Object.fromEntries(topology.services.map((s) => [s.name, s.modules])),
    },
    serverLog: () => output.slice(readyAt).filter((l) => !l.startsWith('[processor]')),
  };
}
