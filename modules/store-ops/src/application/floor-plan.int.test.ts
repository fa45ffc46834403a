import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, testEngines, type TestDatabase } from '@stratum/testing';
import { ownerOf, refusal, storeOpsHarness, type Harness } from '../test-harness.ts';

/**
 * Resolves once a transaction in the test database waits for a lock, or once
 * `settled` does (a transaction that took no lock never waits). PostgreSQL only.
 */
async function waitsForLock(url: string, settled: Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let done = false;
  const stop = () => {
    done = true;
  };
  settled.then(stop, stop);
  try {
    while (!done) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (rows[0]!.n > 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await client.end();
  }
}

describe.each(testEngines())('removing floor sections on %s', (engine) => {
  let testDb: TestDatabase | undefined;
  let h: Harness;

  beforeAll(async () => {
    testDb = engine === 'postgres' ? await createTestDatabase(postgresUrl()!) : undefined;
    h = await storeOpsHarness(testDb ? { postgres: testDb } : {});
  });
  afterAll(() => h?.close());

  /** A tenant's owner with a store. */
  async function store() {
    const ctx = ownerOf();
    const created = await h.store(ctx);
    const section = (name: string, position = 0) =>
      h.api.createSection(ctx, { storeId: created.id, name, position });
    const table = (sectionId: string, name: string) =>
      h.api.createTable(ctx, { sectionId, name, seats: 4 });
    const sections = async (status: 'active' | 'archived' = 'active') =>
      (await h.api.listSections(ctx, created.id, { limit: 50, status })).items;
    return { ctx, store: created, section, table, sections };
  }

  it('refuses to remove a section while a table in it is active, naming the tables', async () => {
    const s = await store();
    const bar = await s.section('Bar');
    const tables = [];
    for (const name of ['B3', 'B1', 'B2']) tables.push(await s.table(bar.id, name));
    await h.api.updateTable(s.ctx, tables[0]!.id, { active: false });

    const refused = await refusal(() => h.api.removeSection(s.ctx, bar.id));
    expect(refused).toMatchObject({
      code: 'section-in-use',
      kind: 'conflict',
      message:
        'The section still has 2 active tables (B1, B2): deactivate them or move them to another section first.',
      details: {
        activeTableCount: 2,
        activeTables: [
          { id: tables[1]!.id, name: 'B1' },
          { id: tables[2]!.id, name: 'B2' },
        ],
      },
    });
    expect((await s.sections()).map((x) => x.id)).toEqual([bar.id]);
  });

  it('archives a section whose tables are all inactive: unlisted, but its tables still resolve', async () => {
    const s = await store();
    const room = await s.section('Main room', 1);
    const patio = await s.section('Patio', 2);
    const p1 = await s.table(patio.id, 'P1');
    const p2 = await s.table(patio.id, 'P2');
    await h.api.updateTable(s.ctx, p1.id, { active: false });
    await h.api.updateTable(s.ctx, p2.id, { sectionId: room.id });

    await h.api.removeSection(s.ctx, patio.id);
    expect(await s.sections()).toEqual([room]);
    expect(await s.sections('archived')).toEqual([{ ...patio, status: 'archived' }]);
    expect(await h.api.getTable(s.ctx, p1.id)).toEqual({ ...p1, active: false });
    const inPatio = await h.api.listTables(s.ctx, {
      limit: 50,
      storeId: s.store.id,
      sectionId: patio.id,
      sort: 'name',
    });
    expect(inPatio.items.map((t) => t.id)).toEqual([p1.id]);
    // Removing it again changes nothing and is not an error.
    await h.api.removeSection(s.ctx, patio.id);
    expect(await s.sections('archived')).toEqual([{ ...patio, status: 'archived' }]);
  });

  it('removes a section that never had a table the same way, and frees its name', async () => {
    const s = await store();
    const spare = await s.section('Spare');
    await h.api.removeSection(s.ctx, spare.id);
    expect(await s.sections()).toEqual([]);
    expect(await s.sections('archived')).toEqual([{ ...spare, status: 'archived' }]);
    const again = await s.section('spare');
    expect(again).toMatchObject({ name: 'spare', status: 'active' });
    expect(await s.sections()).toEqual([again]);
    expect((await refusal(() => s.section('SPARE'))).code).toBe('section-name-taken');
  });

  it('puts no table in a removed section: not added, moved in or used again there', async () => {
    const s = await store();
    const old = await s.section('Old terrace');
    const room = await s.section('Main room');
    const kept = await s.table(old.id, 'O1');
    await h.api.updateTable(s.ctx, kept.id, { active: false });
    const elsewhere = await s.table(room.id, 'R1');
    await h.api.removeSection(s.ctx, old.id);

    const codes = async (call: () => Promise<unknown>) => {
      const err = await refusal(call);
      return [err.code, err.kind];
    };
    expect(await codes(() => s.table(old.id, 'O2'))).toEqual(['section-archived', 'conflict']);
    expect(
      await codes(() => h.api.updateTable(s.ctx, elsewhere.id, { sectionId: old.id })),
    ).toEqual(['section-archived', 'conflict']);
    expect(await codes(() => h.api.updateTable(s.ctx, kept.id, { active: true }))).toEqual([
      'section-archived',
      'conflict',
    ]);
    expect(await codes(() => h.api.updateSection(s.ctx, old.id, { name: 'New terrace' }))).toEqual([
      'section-archived',
      'conflict',
    ]);

    // A kept table is renamed where it is, or moved to an active section and used again.
    expect(await h.api.updateTable(s.ctx, kept.id, { name: 'O1 (old)' })).toMatchObject({
      sectionId: old.id,
      active: false,
    });
    expect(
      await h.api.updateTable(s.ctx, kept.id, { sectionId: room.id, active: true }),
    ).toMatchObject({ sectionId: room.id, active: true });
    expect(await h.api.getTable(s.ctx, elsewhere.id)).toEqual(elsewhere);
  });

  it('keeps each tenant’s sections to itself', async () => {
    const a = await store();
    const b = await store();
    const section = await a.section('Bar');
    expect((await refusal(() => h.api.removeSection(b.ctx, section.id))).code).toBe(
      'section-not-found',
    );
    expect(await a.sections()).toEqual([section]);
  });

  // PGlite runs one transaction at a time: a held transaction would block the other outright.
  const onPostgres = engine === 'postgres' ? it : () => undefined;

  onPostgres('lets a removal wait for a table being added, then refuses it', async () => {
    const s = await store();
    const section = await s.section('Bar');
    const held = h.holdNext();
    const adding = s.table(section.id, 'B1');
    await held.worked;

    const removing = refusal(() => h.api.removeSection(s.ctx, section.id));
    // The removal queues on the section until the table commits.
    await waitsForLock(testDb!.url, removing);
    held.release();
    const table = await adding;
    expect((await removing).code).toBe('section-in-use');
    expect(await s.sections()).toEqual([section]);
    expect(await h.api.getTable(s.ctx, table.id)).toMatchObject({ active: true });
  });

  onPostgres('lets a table being added wait for a removal, then refuses it', async () => {
    const s = await store();
    const section = await s.section('Bar');
    const held = h.holdNext();
    const removing = h.api.removeSection(s.ctx, section.id);
    await held.worked;

    const adding = refusal(() => s.table(section.id, 'B1'));
    // The table queues on the section until the removal commits.
    await waitsForLock(testDb!.url, adding);
    held.release();
    await removing;
    expect((await adding).code).toBe('section-archived');
    const all = await h.api.listTables(s.ctx, {
      limit: 50,
      storeId: s.store.id,
      sort: 'createdAt',
    });
    expect(all.items).toEqual([]);
  });
});
