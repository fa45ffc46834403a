import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Cleanup } from '../lib/cleanup.ts';
import { startDeployment, type Deployment } from '../lib/deployments.ts';
import { benchClientAddress, natsUnreachable, redisUnreachable } from '../lib/engines.ts';
import { postgresTransport, postgresUnreachable } from '../lib/postgres.ts';
import { cores, machineCpuSeconds, memoryMb, processCpuSeconds } from '../lib/procfs.ts';
import {
  deploymentShapes,
  loadFigures,
  memoryFigures,
  shapesSummary,
  type Comparison,
  type DeploymentShape,
  type ShapeResult,
} from '../lib/shape-figures.ts';
import { round } from '../lib/stats.ts';
import { checkoutLoad, measureWindow, openTills } from '../lib/till.ts';
import type { BenchOptions } from '../run.ts';

interface ShapeContext {
  cashiers: number;
  warmupSeconds: number;
  durationSeconds: number;
  clientAddress: string;
  log: (message: string) => void;
}

interface Snapshot {
  t: number;
  servers: number;
  machine: { busy: number; total: number };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A failure's reason, short enough for the JSON line: its first line and last lines. */
function reasonOf(err: unknown): string {
  const lines = message(err).split('\n');
  const kept = lines.length > 16 ? [lines[0]!, '…', ...lines.slice(-15)] : lines;
  return kept.join('\n').slice(0, 3000);
}

/** Why PostgreSQL, Redis or NATS cannot be used (the real-engine shapes need all three). */
async function enginesUnreachable(): Promise<string | null> {
  const postgres = await postgresUnreachable();
  const problems = [
    postgres && `PostgreSQL (BENCH_DATABASE_URL): ${postgres}`,
    await redisUnreachable(),
    await natsUnreachable(),
  ].filter(Boolean);
  return problems.length > 0 ? `needs the real engines: ${problems.join('; ')}` : null;
}

/** One shape: started on data of its own, the tills opened, the load measured, all removed. */
async function runShape(shape: DeploymentShape, ctx: ShapeContext): Promise<ShapeResult> {
  const { cashiers: count, warmupSeconds, durationSeconds, log } = ctx;
  const cleanup = new Cleanup(log);
  try {
    const deployment: Deployment = await startDeployment(shape, {
      poolSize: Math.min(count + 4, 40),
      accessTokenTtlSeconds: Math.max(900, warmupSeconds + durationSeconds + 600),
      log,
      cleanup,
    });
    log(`ready in ${deployment.startupSeconds.toFixed(1)} s at ${deployment.baseUrl}`);
    const { store, cashiers } = await openTills(deployment.baseUrl, count, cleanup, log, {
      localAddress: ctx.clientAddress,
    });
    const tills = checkoutLoad(store.id, randomBytes(4).toString('hex'));
    // One checkout must work before anything is measured: a broken flow fails fast.
    await tills.checkout(cashiers[0]!).catch((err: unknown) => {
      throw new Error(`the first checkout failed: ${message(err)}`);
    });

    const { servers, processor } = deployment;
    const peaks = new Map<number, number>();
    const sampler = setInterval(() => {
      for (const { pid } of servers) {
        peaks.set(pid, Math.max(peaks.get(pid) ?? 0, memoryMb(pid).rss || 0));
      }
    }, 250);
    cleanup.add('memory sampler', () => Promise.resolve(clearInterval(sampler)));
    const snapshot = (): Promise<Snapshot> =>
      Promise.resolve({
        t: performance.now(),
        servers: servers.reduce((sum, p) => sum + processCpuSeconds(p.pid), 0),
        machine: machineCpuSeconds(),
      });
    const logLinesBefore = deployment.serverLog().length;
    log(`${count} cashiers: ${warmupSeconds} s warm-up, then ${durationSeconds} s measured`);
    const { first, last } = await measureWindow(tills, cashiers, {
      warmupSeconds,
      durationSeconds,
      log,
      snapshot,
    });
    clearInterval(sampler);

    const load = loadFigures(tills.completed, tills.failures, first.t, last.t);
    const memory = memoryFigures(
      servers.map((p) => ({ name: p.name, rss: memoryMb(p.pid).rss, peak: peaks.get(p.pid) ?? 0 })),
    );
    const serverLog = deployment.serverLog().slice(logLinesBefore);
    const logLines = (...levels: number[]) =>
      serverLog.filter((l) => levels.some((level) => l.includes(`"level":${level}`))).length;
    const machine = {
      busy: last.machine.busy - first.machine.busy,
      total: last.machine.total - first.machine.total,
    };
    const figures = {
      ...load,
      ...memory,
      processor_rss_mb: round(memoryMb(processor.pid).rss, 1),
      server_cpu_ms_per_checkout: round(
        ((last.servers - first.servers) * 1000) / load.checkouts,
        2,
      ),
      cpu_share_machine_busy: round(machine.busy / machine.total, 3),
      server_warn_log_lines: logLines(40),
      server_error_log_lines: logLines(50, 60),
      startup_s: round(deployment.startupSeconds, 1),
      ...deployment.details,
    };
    log(
      `${figures.checkouts_per_s} checkouts/s, p50 ${figures.checkout_p50_ms} ms, p99 ` +
        `${figures.checkout_p99_ms} ms, ${figures.errors} errors, RSS ${figures.server_rss_mb} MiB`,
    );
    // A process that died under the load makes the figures a different shape's.
    const exited = servers.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (exited.length > 0) {
      const names = exited.map((p) => `${p.name} (${p.child.exitCode ?? p.child.signalCode})`);
      return {
        status: 'failed',
        reason: `exited during the load: ${names.join(', ')}`,
        ...figures,
      };
    }
    return { status: 'ok', ...figures };
  } finally {
    await cleanup.run();
  }
}

const describeComparison = (c: Comparison) =>
  'note' in c
    ? c.note
    : `throughput ×${c.checkouts_per_s}, p50 ×${c.checkout_p50_ms}, p99 ×${c.checkout_p99_ms}`;

/**
 * The checkout load of the checkout scenario (without its calibrations)
 * against each deployment shape in turn — embedded, one process on the real
 * engines, and the services behind the gateway — each on fresh data, with
 * the same cashiers, warm-up and window, then the shapes compared.
 */
export async function shapesScenario(options: BenchOptions): Promise<Record<string, unknown>> {
  const { cashiers, durationSeconds, log } = options;
  const warmupSeconds = Math.min(10, Math.max(3, Math.round(durationSeconds / 4)));
  const clientAddress = benchClientAddress();
  const unreachable = await enginesUnreachable();
  const results: Partial<Record<DeploymentShape, ShapeResult>> = {};
  log(
    `${cashiers} cashiers, ${warmupSeconds} s warm-up and ${durationSeconds} s measured per shape; ` +
      `the tills connect from ${clientAddress}`,
  );
  for (const shape of deploymentShapes) {
    const say = (m: string) => log(`${shape}: ${m}`);
    if (shape !== 'embedded' && unreachable) {
      results[shape] = { status: 'failed', reason: unreachable };
      say(`skipped: ${unreachable}`);
      continue;
    }
    const ctx = { cashiers, warmupSeconds, durationSeconds, clientAddress, log: say };
    results[shape] = await runShape(shape, ctx).catch((err: unknown): ShapeResult => {
      const reason = reasonOf(err);
      say(`failed: ${reason}`);
      return { status: 'failed', reason };
    });
  }
  const summary = shapesSummary(results);
  log(`services vs single: ${describeComparison(summary.services_vs_single)}`);
  log(`single vs embedded: ${describeComparison(summary.single_vs_embedded)}`);
  return {
    cashiers,
    warmup_s: warmupSeconds,
    duration_s: durationSeconds,
    cores,
    client_address: clientAddress,
    pg_transport: postgresTransport(),
    ...summary,
  };
}
