import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** A drizzle database over either engine (PGlite or node-postgres). */
export type Db = PgDatabase<PgQueryResultHKT>;
/** A drizzle transaction over either engine. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type Engine = 'pglite' | 'postgres';

/** A module's schema migrations: SQL files in drizzle's folder layout. */
export interface MigrationSet {
  readonly module: string;
  /** The Postgres schema the module owns. */
  readonly schema: string;
  readonly folder: string;
}

/** The rows of a raw `execute`, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
