import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  inProcessEventBus,
  lruCache,
  newId,
  type Cache,
  type CallContext,
  withContext,
  type Database,
} from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { CreateStoreInput } from '../contract.ts';
import { createStoreOpsModule } from '../index.ts';
import { pgStoreOpsStore } from '../adapters/postgres/store.ts';
import { ownerOf, refusal, storeOpsHarness, type Harness } from '../test-harness.ts';

const newStore: CreateStoreInput = {
  name: 'Main street',
  timezone: 'Europe/Paris',
  currency: 'EUR',
  address: {
    line1: '1 Main street',
    line2: null,
    city: 'Paris',
    postalCode: '75001',
    country: 'FR',
  },
  taxInclusive: true,
  taxRounding: 'per-line',
  oversellPolicy: 'block',
};

describe.each(testEngines())('store lookups through the cache on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await storeOpsHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  /** What `fn` returned, and how many transactions it took. */
  async function counting<T>(fn: () => Promise<T>): Promise<{ value: T; transactions: number }> {
    const before = h.transactions();
    const value = await fn();
    return { value, transactions: h.transactions() - before };
  }

  it('answers a second lookup of the same store without a transaction', async () => {
    const ctx = ownerOf(newId());
    const store = await h.api.createStore(ctx, newStore);
    const first = await counting(() => h.api.getStore(ctx, store.id));
    expect(first).toEqual({ value: store, transactions: 1 });
    const second = await counting(() => h.api.getStore(ctx, store.id));
    expect(second).toEqual({ value: store, transactions: 0 });
  });

  it('loads a store once for concurrent first lookups', async () => {
    const ctx = ownerOf(newId());
    const store = await h.api.createStore(ctx, newStore);
    const lookups = await counting(() =>
      Promise.all([1, 2, 3, 4, 5].map(() => h.api.getStore(ctx, store.id))),
    );
    expect(lookups).toEqual({ value: [1, 2, 3, 4, 5].map(() => store), transactions: 1 });
  });

  it('hands out cached stores frozen, so no caller can change what the next one reads', async () => {
    const ctx = ownerOf(newId());
    const store = await h.api.createStore(ctx, newStore);
    const view = await h.api.getStore(ctx, store.id);
    expect(() => Object.assign(view, { name: 'Changed by a caller' })).toThrow(TypeError);
    expect(() => Object.assign(view.address!, { city: 'Lyon' })).toThrow(TypeError);
    expect(await h.api.getStore(ctx, store.id)).toEqual(store);
  });

  it('shows an update and an archive to the very next lookup', async () => {
    const ctx = ownerOf(newId());
    const store = await h.api.createStore(ctx, newStore);
    await h.api.getStore(ctx, store.id);

    await h.api.updateStore(ctx, store.id, {
      name: 'Renamed',
      oversellPolicy: 'allow-with-alert',
    });
    expect(await h.api.getStore(ctx, store.id)).toEqual({
      ...store,
      name: 'Renamed',
      oversellPolicy: 'allow-with-alert',
    });
    // Cached again after that one reload.
    expect((await counting(() => h.api.getStore(ctx, store.id))).transactions).toBe(0);

    await h.api.archiveStore(ctx, store.id, 'moved out');
    expect(await h.api.getStore(ctx, store.id)).toMatchObject({
      name: 'Renamed',
      status: 'archived',
    });
  });

  it('keeps the cached store when an update is refused and rolls back', async () => {
    const ctx = ownerOf(newId());
    const store = await h.api.createStore(ctx, newStore);
    await h.api.archiveStore(ctx, store.id);
    const archived = await h.api.getStore(ctx, store.id);
    const refused = await refusal(() => h.api.updateStore(ctx, store.id, { name: 'Too late' }));
    expect(refused.code).toBe('store-archived');
    expect(await counting(() => h.api.getStore(ctx, store.id))).toEqual({
      value: archived,
      transactions: 0,
    });
  });

  it('refuses another tenant a store cached for its owner, with the same store-not-found', async () => {
    const owner = ownerOf(newId());
    const store = await h.api.createStore(owner, newStore);
    const stranger = ownerOf(newId());
    const service: CallContext = {
      tenantId: stranger.tenantId,
      actor: { kind: 'service', id: 'catalog', roles: [], permissions: [], stores: ['*'] },
    };
    const cold = await refusal(() => h.api.getStore(stranger, store.id));
    expect(cold).toMatchObject({ code: 'store-not-found', kind: 'not-found' });

    await h.api.getStore(owner, store.id);
    for (const caller of [stranger, service]) {
      const warm = await refusal(() => h.api.getStore(caller, store.id));
      expect({ code: warm.code, kind: warm.kind, message: warm.message }).toEqual({
        code: cold.code,
        kind: cold.kind,
        message: cold.message,
      });
    }
    expect(await counting(() => h.api.getStore(owner, store.id))).toEqual({
      value: store,
      transactions: 0,
    });
  });

  it('treats a caller scoped to other stores as before when the store is cached: reads, no writes', async () => {
    const owner = ownerOf(newId());
    const store = await h.api.createStore(owner, newStore);
    const other = await h.api.createStore(owner, { ...newStore, name: 'Other' });
    const elsewhere = ownerOf(owner.tenantId, [other.id]);

    // Store settings are readable tenant-wide (the StoreOpsApi contract); only writes are scoped.
    const cold = await h.api.getStore(elsewhere, store.id);
    expect(cold).toEqual(store);
    expect(await counting(() => h.api.getStore(elsewhere, store.id))).toEqual({
      value: store,
      transactions: 0,
    });

    const update = await refusal(() => h.api.updateStore(elsewhere, store.id, { name: 'Mine' }));
    expect(update).toMatchObject({ code: 'store-not-allowed', kind: 'forbidden' });
    const archive = await refusal(() => h.api.archiveStore(elsewhere, store.id));
    expect(archive).toMatchObject({ code: 'store-not-allowed', kind: 'forbidden' });
    expect(await h.api.getStore(owner, store.id)).toEqual(store);
  });

  it('gives an unknown store the same store-not-found each time, and finds it once it exists', async () => {
    const ctx = ownerOf(newId());
    const id = newId();
    for (let i = 0; i < 2; i += 1) {
      const miss = await counting(() => refusal(() => h.api.getStore(ctx, id)));
      expect(miss.transactions).toBe(1);
      expect(miss.value).toMatchObject({
        code: 'store-not-found',
        kind: 'not-found',
        message: 'No such store.',
      });
    }
    // Written past this module (as another process would), so nothing here drops a cache entry.
    const created = await pgStoreOpsStore(h.database, () => {}).inTenant(ctx.tenantId, (repo) =>
      repo.insertStore({ id, ...newStore }),
    );
    expect(await h.api.getStore(ctx, id)).toEqual(created);
  });

  it('never caches a lookup without a tenant, which reads in the request’s tenant', async () => {
    const owner = ownerOf(newId());
    const store = await h.api.createStore(owner, newStore);
    // A JavaScript caller (or a bad cast) can leave the tenant out of the call context.
    const tenantless = { ...owner, tenantId: undefined } as unknown as CallContext;
    const inOwnersRequest = await withContext({ tenantId: owner.tenantId }, () =>
      h.api.getStore(tenantless, store.id),
    );
    expect(inOwnersRequest).toEqual(store);
    const inStrangersRequest = await withContext({ tenantId: newId() }, () =>
      refusal(() => h.api.getStore(tenantless, store.id)),
    );
    expect(inStrangersRequest.code).toBe('store-not-found');
  });

  // PGlite runs one transaction at a time, so the held lookup would block the update:
  // these two exist on PostgreSQL only.
  const onPostgres = engine === 'postgres' ? it : () => undefined;
  onPostgres('does not keep a lookup that read the store before an update committed', async () => {
    const ctx = ownerOf(newId());
    const store = await h.api.createStore(ctx, newStore);
    const held = h.holdNext();
    const inFlight = h.api.getStore(ctx, store.id);
    await held.worked;

    await h.api.updateStore(ctx, store.id, { name: 'Renamed meanwhile' });
    held.release();
    expect((await inFlight).name).toBe('Main street');
    expect((await h.api.getStore(ctx, store.id)).name).toBe('Renamed meanwhile');
  });

  onPostgres(
    'drops the cached store when the update commits, not before: a lookup in between is not kept',
    async () => {
      const ctx = ownerOf(newId());
      const store = await h.api.createStore(ctx, newStore);
      await h.api.getStore(ctx, store.id);
      const held = h.holdNext();
      const update = h.api.updateStore(ctx, store.id, { name: 'Renamed' });
      await held.worked;

      // The update has run but not committed: a lookup now still reads the old row.
      expect((await h.api.getStore(ctx, store.id)).name).toBe('Main street');
      held.release();
      await update;
      expect((await h.api.getStore(ctx, store.id)).name).toBe('Renamed');
    },
  );
});

describe('the store cache setting', () => {
  const logger = createLogger({ level: 'silent' });
  const base = {
    database: {} as Database,
    bus: inProcessEventBus(logger),
    logger,
    wakeRelay: () => {},
  };

  it('passes the configured TTL to the cache, 60 s unless set', async () => {
    const ttls: (number | undefined)[] = [];
    const recording = (): Cache => {
      const cache = lruCache();
      return {
        ...cache,
        getOrLoad: <T>(key: string, _load: () => Promise<T>, ttlMs?: number) => {
          ttls.push(ttlMs);
          // A hit: the loader (and the empty database above) is never reached.
          return Promise.resolve({ id: key } as T);
        },
      };
    };
    const ctx = ownerOf(newId());
    await createStoreOpsModule({ ...base, cache: recording() }).api.getStore(ctx, newId());
    await createStoreOpsModule({
      ...base,
      cache: recording(),
      settings: { storeCacheTtlMs: 5_000 },
    }).api.getStore(ctx, newId());
    expect(ttls).toEqual([60_000, 5_000]);
  });

  it('refuses a TTL that would keep stores forever or not at all', () => {
    for (const storeCacheTtlMs of [0, -1, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() =>
        createStoreOpsModule({ ...base, cache: lruCache(), settings: { storeCacheTtlMs } }),
      ).toThrow('storeCacheTtlMs must be a positive integer');
    }
  });
});
