import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { PgliteSession } from 'drizzle-orm/pglite';
import type { Logger } from '../logger.ts';
import type { Db, MigrationSet } from './types.ts';

/**
 * Creates the application's login role if it does not exist. Roles are
 * cluster-wide, so two databases (or two processes) may race to create it:
 * the duplicate is harmless.
 */
export async function ensureAppRole(db: Db, role: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`Invalid role name: ${role}`);
  await db.execute(
    sql.raw(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${role}') then
        create role "${role}" login nosuperuser nobypassrls noinherit;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`),
  );
}

/** Applies each module's migrations, journalled in the module's own schema. */
export async function applyMigrations(
  db: Db,
  migrations: readonly MigrationSet[],
  logger?: Logger,
): Promise<void> {
  const isPglite = (db as unknown as { session: unknown }).session instanceof PgliteSession;
  for (const set of migrations) {
    const config = {
      migrationsFolder: set.folder,
      // The journal cannot live in the module's schema: the first migration creates it.
      migrationsSchema: 'stratum_migrations',
      migrationsTable: set.module.replace(/[^a-z0-9_]/g, '_'),
    };
    const started = performance.now();
    if (isPglite) await migratePglite(db as never, config);
    else await migrateNodePg(db as never, config);
    logger?.debug(
      { module: set.module, ms: Math.round(performance.now() - started) },
      'migrations applied',
    );
  }
}
