import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { asc, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ROLE,
  applyMigrations,
  createLogger,
  createOutbox,
  createOutboxRelay,
  ensureAppRole,
  eventEnvelopeSchema,
  inProcessEventBus,
  isUuid,
  lruCache,
  migratePostgres,
  newId,
  openDatabase,
  type CallContext,
  type Database,
  type Db,
  type DatabaseSettings,
  type DomainError,
  type EventEnvelope,
  type MigrationSet,
} from '@stratum/platform';
import { identityManifest } from '@stratum/identity';
import { identityEvents } from '@stratum/identity/contract';
import { createStoreOpsModule, storeOpsManifest, type StoreOpsModule } from '@stratum/store-ops';
import { createTestDatabase, postgresUrl, testEngines, type TestDatabase } from '@stratum/testing';
import { outbox } from '../../modules/identity/src/adapters/postgres/schema.ts';

const ANNOUNCEMENT = '0002_announce_devices';
const logger = createLogger({ level: 'silent' });

/**
 * Identity's migrations as they were before the device announcements: a copy
 * of its folder whose journal ends with the migration before.
 */
function identityMigrationsBefore(dir: string): MigrationSet {
  const folder = join(dir, 'identity-migrations');
  cpSync(identityManifest.migrations.folder, folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  const at = journal.entries.findIndex((e) => e.tag === ANNOUNCEMENT);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(journal));
  return { ...identityManifest.migrations, folder };
}

const owner = (tenantId: string): CallContext => ({
  tenantId,
  actor: { kind: 'user', id: newId(), roles: ['owner'], permissions: [], stores: ['*'] },
});

const storeOps = (database: Database) =>
  createStoreOpsModule({
    database,
    bus: inProcessEventBus(logger),
    logger,
    wakeRelay: () => {},
    cache: lruCache(),
  });

const newStore = (module: StoreOpsModule, ctx: CallContext) =>
  module.api.createStore(ctx, {
    name: 'Main street',
    timezone: 'Europe/Paris',
    currency: 'EUR',
    address: null,
    taxInclusive: true,
    taxRounding: 'per-line',
    oversellPolicy: 'block',
  });

/** A device as identity recorded it before it was announced: its row and nothing else. */
interface OldDevice {
  id: string;
  tenantId: string;
  storeId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Writes the device as identity's application role did, in the device's tenant. */
const insertDevice = (database: Database, d: OldDevice) =>
  database.transaction(
    (tx) =>
      tx.execute(sql`
        insert into identity.devices (id, tenant_id, store_id, name, token_hash, created_at, revoked_at)
        values (${d.id}::uuid, ${d.tenantId}::uuid, ${d.storeId}::uuid, ${d.name},
                ${`hash-${d.id}`}, ${d.createdAt}::timestamptz, ${d.revokedAt}::timestamptz)`),
    { tenantId: d.tenantId },
  );

/** Identity's outbox as the relay reads it, oldest id first. */
const outboxRows = (database: Database) =>
  database.system((db) => db.select().from(outbox).orderBy(asc(outbox.id)));

describe.each(testEngines())(
  'devices registered before store-ops heard of them, on %s',
  (engine) => {
    let dir: string;
    let testDb: TestDatabase | undefined;
    let settings: DatabaseSettings;
    let database: Database | undefined;
    const tenants = { main: newId(), other: newId() };
    let stores: { main: string; elsewhere: string };
    let devices: { kept: OldDevice; revoked: OldDevice; foreign: OldDevice };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'stratum-devices-'));
      testDb = engine === 'postgres' ? await createTestDatabase(postgresUrl()!) : undefined;
      settings = testDb ? { url: testDb.url, poolSize: 4 } : { dataDir: join(dir, 'data') };

      // The database as the previous release left it: devices registered, none announced.
      const before = (
        await openDatabase(settings, [identityMigrationsBefore(dir), storeOpsManifest.migrations])
      ).database;
      try {
        const module = storeOps(before);
        const main = await newStore(module, owner(tenants.main));
        const elsewhere = await newStore(module, owner(tenants.other));
        stores = { main: main.id, elsewhere: elsewhere.id };
        const device = (
          tenantId: string,
          storeId: string,
          name: string,
          createdAt: string,
          revokedAt: string | null = null,
        ): OldDevice => ({ id: newId(), tenantId, storeId, name, createdAt, revokedAt });
        devices = {
          kept: device(tenants.main, main.id, 'Counter tablet', '2026-11-02T08:30:00.125Z'),
          revoked: device(
            tenants.main,
            main.id,
            'Lost tablet',
            '2026-11-03T09:00:00.250Z',
            '2026-11-20T17:45:10.500Z',
          ),
          foreign: device(tenants.other, elsewhere.id, 'Bar tablet', '2026-11-04T10:00:00.000Z'),
        };
        for (const d of Object.values(devices)) await insertDevice(before, d);
        expect(await outboxRows(before)).toEqual([]);
        const refused = await module.api
          .createRegister(owner(tenants.main), {
            storeId: main.id,
            name: 'Till 1',
            deviceId: devices.kept.id,
          })
          .catch((err: DomainError) => err);
        expect(refused).toMatchObject({ code: 'device-not-found' });
      } finally {
        await before.close();
      }

      database = (
        await openDatabase(settings, [identityManifest.migrations, storeOpsManifest.migrations])
      ).database;
    });
    afterAll(async () => {
      await database?.close();
      await testDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('puts one announcement per registration and revocation in identity’s outbox, shaped as the application’s', async () => {
      const rows = await outboxRows(database!);
      const { kept, revoked, foreign } = devices;
      const expected = [
        [kept, 'identity.device-registered', kept.createdAt],
        [revoked, 'identity.device-registered', revoked.createdAt],
        [foreign, 'identity.device-registered', foreign.createdAt],
        [revoked, 'identity.device-revoked', revoked.revokedAt],
      ] as const;
      // Ids carry the event's time, so the relay publishes them in the order they happened.
      expect(
        rows.map((r) => [r.tenantId, r.type, (r.envelope as EventEnvelope).occurredAt]),
      ).toEqual(expected.map(([d, type, at]) => [d.tenantId, type, at]));
      const correlationIds = new Set<string>();
      for (const [i, row] of rows.entries()) {
        const [device, type] = expected[i]!;
        const envelope = eventEnvelopeSchema.parse(row.envelope);
        expect(envelope).toEqual(row.envelope);
        expect(isUuid(envelope.id) && envelope.id[14] === '7').toBe(true);
        expect(envelope).toMatchObject({
          id: row.id,
          type: row.type,
          version: row.version,
          tenantId: row.tenantId,
          causationId: null,
          traceparent: null,
        });
        expect([row.publishedAt, row.deadAt, row.attempts]).toEqual([null, null, 0]);
        const event =
          type === 'identity.device-registered'
            ? identityEvents.deviceRegistered
            : identityEvents.deviceRevoked;
        expect(row.version).toBe(event.version);
        expect(envelope.payload).toEqual(
          event.payload.parse({ deviceId: device.id, storeId: device.storeId, name: device.name }),
        );
        correlationIds.add(envelope.correlationId);
      }
      expect(correlationIds.size).toBe(1);

      // What the application writes for the same registration, read back from the table.
      const written = await database!
        .transaction(
          async (tx) => {
            const { id } = await createOutbox(outbox).add(
              tx,
              identityEvents.deviceRegistered,
              { deviceId: kept.id, storeId: kept.storeId, name: kept.name },
              kept.tenantId,
            );
            const [row] = await tx
              .select()
              .from(outbox)
              .where(sql`${outbox.id} = ${id}::uuid`);
            throw Object.assign(new Error('rolled back'), { row });
          },
          { tenantId: kept.tenantId },
        )
        .catch((err: { row: { envelope: EventEnvelope } }) => err.row.envelope);
      const varying = { id: '', occurredAt: '', correlationId: '' };
      expect({ ...(rows[0]!.envelope as EventEnvelope), ...varying }).toEqual({
        ...written,
        ...varying,
      });
    });

    it('lets store-ops link a register to a device registered before, once the relay ran, and keeps a revoked one revoked', async () => {
      const module = storeOps(database!);
      const bus = inProcessEventBus(logger);
      for (const s of module.subscriptions ?? []) bus.subscribe(s);
      const relay = createOutboxRelay({
        database: database!,
        outboxes: [{ module: 'identity', table: outbox }],
        bus,
        logger,
      });
      expect(await relay.runOnce()).toBe(4);
      expect(await relay.runOnce()).toBe(0);

      const ctx = owner(tenants.main);
      const register = (name: string, deviceId: string) =>
        module.api.createRegister(ctx, { storeId: stores.main, name, deviceId });
      expect(await register('Till 1', devices.kept.id)).toMatchObject({
        deviceId: devices.kept.id,
        status: 'active',
      });
      await expect(register('Till 2', devices.revoked.id)).rejects.toMatchObject({
        code: 'device-revoked',
      });
      // The other tenant's device was announced in its own tenant, and is known there only.
      await expect(register('Till 3', devices.foreign.id)).rejects.toMatchObject({
        code: 'device-not-found',
      });
      expect(
        await module.api.createRegister(owner(tenants.other), {
          storeId: stores.elsewhere,
          name: 'Bar till',
          deviceId: devices.foreign.id,
        }),
      ).toMatchObject({ deviceId: devices.foreign.id });
    });
  },
);

describe.each(testEngines())('a fresh database on %s', (engine) => {
  let testDb: TestDatabase | undefined;
  afterAll(() => testDb?.drop());

  /** Runs identity's migrations as their owner does, and answers `query` as that owner. */
  async function migratedAsOwner(query: string): Promise<Record<string, number>[]> {
    if (engine === 'pglite') {
      const client = await PGlite.create();
      try {
        const db = drizzle(client) as unknown as Db;
        await ensureAppRole(db, APP_ROLE);
        await applyMigrations(db, [identityManifest.migrations]);
        return (await client.query<Record<string, number>>(query)).rows;
      } finally {
        await client.close();
      }
    }
    testDb = await createTestDatabase(postgresUrl()!);
    await migratePostgres(testDb.url, [identityManifest.migrations]);
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    try {
      return (await client.query<Record<string, number>>(query)).rows;
    } finally {
      await client.end();
    }
  }

  it('applies the announcement with no device to announce, and writes nothing', async () => {
    const journal = JSON.parse(
      readFileSync(join(identityManifest.migrations.folder, 'meta', '_journal.json'), 'utf8'),
    ) as { entries: { tag: string }[] };
    expect(journal.entries.map((e) => e.tag)).toContain(ANNOUNCEMENT);
    const [counts] = await migratedAsOwner(
      `select (select count(*)::int from identity.outbox) as n,
              (select count(*)::int from stratum_migrations.identity) as applied`,
    );
    expect(counts).toEqual({ n: 0, applied: journal.entries.length });
  });
});
