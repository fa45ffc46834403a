import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lruCache, type Actor, type CallContext, type Logger } from '@stratum/platform';
import { menuDocument } from '../contract.ts';
import { defaultSettings, type CatalogDeps } from './deps.ts';
import { quoteFromMenu } from '../domain/quote.ts';
import {
  cachedMenu,
  internedMenuKeys,
  invalidatingWrites,
  menuInvalidation,
  menuKeys,
  menuQuotes,
  readMenu,
} from './menu.ts';
import type {
  CatalogRepository,
  CatalogStore,
  MenuSnapshot,
  MenuSource,
  MenuStore,
  Stores,
} from './ports.ts';

const tenant = '01900000-0000-7000-8000-0000000000aa';
const storeA = '01900000-0000-7000-8000-0000000000a1';
const storeB = '01900000-0000-7000-8000-0000000000b2';
const itemId = '01900000-0000-7000-8000-000000000010';
const variantId = '01900000-0000-7000-8000-000000000020';

const actor = (stores: string[] = ['*']): Actor => ({
  kind: 'user',
  id: 'u1',
  roles: ['cashier'],
  permissions: ['catalog:read'],
  stores,
});
const ctx: CallContext = { tenantId: tenant, actor: actor() };

/** A catalog of one burger whose price and 86s the test changes directly. */
function fakeCatalog() {
  const state = {
    version: 1,
    priceMinor: 900,
    until: undefined as number | null | undefined,
    loads: 0,
    versionLoads: 0,
  };
  const menus: MenuSource = {
    async version() {
      state.versionLoads += 1;
      return state.version;
    },
    async snapshot(): Promise<MenuSnapshot> {
      state.loads += 1;
      // Let concurrent readers pile up behind this load.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return {
        version: state.version,
        categories: [],
        items: [
          {
            id: itemId,
            categoryId: null,
            name: 'Burger',
            kind: 'menu',
            description: null,
            imageUrl: null,
            kitchenStation: null,
          },
        ],
        variants: [
          {
            id: variantId,
            itemId,
            name: 'Regular',
            sku: null,
            barcode: null,
            priceMinor: state.priceMinor,
            position: 0,
          },
        ],
        overrides: [],
        unavailable: state.until === undefined ? [] : [{ itemId, until: state.until }],
        itemGroups: [],
        groups: [],
        options: [],
        itemTaxRates: [],
        taxRates: [],
      };
    },
  };
  const store = (id: string): MenuStore => ({
    id,
    currency: 'EUR',
    taxInclusive: true,
    timezone: 'Europe/Berlin',
  });
  const stores: Stores = { get: async (_ctx, id) => ({ ...store(id), active: true }) };
  return { state, menus, stores };
}

function setup() {
  const fake = fakeCatalog();
  const clock = { ms: Date.parse('2026-06-01T12:00:00Z'), now: () => new Date(clock.ms) };
  const deps: CatalogDeps = {
    store: {} as CatalogStore,
    menus: fake.menus,
    stores: fake.stores,
    cache: lruCache(),
    clock,
    settings: defaultSettings,
  };
  return {
    ...fake,
    clock,
    deps,
    menu: readMenu(deps),
    cached: cachedMenu(deps),
    invalidate: menuInvalidation(deps),
  };
}

describe('internedMenuKeys', () => {
  it('gives the keys menuKeys gives, first and later calls alike', () => {
    const keys = internedMenuKeys();
    for (let i = 0; i < 2; i += 1) {
      expect(keys.menu(tenant, storeA, 3)).toBe(menuKeys.menu(tenant, storeA, 3));
      expect(keys.version(tenant)).toBe(menuKeys.version(tenant));
    }
  });

  it('never hands one tenant the key remembered for another, nor an old version', () => {
    const keys = internedMenuKeys();
    keys.menu(tenant, storeA, 3);
    expect(keys.menu('another-tenant', storeA, 3)).toBe(menuKeys.menu('another-tenant', storeA, 3));
    expect(keys.menu(tenant, storeA, 4)).toBe(menuKeys.menu(tenant, storeA, 4));
    expect(keys.menu(tenant, storeA, 3)).toBe(menuKeys.menu(tenant, storeA, 3));
  });

  it('still gives the right keys once it has forgotten the ones past its size', () => {
    const keys = internedMenuKeys(2);
    for (const store of [storeA, storeB, itemId]) keys.menu(tenant, store, 1);
    for (const t of ['t1', 't2', 't3']) keys.version(t);
    expect(keys.menu(tenant, storeA, 1)).toBe(menuKeys.menu(tenant, storeA, 1));
    expect(keys.version('t1')).toBe(menuKeys.version('t1'));
  });
});

describe('the menu read path', () => {
  it('builds a menu once however many readers miss the cache at the same time', async () => {
    const { menu, state } = setup();
    const results = await Promise.all(Array.from({ length: 25 }, () => menu(ctx, storeA)));
    expect(state.loads).toBe(1);
    expect(state.versionLoads).toBe(1);
    expect(new Set(results.map((r) => r.etag)).size).toBe(1);
  });

  it('serves the cached serialised document without loading again', async () => {
    const { menu, state } = setup();
    const first = await menu(ctx, storeA);
    const second = await menu(ctx, storeA);
    expect(second).toBe(first);
    expect(state.loads).toBe(1);
    expect(menuDocument.parse(JSON.parse(first.json)).catalogVersion).toBe(1);
  });

  it('caches the document as a string, its UTF-8 bytes, and brotli and gzip of them', async () => {
    const { menu } = setup();
    const entry = await menu(ctx, storeA);
    expect(entry.body.equals(Buffer.from(entry.json))).toBe(true);
    expect(brotliDecompressSync(entry.br).toString()).toBe(entry.json);
    expect(gunzipSync(entry.gzip).toString()).toBe(entry.json);
  });

  it('keeps serving the cached version until a catalog event invalidates it', async () => {
    const { menu, state, invalidate } = setup();
    const before = await menu(ctx, storeA);
    state.version = 2;
    state.priceMinor = 950;
    expect((await menu(ctx, storeA)).etag).toBe(before.etag);

    await invalidate.catalogChanged(tenant);
    const after = await menu(ctx, storeA);
    expect(after.etag).not.toBe(before.etag);
    expect(JSON.parse(after.json).uncategorized[0].variants[0].priceMinor).toBe(950);
  });

  it('gives each store its own entry and tag', async () => {
    const { menu, state } = setup();
    const a = await menu(ctx, storeA);
    const b = await menu(ctx, storeB);
    expect(state.loads).toBe(2);
    expect(a.etag).not.toBe(b.etag);
  });

  it('rebuilds a store’s menu at the same version when the store itself changes', async () => {
    const { menu, state, invalidate } = setup();
    await menu(ctx, storeA);
    await invalidate.storeChanged(tenant, storeA);
    await menu(ctx, storeA);
    expect(state.loads).toBe(2);
  });

  it('stops serving an 86 once it runs out, with a new tag, though no write happened', async () => {
    const { menu, state, clock } = setup();
    state.until = clock.ms + 60_000;
    const during = await menu(ctx, storeA);
    expect(JSON.parse(during.json).uncategorized[0].available).toBe(false);

    clock.ms += 60_000;
    const after = await menu(ctx, storeA);
    expect(JSON.parse(after.json).uncategorized[0].available).toBe(true);
    expect(after.etag).not.toBe(during.etag);
    expect(state.loads).toBe(2);
  });

  it('refuses staff scoped to other stores, before touching the cache', async () => {
    const { menu, state } = setup();
    await expect(menu({ tenantId: tenant, actor: actor([storeB]) }, storeA)).rejects.toMatchObject({
      code: 'store-not-allowed',
    });
    expect(state.versionLoads).toBe(0);
  });
});

describe('the synchronous menu fast path', () => {
  it('has nothing before the first read and the cached entry after it', async () => {
    const { menu, cached } = setup();
    expect(cached(ctx, storeA)).toBeUndefined();
    const read = await menu(ctx, storeA);
    expect(cached(ctx, storeA)).toBe(read);
    expect(cached(ctx, storeB)).toBeUndefined();
  });

  it('stops answering once a catalog event moves the version', async () => {
    const { menu, cached, state, invalidate } = setup();
    await menu(ctx, storeA);
    state.version = 2;
    await invalidate.catalogChanged(tenant);
    expect(cached(ctx, storeA)).toBeUndefined();
    expect(JSON.parse((await menu(ctx, storeA)).json).catalogVersion).toBe(2);
  });

  it('stops answering when an 86 in the cached menu runs out', async () => {
    const { menu, cached, state, clock } = setup();
    state.until = clock.ms + 60_000;
    await menu(ctx, storeA);
    expect(cached(ctx, storeA)).toBeDefined();
    clock.ms += 60_000;
    expect(cached(ctx, storeA)).toBeUndefined();
  });

  it('refuses staff scoped to other stores even when the menu is cached', async () => {
    const { menu, cached } = setup();
    await menu(ctx, storeA);
    expect(() => cached({ tenantId: tenant, actor: actor([storeB]) }, storeA)).toThrow(
      expect.objectContaining({ code: 'store-not-allowed' }),
    );
  });
});

describe('the quote index of a cached menu', () => {
  it('is built with the entry, and rebuilt alike from the JSON of an entry from elsewhere', async () => {
    const { menu } = setup();
    const entry = await menu(ctx, storeA);
    expect(menuQuotes(entry)).toBe(menuQuotes(entry));
    const copy = { ...entry };
    expect(quoteFromMenu(menuQuotes(copy), variantId, [])).toEqual(
      quoteFromMenu(menuQuotes(entry), variantId, []),
    );
    expect(quoteFromMenu(menuQuotes(copy), variantId, [])).toMatchObject({
      ok: true,
      quote: { itemId, variantPriceMinor: 900 },
    });
  });
});

describe('catalog writes and the cached version', () => {
  function writes() {
    const cache = lruCache();
    const key = menuKeys.version(tenant);
    const seen: (number | undefined)[] = [];
    const inner: CatalogStore = {
      read: (_tenant, fn) => fn({} as CatalogRepository),
      async write(_tenant, fn) {
        const result = await fn({} as CatalogRepository);
        // Still inside the transaction: the old version must stay until it commits.
        seen.push(cache.peek<number>(key));
        return result;
      },
    };
    const warnings: unknown[] = [];
    const logger = { warn: (obj: unknown) => void warnings.push(obj) } as Pick<Logger, 'warn'>;
    return {
      cache,
      key,
      seen,
      warnings,
      inner,
      logger,
      store: invalidatingWrites(inner, cache, logger),
    };
  }

  it('drops the tenant’s cached version once a write has committed, not before', async () => {
    const { cache, key, seen, store } = writes();
    await cache.set(key, 4);
    await cache.set(menuKeys.version('another-tenant'), 9);
    expect(await store.write(tenant, () => Promise.resolve('done'))).toBe('done');
    expect(seen).toEqual([4]);
    expect(cache.peek(key)).toBeUndefined();
    expect(cache.peek(menuKeys.version('another-tenant'))).toBe(9);
  });

  it('keeps it when a write fails, and on reads', async () => {
    const { cache, key, store } = writes();
    await cache.set(key, 4);
    await expect(store.write(tenant, () => Promise.reject(new Error('conflict')))).rejects.toThrow(
      'conflict',
    );
    expect(await store.read(tenant, () => Promise.resolve(1))).toBe(1);
    expect(cache.peek(key)).toBe(4);
  });

  it('reports a committed write as done even when the cache cannot drop the version', async () => {
    const { cache, inner, logger, warnings } = writes();
    const failing = { ...cache, delete: () => Promise.reject(new Error('cache down')) };
    const store = invalidatingWrites(inner, failing, logger);
    expect(await store.write(tenant, () => Promise.resolve('done'))).toBe('done');
    expect(warnings).toEqual([
      expect.objectContaining({ key: menuKeys.version(tenant), err: expect.any(Error) }),
    ]);
  });
});
