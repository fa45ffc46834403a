import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Cleanup } from '../lib/cleanup.ts';
import { load, loadTool } from '../lib/load.ts';
import { sampleBackends, type BackendStates } from '../lib/backend-states.ts';
import {
  adminUrl,
  createDatabase,
  postgresTransport,
  postgresUnreachable,
  twoInsertCalibration,
  type ScratchDatabase,
  type TwoInsertResult,
} from '../lib/postgres.ts';
import { startProcess, type Started } from '../lib/process.ts';
import {
  cores,
  cpuSecondsOf,
  machineCpuSeconds,
  memoryMb,
  postgresCpuSeconds,
  mainThreadCpuSeconds,
  processCpuSeconds,
  writeSyscalls,
} from '../lib/procfs.ts';
import { percentile, round } from '../lib/stats.ts';
import { checkoutLoad, measureWindow, openTills, type Completed } from '../lib/till.ts';
import type { BenchOptions } from '../run.ts';

/** The login role the server runs as (APP_ROLE of @stratum/platform; migrations create it). */
const appRole = 'stratum_app';
const helloSeconds = 5;
const twoInsertSeconds = 5;
const soloSeconds = 3;

/** Bench-side figures of the PostgreSQL database, read through one owner connection. */
interface DbSnapshot {
  xactCommit: number;
  xactRollback: number;
  rowsWritten: number;
  scans: number;
  writesByTable: Record<string, number>;
  backendPids: number[];
}

async function dbSnapshot(monitor: pg.Client): Promise<DbSnapshot> {
  // One statement, so the monitor adds one transaction per snapshot to the counts.
  const { rows } = await monitor.query<{
    xact_commit: string;
    xact_rollback: string;
    rows_written: string | null;
    scans: string | null;
    writes_by_table: Record<string, number> | null;
    pids: number[];
  }>(`select d.xact_commit, d.xact_rollback,
      (select sum(n_tup_ins + n_tup_upd + n_tup_del) from pg_stat_user_tables) as rows_written,
      (select sum(seq_scan + coalesce(idx_scan, 0)) from pg_stat_user_tables) as scans,
      (select json_object_agg(schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del)
        from pg_stat_user_tables) as writes_by_table,
      array(select pid from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()) as pids
    from pg_stat_database d where d.datname = current_database()`);
  const row = rows[0]!;
  return {
    xactCommit: Number(row.xact_commit),
    xactRollback: Number(row.xact_rollback),
    rowsWritten: Number(row.rows_written ?? 0),
    scans: Number(row.scans ?? 0),
    writesByTable: row.writes_by_table ?? {},
    backendPids: row.pids,
  };
}

interface Snapshot {
  t: number;
  server: number;
  serverMainThread: number;
  serverWrites: number;
  processor: number;
  postgres: number;
  bench: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
  backends: Map<number, number>;
  db?: DbSnapshot;
  processorRequests: Record<string, number>;
}

/**
 * The till's whole checkout under load (ADR 0014): N cashiers, each with its
 * own register and kept-alive connection, ringing up orders of three lines
 * and paying them by card through the sandbox processor, against a bare
 * Fastify route and a two-insert PostgreSQL transaction measured in the same
 * run. Reports throughput, latency, errors, memory and where the CPU went.
 */
export async function checkoutScenario(options: BenchOptions): Promise<Record<string, unknown>> {
  const { shape, cashiers: cashierCount, durationSeconds, connections, log } = options;
  const warmupSeconds = Math.min(10, Math.max(3, Math.round(durationSeconds / 4)));
  const poolSize = Math.min(cashierCount + 4, 40);
  const runId = randomBytes(4).toString('hex');
  const cleanup = new Cleanup(log);
  try {
    // 1a. Calibration: what a bare Fastify route does on this machine right now.
    log(`calibration: bare Fastify hello-world, ${connections} connections, ${loadTool}`);
    const hello = await startProcess('bench/hello-server.ts', [], {}, /listening (http:\/\/\S+)/);
    cleanup.add('hello server', () => hello.stop());
    const helloUrl = `${hello.match[1]}/hello`;
    await load({ url: helloUrl, connections, durationSeconds: 2 }); // warm-up
    const helloResult = await load({ url: helloUrl, connections, durationSeconds: helloSeconds });
    await hello.stop();
    log(`hello: ${helloResult.rps} req/s, p99 ${helloResult.p99_ms} ms`);
    if (helloResult.non_2xx + helloResult.errors + helloResult.timeouts > 0) {
      throw new Error(`hello: ${helloResult.non_2xx} bad statuses, ${helloResult.errors} errors`);
    }

    // 1b. Calibration: small write transactions over a pool, as the server makes them.
    const unreachable = await postgresUnreachable();
    if (shape === 'postgres' && unreachable) {
      throw new Error(`--shape postgres needs PostgreSQL (BENCH_DATABASE_URL): ${unreachable}`);
    }
    let twoInsert: TwoInsertResult | undefined;
    let twoInsertNote: string | undefined;
    if (unreachable) {
      twoInsertNote = `skipped: PostgreSQL not reachable (${unreachable})`;
      log(`two-insert calibration ${twoInsertNote}`);
    } else {
      log(`calibration: BEGIN; INSERT; INSERT; COMMIT from ${cashierCount} pooled clients`);
      twoInsert = await twoInsertCalibration(cashierCount, twoInsertSeconds, 1, (db) =>
        cleanup.add('scratch database', () => db.drop()),
      );
      log(`two-insert: ${twoInsert.tx_per_s} tx/s, p99 ${twoInsert.p99_ms} ms`);
    }

    // 2. The system: the card processor, then Stratum with the demo café.
    log('starting the sandbox card processor (no added latency)');
    const processor = await startProcess(
      { built: 'card-processor' },
      [],
      { PROCESSOR_PORT: '0', PROCESSOR_HOST: '127.0.0.1', PROCESSOR_LATENCY_MS: '0' },
      /^card processor listening on (http:\/\/\S+)\n/m,
    );
    cleanup.add('card processor', () => processor.stop());
    const processorUrl = processor.match[1]!;

    const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-'));
    cleanup.add('data folder', () =>
      Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    );
    let database: ScratchDatabase | undefined;
    const env: Record<string, string> = {
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      STRATUM_DATA_DIR: dataDir,
      PROCESSOR_URL: processorUrl,
      // Every cashier signs in with the demo account; the default (10 a quarter hour) is for people.
      RATE_LIMIT_LOGIN_ACCOUNT: '100000/60',
      RATE_LIMIT_LOGIN_IP: '100000/60',
      // The cashiers sign in once: their tokens must outlast the run.
      ACCESS_TOKEN_TTL_SECONDS: String(Math.max(900, warmupSeconds + durationSeconds + 600)),
      DATABASE_URL: '',
      DATABASE_APP_URL: '',
    };
    if (shape === 'postgres') {
      const db = await createDatabase('stratum_bench');
      database = db;
      cleanup.add('bench database', () => db.drop());
      env.DATABASE_URL = db.url;
      env.DATABASE_APP_URL = db.urlAs(appRole);
      env.DATABASE_POOL_SIZE = String(poolSize);
      log(`database ${db.name}, app role ${appRole}, pool of ${poolSize}`);
    }
    log(`starting Stratum (${shape}) with the demo data`);
    const startedAt = performance.now();
    const server: Started = await startProcess(
      { built: 'server' },
      ['--seed'],
      env,
      /API\s+(http:\/\/\S+)\/api\/v1/,
    );
    cleanup.add('Stratum server', () => server.stop());
    const startupSeconds = (performance.now() - startedAt) / 1000;
    const readyOutputLength = server.output().length;
    const baseUrl = `http://127.0.0.1:${new URL(server.match[1]!).port}`;
    log(`Stratum ready in ${startupSeconds.toFixed(1)} s at ${baseUrl}`);

    // 3. The café: the owner makes sure every cashier has a till of their own.
    const { store, registerIds, cashiers } = await openTills(baseUrl, cashierCount, cleanup, log);
    const tills = checkoutLoad(store.id, runId);
    const { completed, failures, checkout } = tills;

    // One checkout must work before anything is measured: a broken flow fails fast.
    await checkout(cashiers[0]!).catch((err: unknown) => {
      throw new Error(
        `the first checkout failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    // The unloaded latency: one cashier alone.
    log(`one cashier alone for ${soloSeconds} s`);
    completed.length = 0;
    await tills.run([cashiers[0]!], performance.now() + soloSeconds * 1000);
    const solo = completed.splice(0).map((s) => s.checkoutMs);
    const soloFailures = failures.splice(0);
    log(`alone: ${solo.length} checkouts, p50 ${percentile(solo, 50).toFixed(1)} ms`);

    // 4. The load: warm-up (discarded), then the measured window.
    const serverPid = server.child.pid;
    const processorPid = processor.child.pid;
    let monitor: pg.Client | undefined;
    if (database) {
      const client = new pg.Client({ connectionString: database.url });
      client.on('error', (err) => log(`monitor connection: ${err.message}`));
      await client.connect();
      monitor = client;
      cleanup.add('monitor connection', () => client.end());
    }
    const processorRequests = async () => {
      const res = await fetch(`${processorUrl}/admin/stats`);
      return ((await res.json()) as { byRoute: Record<string, number> }).byRoute;
    };
    // What the database's backends do during the measured window (started by its first snapshot).
    let backendSampler: Awaited<ReturnType<typeof sampleBackends>> | undefined;
    let backendStates: BackendStates | undefined;
    cleanup.add('backend sampler', async () => {
      await backendSampler?.stop().catch(() => undefined);
    });
    const snapshot = async (previous?: Snapshot): Promise<Snapshot> => {
      if (database) {
        if (!previous) backendSampler = await sampleBackends(adminUrl(), database.name);
        else backendStates = await backendSampler?.stop();
      }
      const db = monitor && (await dbSnapshot(monitor));
      const requests = await processorRequests();
      const pids = db?.backendPids ?? [];
      return {
        t: performance.now(),
        server: processCpuSeconds(serverPid),
        serverMainThread: mainThreadCpuSeconds(serverPid),
        serverWrites: writeSyscalls(serverPid),
        processor: processCpuSeconds(processorPid),
        postgres: postgresCpuSeconds(),
        bench: process.cpuUsage(previous?.bench),
        machine: machineCpuSeconds(),
        backends: cpuSecondsOf(pids),
        ...(db && { db }),
        processorRequests: requests,
      };
    };
    let rssPeak = 0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, memoryMb(serverPid).rss || 0);
    }, 250);
    cleanup.add('memory sampler', () => Promise.resolve(clearInterval(sampler)));

    log(`${cashierCount} cashiers: ${warmupSeconds} s warm-up, then ${durationSeconds} s measured`);
    const { first, last } = await measureWindow(tills, cashiers, {
      warmupSeconds,
      durationSeconds,
      log,
      snapshot,
    });
    clearInterval(sampler);
    const end = memoryMb(serverPid);
    const processorMemory = memoryMb(processorPid);

    // 5. The figures of the measured window.
    const wall = (last.t - first.t) / 1000;
    const inWindow = completed.filter((s) => s.end >= first.t && s.end <= last.t);
    const errorsInWindow = failures.filter((f) => f.at >= first.t && f.at <= last.t);
    const checkoutsPerSecond = inWindow.length / wall;
    const errorKinds: Record<string, number> = {};
    for (const f of errorsInWindow) errorKinds[f.kind] = (errorKinds[f.kind] ?? 0) + 1;
    const allFailures = [...soloFailures, ...failures];
    const samples = [...new Map(allFailures.map((f) => [f.kind, f.detail])).values()].slice(0, 5);
    const stepMs = (pick: (s: Completed) => number) => {
      const values = inWindow.map(pick);
      return {
        p50: round(percentile(values, 50), 2),
        p99: round(percentile(values, 99), 2),
      };
    };

    const cpu = {
      server: last.server - first.server,
      processor: last.processor - first.processor,
      postgres: last.postgres - first.postgres,
      bench: (last.bench.user + last.bench.system) / 1e6,
      machine: last.machine.busy - first.machine.busy,
    };
    let benchBackends = 0;
    for (const [pid, seconds] of last.backends)
      benchBackends += seconds - (first.backends.get(pid) ?? 0);
    const machineTotal = last.machine.total - first.machine.total;
    const share = (seconds: number) => round(seconds / (wall * cores), 3);
    const perCheckoutMs = (seconds: number) => round((seconds * 1000) / inWindow.length, 2);
    const other = cpu.machine - cpu.server - cpu.processor - cpu.postgres - cpu.bench;
    const eventLoopCores = (last.serverMainThread - first.serverMainThread) / wall;
    const machineBusy = machineTotal > 0 ? cpu.machine / machineTotal : Number.NaN;
    const busiest = (
      [
        ['the Node server', cpu.server],
        ['PostgreSQL', cpu.postgres],
        ['the load generator (bench process)', cpu.bench],
        ['the card processor', cpu.processor],
      ] as const
    ).reduce((a, b) => (b[1] > a[1] ? b : a));
    // A closed loop of tills leaves the machine some idle time even at its CPU
    // limit (every till waiting on something at once): from 80 % busy, taking
    // CPU off a checkout raises the rate (ADR 0016, eighth round).
    const limiter =
      eventLoopCores >= 0.85
        ? `the Node server's event loop: its main thread used ${eventLoopCores.toFixed(2)} of the 1 core it can use`
        : machineBusy >= 0.8
          ? `the machine's ${cores} cores (${Math.round(machineBusy * 100)} % busy); most CPU: ${busiest[0]}`
          : `not CPU (machine ${Math.round(machineBusy * 100)} % busy): waiting, locks or latency`;
    // A queue on hot rows: the backends that wait for a lock, and those holding
    // transactions open while the server works out their next statement.
    const lockQueue = (() => {
      if (!backendStates || backendStates.waitingForLock < 0.5) return '';
      const [top] = Object.keys(backendStates.lockWaitsByStatement);
      return (
        `; row locks: on average ${backendStates.waitingForLock} transactions wait for one` +
        `${top ? ` (most at ${top})` : ''}, while ${backendStates.idleInTransaction} are open` +
        ` waiting for the server's next statement`
      );
    })();

    const db =
      first.db && last.db
        ? (() => {
            const a = first.db;
            const b = last.db;
            const per = (x: number) => round(x / inWindow.length, 2);
            const byTable = Object.entries(b.writesByTable)
              .map(([table, value]) => [table, value - (a.writesByTable[table] ?? 0)] as const)
              .filter(([, value]) => value > 0)
              .sort((x, y) => y[1] - x[1])
              .slice(0, 12)
              .map(([table, value]): [string, number | null] => [table, per(value)]);
            const commits = b.xactCommit - a.xactCommit - 1; // the monitor's own snapshot
            return {
              tx_per_checkout: per(commits),
              rollbacks_per_checkout: per(b.xactRollback - a.xactRollback),
              rows_written_per_checkout: per(b.rowsWritten - a.rowsWritten),
              rows_written_per_checkout_top_tables: Object.fromEntries(byTable),
              table_scans_per_checkout: per(b.scans - a.scans),
              server_tx_per_s: Math.round(commits / wall),
              server_tx_vs_two_insert: twoInsert
                ? round(commits / wall / twoInsert.tx_per_s, 3)
                : null,
            };
          })()
        : {
            tx_per_checkout: null,
            rollbacks_per_checkout: null,
            rows_written_per_checkout: null,
            table_scans_per_checkout: null,
            server_tx_per_s: null,
            server_tx_vs_two_insert: null,
            db_note: 'embedded PGlite: its transactions are not visible from outside the server',
          };
    const serverLog = server.output().slice(readyOutputLength);
    const logLines = (level: number) =>
      serverLog.split('\n').filter((l) => l.includes(`"level":${level}`)).length;
    const httpPerCheckout = 1 + 1 + 3 + 1;
    const serverWrites = last.serverWrites - first.serverWrites;
    let processorCalls = 0;
    for (const [route, count] of Object.entries(last.processorRequests)) {
      processorCalls += count - (first.processorRequests[route] ?? 0);
    }
    const figures = {
      shape,
      cashiers: cashierCount,
      ...(shape === 'postgres' && { pool_size: poolSize, pg_transport: postgresTransport() }),
      registers: registerIds.length,
      warmup_s: warmupSeconds,
      window_s: round(wall, 2),
      checkouts: inWindow.length,
      checkouts_per_s: round(checkoutsPerSecond, 1),
      checkout_p50_ms: round(
        percentile(
          inWindow.map((s) => s.checkoutMs),
          50,
        ),
        2,
      ),
      checkout_p95_ms: round(
        percentile(
          inWindow.map((s) => s.checkoutMs),
          95,
        ),
        2,
      ),
      checkout_p99_ms: round(
        percentile(
          inWindow.map((s) => s.checkoutMs),
          99,
        ),
        2,
      ),
      checkout_max_ms: round(Math.max(...inWindow.map((s) => s.checkoutMs)), 2),
      errors: errorsInWindow.length,
      error_kinds: errorKinds,
      errors_outside_window: allFailures.length - errorsInWindow.length,
      error_samples: samples,
      solo_checkouts: solo.length,
      solo_checkout_p50_ms: round(percentile(solo, 50), 2),
      solo_checkout_p99_ms: round(percentile(solo, 99), 2),
      step_ms: {
        menu: stepMs((s) => s.menuMs),
        create_order_3_lines: stepMs((s) => s.createMs),
        checkout_post: stepMs((s) => s.payMs),
      },
      menu_304: inWindow.filter((s) => s.menuStatus === 304).length,
      menu_200: inWindow.filter((s) => s.menuStatus === 200).length,
      http_requests_per_s: round(checkoutsPerSecond * httpPerCheckout, 0),
      server_write_syscalls_per_checkout: round(serverWrites / inWindow.length, 1),
      // The server's writes less one per HTTP response and per processor request: its writes
      // to PostgreSQL, each carrying every statement issued together (and, with `lastly`, a COMMIT).
      db_writes_per_checkout: database
        ? round(
            (serverWrites - httpPerCheckout * inWindow.length - processorCalls) / inWindow.length,
            1,
          )
        : null,
      processor_requests_per_checkout: Object.fromEntries(
        Object.entries(last.processorRequests).map(([route, count]) => [
          route,
          round((count - (first.processorRequests[route] ?? 0)) / inWindow.length, 2),
        ]),
      ),
      server_rss_mb: round(end.rss, 1),
      server_rss_peak_mb: round(Math.max(rssPeak, end.rss), 1),
      server_rss_hwm_mb: round(end.peak, 1),
      processor_rss_mb: round(processorMemory.rss, 1),
      cores,
      cpu_share_server: share(cpu.server),
      server_event_loop_cores: round(eventLoopCores, 3),
      cpu_share_processor: share(cpu.processor),
      cpu_share_postgres: share(cpu.postgres),
      cpu_share_postgres_bench_backends: database ? share(benchBackends) : null,
      cpu_share_bench: share(cpu.bench),
      cpu_share_other: share(other),
      cpu_share_machine_busy: round(machineBusy, 3),
      cpu_ms_per_checkout_server: perCheckoutMs(cpu.server),
      cpu_ms_per_checkout_postgres: database ? perCheckoutMs(benchBackends) : null,
      cpu_ms_per_checkout_processor: perCheckoutMs(cpu.processor),
      cpu_ms_per_checkout_bench: perCheckoutMs(cpu.bench),
      limiter: limiter + lockQueue,
      ...(backendStates && {
        pg_backend_samples: backendStates.samples,
        pg_backends_running: backendStates.running,
        pg_backends_waiting_for_lock: backendStates.waitingForLock,
        pg_backends_idle_in_transaction: backendStates.idleInTransaction,
        pg_backends_waiting_for_io: backendStates.waitingForIo,
        pg_lock_waits_by_statement: backendStates.lockWaitsByStatement,
      }),
      ...db,
      server_startup_s: round(startupSeconds, 1),
      server_warn_log_lines: logLines(40),
      server_error_log_lines: logLines(50) + logLines(60),
      load_tool: loadTool,
      hello_connections: connections,
      hello_rps: helloResult.rps,
      hello_p99_ms: helloResult.p99_ms,
      two_insert_clients: twoInsert?.clients ?? null,
      two_insert_tx_per_s: twoInsert?.tx_per_s ?? null,
      two_insert_p99_ms: twoInsert?.p99_ms ?? null,
      ...(twoInsertNote && { two_insert_note: twoInsertNote }),
      checkouts_vs_hello: round(checkoutsPerSecond / helloResult.rps, 5),
      requests_vs_hello: round((checkoutsPerSecond * httpPerCheckout) / helloResult.rps, 4),
    };
    log(
      `${figures.checkouts_per_s} checkouts/s, p50 ${figures.checkout_p50_ms} ms, ` +
        `p99 ${figures.checkout_p99_ms} ms, ${figures.errors} errors; CPU: server ` +
        `${figures.cpu_share_server}, postgres ${figures.cpu_share_postgres}, bench ` +
        `${figures.cpu_share_bench} of ${cores} cores`,
    );
    return figures;
  } finally {
    await cleanup.run();
  }
}
