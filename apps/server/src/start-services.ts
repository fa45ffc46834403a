// `npm run start:services`: the services shape on this machine, one Node process per service.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildAll } from '../../../deploy/build.ts';
import { launchServices, type LaunchedServices } from './services/launcher.ts';
import { readTopology } from './services/topology.ts';

const usage = `Usage: npm run start:services -- [options]

Starts the services shape locally: the sandbox card processor, one Stratum
process per service of the topology, and the API gateway, against local
PostgreSQL, Redis and NATS (JetStream), each from the compiled build (dist/,
made first). Stop everything with Ctrl-C.

Options:
  --topology <file>         services and ports (default deploy/topology.json)
  --database-per-service    give each service a database of its own
  --free-ports              take free ports instead of the topology's
  -h, --help                show this help

Environment:
  DATABASE_URL   PostgreSQL server + database (default postgres://postgres@127.0.0.1:5432/stratum_services)
  REDIS_URL      default redis://127.0.0.1:6379
  NATS_URL       default nats://127.0.0.1:4222
  NATS_PREFIX    prefix of subjects and streams (to share one NATS), default none
  LOG_LEVEL      level of the processes' own logs (default warn)
`;

function fail(message: string): never {
  process.stderr.write(`start:services: ${message}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      topology: { type: 'string' },
      'database-per-service': { type: 'boolean', default: false },
      'free-ports': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (err) {
  fail(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
}
if (args.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const databaseUrl =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stratum_services';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

let topology;
try {
  topology = readTopology(args.topology);
} catch (err) {
  fail(`cannot read the topology: ${err instanceof Error ? err.message : String(err)}`);
}

/** Creates the database if it does not exist yet (a first run needs no manual step). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail(`unusable database name in ${url}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
  } catch (err) {
    fail(
      `PostgreSQL is not reachable at ${admin.host} (${err instanceof Error ? err.message : String(err)}).\n` +
        '  Start it, e.g.: pg_ctlcluster --skip-systemctl-redirect 15 main start',
    );
  }
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database ${name}`);
      process.stdout.write(`  created database ${name}\n`);
    }
  } finally {
    await client.end();
  }
}

const databases = args['database-per-service']
  ? Object.fromEntries(
      topology.services.map((s) => {
        const u = new URL(databaseUrl);
        u.pathname = `${u.pathname}_${s.name.replace(/-/g, '_')}`;
        return [s.name, u.toString()];
      }),
    )
  : undefined;
for (const url of databases ? Object.values(databases) : [databaseUrl]) await ensureDatabase(url);

process.stdout.write(
  `Starting the services shape: processor, ${topology.services.map((s) => `${s.name} [${s.modules.join(', ')}]`).join(', ')}, gateway\n`,
);
const started = Date.now();
let services: LaunchedServices;
try {
  // The processes run compiled, as in production (ADR 0023).
  const { outdir } = await buildAll();
  services = await launchServices({
    build: outdir,
    topology,
    databaseUrl,
    ...(databases && { databases }),
    redisUrl,
    natsUrl,
    freePorts: args['free-ports'],
    env: {
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      NODE_ENV: 'development',
      ...(process.env.NATS_PREFIX && { NATS_PREFIX: process.env.NATS_PREFIX }),
    },
    // Each process's log lines and errors; not the start-up banners, which the table below replaces.
    output: (name, line, stream) => {
      if (stream === 'stderr' || line.startsWith('{')) process.stdout.write(`[${name}] ${line}\n`);
    },
  });
} catch (err) {
  fail(`could not start: ${err instanceof Error ? err.message : String(err)}`);
}

const width = Math.max(...services.processes.map((p) => p.name.length));
process.stdout.write(
  [
    '',
    `  Stratum services are running (ready in ${Math.round((Date.now() - started) / 100) / 10} s)`,
    `  ${'API'.padEnd(width)}  ${services.gatewayUrl}/api/v1  (gateway: every module, rate limits, BFF routes)`,
    ...services.processes.map(
      (p) =>
        `  ${p.name.padEnd(width)}  ${p.url}${p.modules.length ? `  [${p.modules.join(', ')}]` : ''}`,
    ),
    `  ${'docs'.padEnd(width)}  ${services.hostOf('ordering').url}/docs  (each service documents its own modules)`,
    '  Stop with Ctrl-C',
    '',
  ].join('\n') + '\n',
);

let stopping = false;
const stop = async (reason: string, code: number) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\nStopping (${reason})…\n`);
  await services.stop();
  process.stdout.write('All services stopped.\n');
  process.exit(code);
};
process.on('SIGINT', () => void stop('Ctrl-C', 0));
process.on('SIGTERM', () => void stop('SIGTERM', 0));
for (const p of services.processes) {
  void p.exited.then((code) => {
    if (!stopping) void stop(`${p.name} exited with code ${code}`, 1);
  });
}
