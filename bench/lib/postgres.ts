import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentile, round } from './stats.ts';

/** The local PostgreSQL's admin URL (the tests' default, overridable as they allow). */
export const adminUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (client: pg.Client) => Promise<T>, url = adminUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why PostgreSQL cannot be used, or null when it answers. */
export async function postgresUnreachable(): Promise<string | null> {
  try {
    await admin((c) => c.query('select 1'));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export interface ScratchDatabase {
  name: string;
  /** The admin (owner) URL pointing at the new database. */
  url: string;
  /** The same database as `role`, a login role without a password (trust auth). */
  urlAs(role: string): string;
  drop(): Promise<void>;
}

/** A fresh, empty database, as packages/testing creates them for the tests. */
export async function createDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    urlAs(role) {
      const as = new URL(url);
      as.username = role;
      as.password = '';
      return as.toString();
    },
    async drop() {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

export interface TwoInsertResult {
  clients: number;
  seconds: number;
  tx_per_s: number;
  p50_ms: number | null;
  p99_ms: number | null;
  errors: number;
}

/**
 * The machine's ceiling for small write transactions, the way the server
 * makes them: `clients` concurrent loops over a node-postgres pool, each
 * running BEGIN; INSERT; INSERT; COMMIT (parameterised, like drizzle) into a
 * scratch table of a scratch database, which is dropped afterwards.
 */
export async function twoInsertCalibration(
  clients: number,
  seconds: number,
  warmupSeconds = 1,
  /** Told of the scratch database at once, so an interrupted run can still drop it. */
  onCreated?: (database: ScratchDatabase) => void,
): Promise<TwoInsertResult> {
  const database = await createDatabase('stratum_bench_scratch');
  onCreated?.(database);
  const pool = new pg.Pool({ connectionString: database.url, max: clients });
  // pool.end() resolves before every socket has closed; the forced drop may then
  // terminate a closing connection, which must not crash the bench.
  pool.on('error', () => {});
  try {
    await pool.query(`create table bench_lines (
      id bigint generated always as identity primary key,
      batch uuid not null,
      n int not null,
      note text not null,
      created_at timestamptz not null default now()
    )`);
    const insert = 'insert into bench_lines (batch, n, note) values ($1, $2, $3)';
    const latencies: number[] = [];
    let errors = 0;
    const start = performance.now();
    const measureFrom = start + warmupSeconds * 1000;
    const end = measureFrom + seconds * 1000;
    const loop = async () => {
      while (performance.now() < end) {
        const began = performance.now();
        const client = await pool.connect();
        try {
          const batch = randomUUID();
          await client.query('begin');
          await client.query(insert, [batch, 1, 'first line']);
          await client.query(insert, [batch, 2, 'second line']);
          await client.query('commit');
          const done = performance.now();
          if (done >= measureFrom && done <= end) latencies.push(done - began);
        } catch {
          errors += 1;
          await client.query('rollback').catch(() => {});
        } finally {
          client.release();
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, loop));
    return {
      clients,
      seconds,
      tx_per_s: Math.round(latencies.length / seconds),
      p50_ms: round(percentile(latencies, 50), 2),
      p99_ms: round(percentile(latencies, 99), 2),
      errors,
    };
  } finally {
    await pool.end().catch(() => {});
    await database.drop();
  }
}
