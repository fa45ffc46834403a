import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '@stratum/testing';
import { rowsOf } from './types.ts';
import { openDatabase, type Database } from './database.ts';

const tenantId = '01900000-0000-7000-8000-0000000000aa';

/** Runs a short and a long parameterised statement three times each, then lists what is prepared. */
async function preparedAfterUse(database: Database) {
  const marker = `prepared-${Date.now()}`;
  const filler = 'x'.repeat(3000);
  return database.transaction(
    async (tx) => {
      for (let n = 0; n < 3; n += 1) {
        await tx.execute(sql`select ${n}::int as n, ${marker}::text as marker`);
        await tx.execute(
          sql`select ${n}::int as n, ${marker}::text as marker, '${sql.raw(filler)}' as filler`,
        );
      }
      return rowsOf<{ name: string; statement: string; runs: number }>(
        await tx.execute(
          sql`select name, statement, (generic_plans + custom_plans)::int as runs
              from pg_prepared_statements where statement like '%::text as marker%'`,
        ),
      );
    },
    { tenantId },
  );
}

describe.runIf(postgresUrl())('prepared statements on PostgreSQL', () => {
  let scratch: TestDatabase;
  beforeAll(async () => {
    scratch = await createTestDatabase(postgresUrl()!);
  });
  afterAll(() => scratch?.drop());

  const opened = async (preparedStatements?: boolean) =>
    (
      await openDatabase(
        {
          url: scratch.url,
          poolSize: 1,
          ...(preparedStatements !== undefined && { preparedStatements }),
        },
        [],
      )
    ).database;

  it('prepares a parameterised statement once per connection and reuses it, unless it is long', async () => {
    const database = await opened();
    try {
      const prepared = await preparedAfterUse(database);
      expect(prepared).toHaveLength(1);
      expect(prepared[0]).toMatchObject({ name: expect.stringMatching(/^s_/), runs: 3 });
      expect(prepared[0]!.statement).not.toContain('filler');
    } finally {
      await database.close();
    }
  });

  it('sends every statement unnamed when prepared statements are turned off', async () => {
    const database = await opened(false);
    try {
      expect(await preparedAfterUse(database)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
