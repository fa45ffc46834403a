import { and, eq, sql } from 'drizzle-orm';
import { pgSchema } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpTenant, startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { compiled, compiledRows, placeholdersOf } from './compiled.ts';
import { messagingTables } from './tables.ts';

const { outbox } = messagingTables(pgSchema('identity'));

/** One shape each: an insert with a JSON column, and a select with a lock. */
const insertEvent = compiled<
  {
    id: string;
    tenantId: string;
    type: string;
    envelope: Record<string, unknown>;
    publishedAt?: Date | null;
  },
  unknown
>((db, p) =>
  db.insert(outbox).values({
    ...placeholdersOf(p, ['id', 'tenantId', 'type', 'envelope', 'publishedAt']),
    version: 1,
  }),
);
const eventsOfType = compiled<{ type: string }, (typeof outbox.$inferSelect)[]>((db, p) =>
  db.select().from(outbox).where(eq(outbox.type, p.type)).for('update'),
);
const countOfType = compiled<{ type: string; tenantId: string }, { n: number }[]>((db, p) =>
  db
    .select({ n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(and(eq(outbox.type, p.type), eq(outbox.tenantId, p.tenantId))),
);

/** Compiled for lists of one and two rows; longer lists are built for their one call. */
const insertEvents = compiledRows<
  { id: string; tenantId: string; type: string; envelope: Record<string, unknown> },
  { id: string }[]
>(
  (db, rows) =>
    db
      .insert(outbox)
      .values(
        rows.map((p) => ({
          ...placeholdersOf(p, ['id', 'tenantId', 'type', 'envelope']),
          version: 1,
        })),
      )
      .returning({ id: outbox.id }),
  2,
);

describe.each(testEngines())('compiled statements on %s', (engine) => {
  let t: TestServer;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    tenantA = (await signUpTenant(t.server, 'Alpha')).tenantId;
    tenantB = (await signUpTenant(t.server, 'Bravo')).tenantId;
  });
  afterAll(() => t?.close());

  it('fills the placeholders, encodes JSON and maps the rows back', async () => {
    const { database } = t.server;
    const type = `test.compiled-${engine}-1`;
    const id = crypto.randomUUID();
    const rows = await database.transaction(
      async (tx) => {
        await insertEvent(tx, {
          id,
          tenantId: tenantA,
          type,
          envelope: { what: 'first' },
          publishedAt: new Date('2026-01-02T03:04:05.678Z'),
        });
        // A null goes in as SQL NULL, as the builder sends it (not through the column's encoder).
        await insertEvent(tx, {
          id: crypto.randomUUID(),
          tenantId: tenantA,
          type,
          envelope: { what: 'second' },
          publishedAt: null,
        });
        return eventsOfType(tx, { type });
      },
      { tenantId: tenantA },
    );
    expect(rows).toHaveLength(2);
    const first = rows.find((r) => r.id === id);
    expect(first).toMatchObject({ tenantId: tenantA, type, envelope: { what: 'first' } });
    expect(first!.createdAt).toBeInstanceOf(Date);
    expect(first!.publishedAt?.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(rows.find((r) => r.id !== id)).toMatchObject({ publishedAt: null });
  });

  it('runs each call on its own transaction: its tenant scope, its rollback', async () => {
    const { database } = t.server;
    const type = `test.compiled-${engine}-2`;
    const write = (tenantId: string, what: string) =>
      database.transaction(
        (tx) =>
          insertEvent(tx, {
            id: crypto.randomUUID(),
            tenantId,
            type,
            envelope: { what },
            publishedAt: null,
          }),
        { tenantId },
      );
    await write(tenantA, 'kept');
    await write(tenantB, 'kept');
    await expect(
      database.transaction(
        async (tx) => {
          await insertEvent(tx, {
            id: crypto.randomUUID(),
            tenantId: tenantA,
            type,
            envelope: { what: 'rolled back' },
            publishedAt: null,
          });
          throw new Error('changed my mind');
        },
        { tenantId: tenantA },
      ),
    ).rejects.toThrow('changed my mind');
    const seen = (tenantId: string) =>
      database.transaction((tx) => eventsOfType(tx, { type }), { tenantId });
    // The same compiled statement, in three transactions of two tenants.
    expect((await seen(tenantA)).map((r) => [r.tenantId, r.envelope])).toEqual([
      [tenantA, { what: 'kept' }],
    ]);
    expect((await seen(tenantB)).map((r) => [r.tenantId, r.envelope])).toEqual([
      [tenantB, { what: 'kept' }],
    ]);
  });

  it('runs on the database outside a transaction, under its own scope', async () => {
    const { database } = t.server;
    const type = `test.compiled-${engine}-3`;
    await database.transaction(
      (tx) =>
        insertEvent(tx, {
          id: crypto.randomUUID(),
          tenantId: tenantA,
          type,
          envelope: { what: 'x' },
          publishedAt: null,
        }),
      { tenantId: tenantA },
    );
    // The relay's system scope sees every tenant's messages.
    expect(await database.system((db) => countOfType(db, { type, tenantId: tenantA }))).toEqual([
      { n: 1 },
    ]);
  });

  it('inserts lists of rows of any length, each row with its own values', async () => {
    const { database } = t.server;
    const type = `test.compiled-${engine}-4`;
    const write = (whats: string[]) =>
      database.transaction(
        (tx) =>
          insertEvents(
            tx,
            whats.map((what) => ({
              id: crypto.randomUUID(),
              tenantId: tenantA,
              type,
              envelope: { what },
            })),
          ),
        { tenantId: tenantA },
      );
    expect(await write(['a', 'b'])).toHaveLength(2);
    expect(await write(['c'])).toHaveLength(1);
    expect(await write(['d', 'e', 'f'])).toHaveLength(3);
    expect(await write(['g', 'h'])).toHaveLength(2);
    const rows = await database.transaction((tx) => eventsOfType(tx, { type }), {
      tenantId: tenantA,
    });
    expect(rows.map((r) => (r.envelope as { what: string }).what).sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
    ]);
  });

  it('refuses a call that leaves a placeholder without a value, and sends nothing', async () => {
    const { database } = t.server;
    const type = `test.compiled-${engine}-5`;
    const event = { id: crypto.randomUUID(), tenantId: tenantA, type, envelope: { what: 'x' } };
    await expect(
      database.transaction((tx) => insertEvent(tx, event as Parameters<typeof insertEvent>[1]), {
        tenantId: tenantA,
      }),
    ).rejects.toThrow('No value for placeholder "publishedAt".');
    const { tenantId: _, ...withoutTenant } = event;
    await expect(
      database.transaction((tx) => insertEvents(tx, [event, withoutTenant as typeof event]), {
        tenantId: tenantA,
      }),
    ).rejects.toThrow('No value for placeholder "1:tenantId".');
    expect(
      await database.transaction((tx) => eventsOfType(tx, { type }), { tenantId: tenantA }),
    ).toEqual([]);
  });
});
