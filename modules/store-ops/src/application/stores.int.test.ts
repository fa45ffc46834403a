import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  DomainError,
  inProcessEventBus,
  lruCache,
  newId,
  openDatabase,
  type Cache,
  type CallContext,
  withContext,
  type Database,
} from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines, type TestDatabase } from '@stratum/testing';
import type { CreateStoreInput } from '../contract.ts';
import { createStoreOpsModule, storeOpsManifest, type StoreOpsModule } from '../index.ts';
import { pgStoreOpsStore } from '../adapters/postgres/store.ts';

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

/** A user of the tenant, in every store unless `stores` says otherwise. */
const user = (tenantId: string, stores: string[] = ['*']): CallContext => ({
  tenantId,
  actor: { kind: 'user', id: newId(), roles: ['owner'], permissions: [], stores },
});

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** The error `call` fails with, thrown or rejected (fails the test if it succeeds). */
async function refusal(call: () => Promise<unknown>): Promise<DomainError> {
  let value: unknown;
  try {
    value = await call();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
}

describe.each(testEngines())('store lookups through the cache on %s', (engine) => {
  let pg: TestDatabase | undefined;
  let database: Database;
  let module: StoreOpsModule;
  let transactions = 0;
  /** When set, the next transaction waits for `release` after its work, holding what it read. */
  let holdNext: { read: () => void; release: Promise<void> } | undefined;

  beforeAll(async () => {
    pg = engine === 'postgres' ? await createTestDatabase(postgresUrl()!) : undefined;
    ({ database } = await openDatabase(
      pg ? { url: pg.url, poolSize: 4 } : { dataDir: ':memory:' },
      [storeOpsManifest.migrations],
    ));
    // Every SQL statement of store-ops runs in one of these: counting them counts SQL work.
    const counted: Database = {
      ...database,
      transaction(fn, options) {
        transactions += 1;
        const hold = holdNext;
        holdNext = undefined;
        if (!hold) return database.transaction(fn, options);
        return database.transaction(async (tx) => {
          const result = await fn(tx);
          hold.read();
          await hold.release;
          return result;
        }, options);
      },
    };
    const logger = createLogger({ level: 'silent' });
    module = createStoreOpsModule({
      database: counted,
      bus: inProcessEventBus(logger),
      logger,
      wakeRelay: () => {},
      cache: lruCache(),
    });
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });

  /** What `fn` returned, and how many transactions it took. */
  async function counting<T>(fn: () => Promise<T>): Promise<{ value: T; transactions: number }> {
    const before = transactions;
    const value = await fn();
    return { value, transactions: transactions - before };
  }

  it('answers a second lookup of the same store without a transaction', async () => {
    const ctx = user(newId());
    const store = await module.api.createStore(ctx, newStore);
    const first = await counting(() => module.api.getStore(ctx, store.id));
    expect(first).toEqual({ value: store, transactions: 1 });
    const second = await counting(() => module.api.getStore(ctx, store.id));
    expect(second).toEqual({ value: store, transactions: 0 });
  });

  it('loads a store once for concurrent first lookups', async () => {
    const ctx = user(newId());
    const store = await module.api.createStore(ctx, newStore);
    const lookups = await counting(() =>
      Promise.all([1, 2, 3, 4, 5].map(() => module.api.getStore(ctx, store.id))),
    );
    expect(lookups).toEqual({ value: [1, 2, 3, 4, 5].map(() => store), transactions: 1 });
  });

  it('hands out cached stores frozen, so no caller can change what the next one reads', async () => {
    const ctx = user(newId());
    const store = await module.api.createStore(ctx, newStore);
    const view = await module.api.getStore(ctx, store.id);
    expect(() => Object.assign(view, { name: 'Changed by a caller' })).toThrow(TypeError);
    expect(() => Object.assign(view.address!, { city: 'Lyon' })).toThrow(TypeError);
    expect(await module.api.getStore(ctx, store.id)).toEqual(store);
  });

  it('shows an update and an archive to the very next lookup', async () => {
    const ctx = user(newId());
    const store = await module.api.createStore(ctx, newStore);
    await module.api.getStore(ctx, store.id);

    await module.api.updateStore(ctx, store.id, {
      name: 'Renamed',
      oversellPolicy: 'allow-with-alert',
    });
    expect(await module.api.getStore(ctx, store.id)).toEqual({
      ...store,
      name: 'Renamed',
      oversellPolicy: 'allow-with-alert',
    });
    // Cached again after that one reload.
    expect((await counting(() => module.api.getStore(ctx, store.id))).transactions).toBe(0);

    await module.api.archiveStore(ctx, store.id, 'moved out');
    expect(await module.api.getStore(ctx, store.id)).toMatchObject({
      name: 'Renamed',
      status: 'archived',
    });
  });

  it('keeps the cached store when an update is refused and rolls back', async () => {
    const ctx = user(newId());
    const store = await module.api.createStore(ctx, newStore);
    await module.api.archiveStore(ctx, store.id);
    const archived = await module.api.getStore(ctx, store.id);
    const refused = await refusal(() =>
      module.api.updateStore(ctx, store.id, { name: 'Too late' }),
    );
    expect(refused.code).toBe('store-archived');
    expect(await counting(() => module.api.getStore(ctx, store.id))).toEqual({
      value: archived,
      transactions: 0,
    });
  });

  it('refuses another tenant a store cached for its owner, with the same store-not-found', async () => {
    const owner = user(newId());
    const store = await module.api.createStore(owner, newStore);
    const stranger = user(newId());
    const service: CallContext = {
      tenantId: stranger.tenantId,
      actor: { kind: 'service', id: 'catalog', roles: [], permissions: [], stores: ['*'] },
    };
    const cold = await refusal(() => module.api.getStore(stranger, store.id));
    expect(cold).toMatchObject({ code: 'store-not-found', kind: 'not-found' });

    await module.api.getStore(owner, store.id);
    for (const caller of [stranger, service]) {
      const warm = await refusal(() => module.api.getStore(caller, store.id));
      expect({ code: warm.code, kind: warm.kind, message: warm.message }).toEqual({
        code: cold.code,
        kind: cold.kind,
        message: cold.message,
      });
    }
    expect(await counting(() => module.api.getStore(owner, store.id))).toEqual({
      value: store,
      transactions: 0,
    });
  });

  it('treats a caller scoped to other stores as before when the store is cached: reads, no writes', async () => {
    const owner = user(newId());
    const store = await module.api.createStore(owner, newStore);
    const other = await module.api.createStore(owner, { ...newStore, name: 'Other' });
    const elsewhere = user(owner.tenantId, [other.id]);

    // Store settings are readable tenant-wide (the StoreOpsApi contract); only writes are scoped.
    const cold = await module.api.getStore(elsewhere, store.id);
    expect(cold).toEqual(store);
    expect(await counting(() => module.api.getStore(elsewhere, store.id))).toEqual({
      value: store,
      transactions: 0,
    });

    const update = await refusal(() =>
      module.api.updateStore(elsewhere, store.id, { name: 'Mine' }),
    );
    expect(update).toMatchObject({ code: 'store-not-allowed', kind: 'forbidden' });
    const archive = await refusal(() => module.api.archiveStore(elsewhere, store.id));
    expect(archive).toMatchObject({ code: 'store-not-allowed', kind: 'forbidden' });
    expect(await module.api.getStore(owner, store.id)).toEqual(store);
  });

  it('gives an unknown store the same store-not-found each time, and finds it once it exists', async () => {
    const ctx = user(newId());
    const id = newId();
    for (let i = 0; i < 2; i += 1) {
      const miss = await counting(() => refusal(() => module.api.getStore(ctx, id)));
      expect(miss.transactions).toBe(1);
      expect(miss.value).toMatchObject({
        code: 'store-not-found',
        kind: 'not-found',
        message: 'No such store.',
      });
    }
    // Written past this module (as another process would), so nothing here drops a cache entry.
    const created = await pgStoreOpsStore(database, () => {}).inTenant(ctx.tenantId, (repo) =>
      repo.insertStore({ id, ...newStore }),
    );
    expect(await module.api.getStore(ctx, id)).toEqual(created);
  });

  it('never caches a lookup without a tenant, which reads in the request’s tenant', async () => {
    const owner = user(newId());
    const store = await module.api.createStore(owner, newStore);
    // A JavaScript caller (or a bad cast) can leave the tenant out of the call context.
    const tenantless = { ...owner, tenantId: undefined } as unknown as CallContext;
    const inOwnersRequest = await withContext({ tenantId: owner.tenantId }, () =>
      module.api.getStore(tenantless, store.id),
    );
    expect(inOwnersRequest).toEqual(store);
    const inStrangersRequest = await withContext({ tenantId: newId() }, () =>
      refusal(() => module.api.getStore(tenantless, store.id)),
    );
    expect(inStrangersRequest.code).toBe('store-not-found');
  });

  // PGlite runs one transaction at a time, so the held lookup would block the update:
  // these two exist on PostgreSQL only.
  const onPostgres = engine === 'postgres' ? it : () => undefined;
  onPostgres('does not keep a lookup that read the store before an update committed', async () => {
    const ctx = user(newId());
    const store = await module.api.createStore(ctx, newStore);
    const read = deferred();
    const release = deferred();
    holdNext = { read: read.resolve, release: release.promise };
    const inFlight = module.api.getStore(ctx, store.id);
    await read.promise;

    await module.api.updateStore(ctx, store.id, { name: 'Renamed meanwhile' });
    release.resolve();
    expect((await inFlight).name).toBe('Main street');
    expect((await module.api.getStore(ctx, store.id)).name).toBe('Renamed meanwhile');
  });

  onPostgres(
    'drops the cached store when the update commits, not before: a lookup in between is not kept',
    async () => {
      const ctx = user(newId());
      const store = await module.api.createStore(ctx, newStore);
      await module.api.getStore(ctx, store.id);
      const written = deferred();
      const commit = deferred();
      holdNext = { read: written.resolve, release: commit.promise };
      const update = module.api.updateStore(ctx, store.id, { name: 'Renamed' });
      await written.promise;

      // The update has run but not committed: a lookup now still reads the old row.
      expect((await module.api.getStore(ctx, store.id)).name).toBe('Main street');
      commit.resolve();
      await update;
      expect((await module.api.getStore(ctx, store.id)).name).toBe('Renamed');
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
    const ctx = user(newId());
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
