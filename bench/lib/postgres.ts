import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentile, round } from './stats.ts';

/**
 * How the bench, and the servers it starts, reach PostgreSQL: its Unix socket
 * or TCP on loopback. Both carry the same protocol to the same server; on a
 * machine where a system call is dear, the socket spares each round trip the
 * loopback TCP stack, on both sides (ADR 0016).
 */
export type PostgresTransport = 'socket' | 'tcp';
export const postgresTransports: readonly PostgresTransport[] = ['socket', 'tcp'];

/** Where Debian's PostgreSQL keeps its socket (libpq's default for a local server). */
const socketDir = '/var/run/postgresql';
const socketUrl = `postgres://postgres@localhost/postgres?host=${socketDir}`;
const tcpUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The socket of the local PostgreSQL on its standard port, if it has one. */
export const localSocketExists = (): boolean => existsSync(join(socketDir, '.s.PGSQL.5432'));

/** The admin URL as the environment gives it (the tests' variables), if it does. */
const urlFromEnv = () => process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

/** A URL's transport: a `host` that is a folder (in the query or the authority) is a socket. */
function transportOf(url: string): PostgresTransport {
  try {
    const parsed = new URL(url);
    const host = parsed.searchParams.get('host') ?? decodeURIComponent(parsed.hostname);
    return host.startsWith('/') ? 'socket' : 'tcp';
  } catch {
    return 'tcp';
  }
}

let selected: { url: string; transport: PostgresTransport } | undefined;

/**
 * Chooses the admin URL for this run, or says why it cannot: the environment's
 * URL if it names one (then `wanted` must agree with it or be left out), else
 * the local server over `wanted`, by default its socket when there is one.
 */
export function selectPostgres(wanted?: PostgresTransport): string | null {
  const fromEnv = urlFromEnv();
  if (fromEnv) {
    const transport = transportOf(fromEnv);
    if (wanted && wanted !== transport) {
      return `--pg-transport ${wanted}: BENCH_DATABASE_URL (or TEST_DATABASE_URL) reaches PostgreSQL over ${transport}`;
    }
    selected = { url: fromEnv, transport };
    return null;
  }
  const transport = wanted ?? (localSocketExists() ? 'socket' : 'tcp');
  if (transport === 'socket' && !localSocketExists()) {
    return `--pg-transport socket: PostgreSQL has no socket in ${socketDir}`;
  }
  selected = { url: transport === 'socket' ? socketUrl : tcpUrl, transport };
  return null;
}

/** The admin URL of this run (the default selection until `selectPostgres` is called). */
export function adminUrl(): string {
  if (!selected) selectPostgres();
  return selected!.url;
}

/** How this run reaches PostgreSQL. */
export function postgresTransport(): PostgresTransport {
  if (!selected) selectPostgres();
  return selected!.transport;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>, url = adminUrl()): Promise<T> {
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
  const url = new URL(adminUrl());
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
