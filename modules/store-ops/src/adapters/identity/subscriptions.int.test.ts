import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { identityEvents } from '@stratum/identity/contract';
import { captureLogs, createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { ownerOf, storeOpsHarness, type Harness } from '../../test-harness.ts';

describe.each(testEngines())('store-ops’ devices from identity’s events on %s', (engine) => {
  let h: Harness;
  const logs = captureLogs('warn');

  beforeAll(async () => {
    h = await storeOpsHarness({
      logger: logs.logger,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
    });
  });
  afterAll(() => h?.close());

  /** Hands identity's event to store-ops, as the bus would; a registration names the device. */
  const deliver = (
    event: typeof identityEvents.deviceRegistered | typeof identityEvents.deviceRevoked,
    payload: { deviceId: string; storeId: string },
    tenantId: string,
  ) =>
    event === identityEvents.deviceRegistered
      ? h.deliver(event, { ...payload, name: 'Tablet' }, tenantId)
      : h.deliver(event, payload, tenantId);

  /** A business with two stores. */
  async function business() {
    const ctx = ownerOf();
    const tenantId = ctx.tenantId;
    const store = (name: string) => h.store(ctx, { name });
    const main = await store('Main street');
    const side = await store('Side street');
    const register = (deviceId: string | null, name = `Till ${newId().slice(-4)}`) =>
      h.api.createRegister(ctx, { storeId: main.id, name, deviceId });
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
      h.api.updateRegister(b.ctx, plain.id, { deviceId: elsewhere }),
    ).rejects.toMatchObject({ code: 'device-in-other-store' });
    expect((await h.api.getRegister(b.ctx, plain.id)).deviceId).toBeNull();
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
    expect((await h.api.getRegister(b.ctx, linked.id)).deviceId).toBe(inOrder);
    const other = await b.register(null);
    await expect(
      h.api.updateRegister(b.ctx, other.id, { deviceId: inOrder }),
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
