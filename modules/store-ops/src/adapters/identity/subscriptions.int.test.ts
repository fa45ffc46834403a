import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inProcessEventBus,
  lruCache,
  makeEnvelope,
  newId,
  openDatabase,
  type CallContext,
  type Database,
} from '@stratum/platform';
import { identityEvents } from '@stratum/identity/contract';
import { captureLogs, createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { TestDatabase } from '@stratum/testing';
import { createStoreOpsModule, storeOpsManifest, type StoreOpsModule } from '../../index.ts';

describe.each(testEngines())('store-ops’ devices from identity’s events on %s', (engine) => {
  let pg: TestDatabase | undefined;
  let database: Database;
  let module: StoreOpsModule;
  const logs = captureLogs('warn');

  beforeAll(async () => {
    pg = engine === 'postgres' ? await createTestDatabase(postgresUrl()!) : undefined;
    ({ database } = await openDatabase(
      pg ? { url: pg.url, poolSize: 4 } : { dataDir: ':memory:' },
      [storeOpsManifest.migrations],
    ));
    module = createStoreOpsModule({
      database,
      bus: inProcessEventBus(logs.logger),
      logger: logs.logger,
      wakeRelay: () => {},
      cache: lruCache(),
    });
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });

  /** Hands identity's event to store-ops' subscription for it, as the bus would. */
  async function deliver(
    event: typeof identityEvents.deviceRegistered | typeof identityEvents.deviceRevoked,
    payload: { deviceId: string; storeId: string },
    tenantId: string,
  ) {
    const subscription = module.subscriptions?.find((s) => s.types.includes(event.type));
    if (!subscription) throw new Error(`store-ops does not subscribe to ${event.type}`);
    const full =
      event === identityEvents.deviceRegistered ? { ...payload, name: 'Tablet' } : payload;
    await subscription.handle(makeEnvelope(event, full as never, tenantId));
  }

  /** A business with two stores. */
  async function business() {
    const tenantId = newId();
    const ctx: CallContext = {
      tenantId,
      actor: { kind: 'user', id: newId(), roles: ['owner'], permissions: [], stores: ['*'] },
    };
    const store = (name: string) =>
      module.api.createStore(ctx, {
        name,
        timezone: 'Europe/Paris',
        currency: 'EUR',
        address: null,
        taxInclusive: true,
        taxRounding: 'per-line',
        oversellPolicy: 'block',
      });
    const main = await store('Main street');
    const side = await store('Side street');
    const register = (deviceId: string | null, name = `Till ${newId().slice(-4)}`) =>
      module.api.createRegister(ctx, { storeId: main.id, name, deviceId });
    return { tenantId, ctx, main, side, register };
  }

  it('links a register to a device registered for its store, and to nothing else', async () => {
    const b = await business();
    const device = newId();
    await expect(b.register(device)).rejects.toMatchObject({ code: 'device-not-found' });
    await deliver(
      identityEvents.deviceRegistered,
      { deviceId: device, storeId: b.main.id },
      b.tenantId,
    );
    expect(await b.register(device)).toMatchObject({ deviceId: device, status: 'active' });

    const elsewhere = newId();
    await deliver(
      identityEvents.deviceRegistered,
      { deviceId: elsewhere, storeId: b.side.id },
      b.tenantId,
    );
    const plain = await b.register(null);
    await expect(
      module.api.updateRegister(b.ctx, plain.id, { deviceId: elsewhere }),
    ).rejects.toMatchObject({ code: 'device-in-other-store' });
    expect((await module.api.getRegister(b.ctx, plain.id)).deviceId).toBeNull();
  });

  it('keeps a revoked device revoked, whatever order the events come in and however often', async () => {
    const b = await business();
    const revokedFirst = newId();
    // The revocation overtakes the registration, and the registration is delivered twice.
    await deliver(
      identityEvents.deviceRevoked,
      { deviceId: revokedFirst, storeId: b.main.id },
      b.tenantId,
    );
    await deliver(
      identityEvents.deviceRegistered,
      { deviceId: revokedFirst, storeId: b.main.id },
      b.tenantId,
    );
    await deliver(
      identityEvents.deviceRegistered,
      { deviceId: revokedFirst, storeId: b.main.id },
      b.tenantId,
    );
    await expect(b.register(revokedFirst)).rejects.toMatchObject({ code: 'device-revoked' });

    const inOrder = newId();
    await deliver(
      identityEvents.deviceRegistered,
      { deviceId: inOrder, storeId: b.main.id },
      b.tenantId,
    );
    await deliver(
      identityEvents.deviceRegistered,
      { deviceId: inOrder, storeId: b.main.id },
      b.tenantId,
    );
    const linked = await b.register(inOrder);
    await deliver(
      identityEvents.deviceRevoked,
      { deviceId: inOrder, storeId: b.main.id },
      b.tenantId,
    );
    // A register linked before the revocation keeps its link; a new link is refused.
    expect((await module.api.getRegister(b.ctx, linked.id)).deviceId).toBe(inOrder);
    const other = await b.register(null);
    await expect(
      module.api.updateRegister(b.ctx, other.id, { deviceId: inOrder }),
    ).rejects.toMatchObject({ code: 'device-revoked' });
  });

  it('knows a device in its own tenant only', async () => {
    const a = await business();
    const b = await business();
    const device = newId();
    await deliver(
      identityEvents.deviceRegistered,
      { deviceId: device, storeId: a.main.id },
      a.tenantId,
    );
    await expect(b.register(device)).rejects.toMatchObject({ code: 'device-not-found' });
  });
});
