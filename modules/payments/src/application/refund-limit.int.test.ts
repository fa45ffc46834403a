import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { storeSettings } from '../adapters/postgres/schema.ts';
import { paymentsHarness, type Harness } from '../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

/** A store's refund limit, for the stores the caller's business has. */
describe.each(testEngines())('store refund limits on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      module: { defaultRefundLimit: 5_000 },
    });
  });
  afterAll(() => h?.close());

  /** The store_settings rows a tenant can see. */
  const settingsOf = (tenantId: string) =>
    h.database.transaction((tx) => tx.select().from(storeSettings), { tenantId });

  it('sets and reads the limit of a store of the business, the default until it is set', async () => {
    const owner = h.ctx(newId(), 'owner');
    const store = h.storeOps.addStore(owner.tenantId);

    expect(await h.api.getRefundLimit(owner, store)).toMatchObject({
      refundLimit: 5_000,
      source: 'default',
    });
    await h.api.setRefundLimit(owner, store, 1);
    expect(await h.api.getRefundLimit(owner, store)).toMatchObject({
      refundLimit: 1,
      source: 'store',
    });
  });

  it('answers store-not-found for a store that does not exist, and keeps nothing for it', async () => {
    const owner = h.ctx(newId(), 'owner');
    const nowhere = newId();

    await expect(h.api.setRefundLimit(owner, nowhere, 1)).rejects.toMatchObject({
      code: 'store-not-found',
      kind: 'not-found',
    });
    await expect(h.api.getRefundLimit(owner, nowhere)).rejects.toMatchObject({
      code: 'store-not-found',
    });
    expect(await settingsOf(owner.tenantId)).toEqual([]);
    expect(await h.audit(owner.tenantId)).toEqual([]);
  });

  it('answers store-not-found for another business’s store, which keeps its own limit', async () => {
    const owner = h.ctx(newId(), 'owner');
    const store = h.storeOps.addStore(owner.tenantId);
    await h.api.setRefundLimit(owner, store, 2_000);
    const stranger = h.ctx(newId(), 'owner');

    await expect(h.api.setRefundLimit(stranger, store, 1)).rejects.toMatchObject({
      code: 'store-not-found',
    });
    await expect(h.api.getRefundLimit(stranger, store)).rejects.toMatchObject({
      code: 'store-not-found',
    });
    expect(await settingsOf(stranger.tenantId)).toEqual([]);
    expect(await h.api.getRefundLimit(owner, store)).toMatchObject({ refundLimit: 2_000 });
  });

  it('keeps an archived store’s limit as it was: read, not changed', async () => {
    const owner = h.ctx(newId(), 'owner');
    const store = h.storeOps.addStore(owner.tenantId);
    await h.api.setRefundLimit(owner, store, 3_000);
    h.storeOps.archiveStore(owner.tenantId, store);

    await expect(h.api.setRefundLimit(owner, store, 1)).rejects.toMatchObject({
      code: 'store-archived',
      kind: 'conflict',
    });
    expect(await h.api.getRefundLimit(owner, store)).toMatchObject({
      refundLimit: 3_000,
      source: 'store',
    });
    expect((await h.audit(owner.tenantId)).map((a) => a.action)).toEqual(['refund-limit.set']);
  });

  it('refuses staff of other stores first, whether the store exists or not', async () => {
    const tenant = newId();
    const theirs = h.storeOps.addStore(tenant);
    const other = h.storeOps.addStore(tenant);
    const manager = h.ctx(tenant, 'manager', [theirs]);

    for (const store of [other, newId()]) {
      await expect(h.api.setRefundLimit(manager, store, 1)).rejects.toMatchObject({
        code: 'store-not-allowed',
      });
      await expect(h.api.getRefundLimit(manager, store)).rejects.toMatchObject({
        code: 'store-not-allowed',
      });
    }
    expect(await h.api.setRefundLimit(manager, theirs, 1)).toMatchObject({ source: 'store' });
  });
});
