// `npm run bench -- <scenario> [options]`: runs a load scenario and prints its
// figures as one JSON object on the last line of stdout (progress goes to stderr).
import { parseArgs } from 'node:util';
import { checkoutScenario } from './scenarios/checkout.ts';
import { menuScenario } from './scenarios/menu.ts';
import { shapesScenario } from './scenarios/shapes.ts';
import { postgresTransports, selectPostgres, type PostgresTransport } from './lib/postgres.ts';

export type Shape = 'embedded' | 'postgres';

export interface BenchOptions {
  /** Measured time (checkout and shapes add a warm-up before it; shapes: per shape). */
  durationSeconds: number;
  /** Connections of the HTTP load tool (wrk or autocannon). */
  connections: number;
  /** Where the server keeps its data (checkout). */
  shape: Shape;
  /** Concurrent cashiers (checkout, shapes). */
  cashiers: number;
  log: (message: string) => void;
}

interface Scenario {
  run: (options: BenchOptions) => Promise<Record<string, unknown>>;
  defaultDuration: number;
  /** The options it reads beyond --duration and --connections. */
  accepts: readonly ('shape' | 'cashiers' | 'pg-transport')[];
}

const scenarios: Record<string, Scenario> = {
  menu: { run: menuScenario, defaultDuration: 10, accepts: [] },
  checkout: {
    run: checkoutScenario,
    defaultDuration: 20,
    accepts: ['shape', 'cashiers', 'pg-transport'],
  },
  shapes: { run: shapesScenario, defaultDuration: 20, accepts: ['cashiers', 'pg-transport'] },
};
const shapes: readonly Shape[] = ['embedded', 'postgres'];

const usage = [
  'usage: npm run bench -- <scenario> [--duration S] [--connections N]',
  '  menu      [--duration S (10)] [--connections N (64)]',
  '  checkout  [--shape embedded|postgres (postgres)] [--cashiers N (16)] [--duration S (20)]',
  '            [--connections N (64): of the hello-world calibration]',
  '            [--pg-transport socket|tcp (socket if the local PostgreSQL has one)]',
  '  shapes    [--cashiers N (16)] [--duration S (20, per shape)] [--pg-transport socket|tcp]:',
  '            the checkout load against embedded, single (PostgreSQL, Redis, NATS) and',
  '            services (gateway) in turn',
  'BENCH_PROFILE_DIR=<dir>: the servers write a V8 CPU profile there when they stop.',
  'BENCH_NODE_FLAGS="<flags>": more Node flags for the processes the bench starts.',
].join('\n');

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string', default: '64' },
      shape: { type: 'string' },
      cashiers: { type: 'string' },
      'pg-transport': { type: 'string' },
    },
  });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const { positionals, values } = parsed;
const name = positionals[0];
const scenario = name ? scenarios[name] : undefined;
if (!name || !scenario) {
  fail(name ? `unknown scenario "${name}"` : 'which scenario?');
}
if (positionals.length > 1) fail(`unexpected argument "${positionals[1]}"`);
for (const option of ['shape', 'cashiers', 'pg-transport'] as const) {
  if (values[option] !== undefined && !scenario.accepts.includes(option)) {
    fail(`--${option} does not apply to the ${name} scenario`);
  }
}

/** A whole number from `min` to `max`, or exit 2 naming the option. */
function wholeNumber(option: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    fail(`--${option} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

const shape = values.shape ?? 'postgres';
if (!shapes.includes(shape as Shape)) {
  fail(`--shape must be one of ${shapes.join(', ')} (got "${shape}")`);
}
const transport = values['pg-transport'];
if (transport !== undefined && !postgresTransports.includes(transport as PostgresTransport)) {
  fail(`--pg-transport must be one of ${postgresTransports.join(', ')} (got "${transport}")`);
}
const refused = selectPostgres(transport as PostgresTransport | undefined);
if (refused) fail(refused);
const options: Omit<BenchOptions, 'log'> = {
  durationSeconds: wholeNumber(
    'duration',
    values.duration ?? String(scenario.defaultDuration),
    1,
    3600,
  ),
  connections: wholeNumber('connections', values.connections, 1, 10_000),
  shape: shape as Shape,
  cashiers: wholeNumber('cashiers', values.cashiers ?? '16', 1, 256),
};

try {
  const figures = await scenario.run({
    ...options,
    log: (message) => process.stderr.write(`[bench ${name}] ${message}\n`),
  });
  process.stdout.write(`${JSON.stringify({ scenario: name, ...figures })}\n`);
  // A scenario that could not measure everything it compares says which parts failed.
  if (Array.isArray(figures.failed) && figures.failed.length > 0) process.exitCode = 1;
} catch (err) {
  process.stderr.write(
    `[bench ${name}] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
}
