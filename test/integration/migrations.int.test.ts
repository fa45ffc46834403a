import { readdirSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migratePostgres } from '@stratum/platform';
import { manifests } from '@stratum/server';
import { createTestDatabase, postgresUrl } from '@stratum/testing';

const sqlFiles = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.sql'));

describe.runIf(postgresUrl())('migrations on PostgreSQL', () => {
  it('apply once per module, and re-running them changes nothing', async () => {
    const db = await createTestDatabase(postgresUrl()!);
    const client = new pg.Client({ connectionString: db.url });
    try {
      const sets = manifests.map((m) => m.migrations);
      await migratePostgres(db.url, sets);
      await client.connect();
      const count = async () =>
        (
          await client.query<{ n: number }>(
            'select count(*)::int as n from stratum_migrations.identity',
          )
        ).rows[0]!.n;
      const tables = async () =>
        (
          await client.query<{ n: number }>(
            "select count(*)::int as n from pg_tables where schemaname = 'identity'",
          )
        ).rows[0]!.n;
      const [applied, tablesBefore] = [await count(), await tables()];
      expect(applied).toBe(sqlFiles(sets[0]!.folder).length);

      await Promise.all([migratePostgres(db.url, sets), migratePostgres(db.url, sets)]);
      expect(await count()).toBe(applied);
      expect(await tables()).toBe(tablesBefore);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
