import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Cache, CallContext, Logger } from '@stratum/platform';
import { menuDocument, raise, type SerializedMenu } from '../contract.ts';
import { buildMenu } from '../domain/menu.ts';
import { indexMenu, type MenuQuotes } from '../domain/quote.ts';
import { assertStoreAccess, type CatalogDeps } from './deps.ts';
import type { CatalogStore } from './ports.ts';

/**
 * Cache keys carry the tenant. A menu key also carries the catalog version,
 * so a write never has to find and delete menus: it makes them unreachable.
 */
export const menuKeys = {
  version: (tenantId: string) => `catalog:version:${tenantId}`,
  menu: (tenantId: string, storeId: string, version: number) =>
    `catalog:menu:${tenantId}:${storeId}:${version}`,
};

/**
 * `menuKeys`, each built once and then reused (up to `max` of each kind). A
 * cache look-up hashes its key, and V8 keeps a string's hash with the string:
 * a key built afresh on every read is hashed afresh, which cost the hottest
 * read more than the rest of its look-ups (ADR 0010). A remembered menu key is
 * reused only for the same tenant and version.
 */
export function internedMenuKeys(max = 10_000) {
  const versions = new Map<string, string>();
  const menus = new Map<string, { tenantId: string; version: number; key: string }>();
  return {
    version(tenantId: string): string {
      let key = versions.get(tenantId);
      if (key === undefined) {
        if (versions.size >= max) versions.clear();
        key = menuKeys.version(tenantId);
        versions.set(tenantId, key);
      }
      return key;
    },
    menu(tenantId: string, storeId: string, version: number): string {
      const known = menus.get(storeId);
      if (known?.tenantId === tenantId && known.version === version) return known.key;
      if (menus.size >= max) menus.clear();
      const key = menuKeys.menu(tenantId, storeId, version);
      menus.set(storeId, { tenantId, version, key });
      return key;
    },
  };
}

export interface MenuEntry extends SerializedMenu {
  /** Epoch ms when an 86 in the document runs out; the entry is stale from then. */
  readonly validTo: number | null;
}

/**
 * A strong validator: the version it was built from, and a digest of tenant,
 * store and the exact bytes, so equal tags always mean equal bodies.
 */
export function strongEtag(tenantId: string, storeId: string, version: number, json: string) {
  const digest = createHash('sha256')
    .update(`${tenantId}\n${storeId}\n`)
    .update(json)
    .digest('base64url')
    .slice(0, 22);
  return `"${version}-${digest}"`;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * The same document in each content coding a terminal may accept, compressed
 * once per build (off the event loop) instead of once per response.
 */
async function encode(json: string): Promise<Pick<SerializedMenu, 'body' | 'br' | 'gzip'>> {
  const bytes = Buffer.from(json);
  const [br, gz] = await Promise.all([
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 6,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gzipped(bytes, { level: 9 }),
  ]);
  return { body: bytes, br, gzip: gz };
}

/** The tenant's catalog version, cached; concurrent misses share one query. */
export function catalogVersion(deps: CatalogDeps): (tenantId: string) => Promise<number> {
  return (tenantId) =>
    deps.cache.getOrLoad(
      menuKeys.version(tenantId),
      () => deps.menus.version(tenantId),
      deps.settings.versionTtlMs,
    );
}

/**
 * Each cached entry's quote index, built with the entry and dropped with it:
 * a quote looks a variant up instead of parsing the document.
 */
const quoteIndexes = new WeakMap<MenuEntry, MenuQuotes>();

/** The entry's quote index; parsed from its JSON once if the entry came from elsewhere. */
export function menuQuotes(entry: MenuEntry): MenuQuotes {
  let quotes = quoteIndexes.get(entry);
  if (!quotes) {
    quotes = indexMenu(menuDocument.parse(JSON.parse(entry.json)));
    quoteIndexes.set(entry, quotes);
  }
  return quotes;
}

/** Builds and serialises one store's menu: the work a cache miss pays for. */
export function loadMenu(deps: CatalogDeps) {
  return async (ctx: CallContext, storeId: string): Promise<MenuEntry> => {
    const store = await deps.stores.get(ctx, storeId);
    // A store that no longer trades has no menu to sell from (nor quotes for its lines).
    if (!store.active) raise('store-archived', 'The store is archived: it has no menu.');
    const snapshot = await deps.menus.snapshot(ctx.tenantId, storeId);
    const { document, validTo } = buildMenu(snapshot, store, deps.clock.now().getTime());
    const json = JSON.stringify(document);
    const etag = strongEtag(ctx.tenantId, storeId, document.catalogVersion, json);
    const entry: MenuEntry = { json, etag, ...(await encode(json)), validTo };
    quoteIndexes.set(entry, indexMenu(document));
    return entry;
  };
}

/**
 * The POS menu read path (ADR 0010): version from the cache, then the
 * serialised menu for (tenant, store, version) from the cache; only a miss
 * builds, and concurrent misses build once.
 */
export function readMenu(
  deps: CatalogDeps,
): (ctx: CallContext, storeId: string) => Promise<MenuEntry> {
  const version = catalogVersion(deps);
  const load = loadMenu(deps);
  const ttl = deps.settings.menuTtlMs;
  return async (ctx, storeId) => {
    assertStoreAccess(ctx, storeId);
    const key = menuKeys.menu(ctx.tenantId, storeId, await version(ctx.tenantId));
    const entry = await deps.cache.getOrLoad(key, () => load(ctx, storeId), ttl);
    if (entry.validTo === null || entry.validTo > deps.clock.now().getTime()) return entry;
    // An 86 ran out by itself: no write happened, so the version did not move.
    await deps.cache.delete(key);
    return deps.cache.getOrLoad(key, () => load(ctx, storeId), ttl);
  };
}

/**
 * The menu if this process already holds a fresh copy for the current
 * version, synchronously; `undefined` sends the caller down `readMenu`. The
 * HTTP route answers most requests from here without allocating a promise.
 */
export function cachedMenu(deps: CatalogDeps) {
  const keys = internedMenuKeys();
  return (ctx: CallContext, storeId: string): MenuEntry | undefined => {
    assertStoreAccess(ctx, storeId);
    const version = deps.cache.peek<number>(keys.version(ctx.tenantId));
    if (version === undefined) return undefined;
    const entry = deps.cache.peek<MenuEntry>(keys.menu(ctx.tenantId, storeId, version));
    if (!entry || (entry.validTo !== null && entry.validTo <= deps.clock.now().getTime())) {
      return undefined;
    }
    return entry;
  };
}

/** What the cache does when the catalog or a store changes (wired to bus events). */
export function menuInvalidation(deps: CatalogDeps) {
  const version = catalogVersion(deps);
  return {
    /** Any catalog event: the next read takes the tenant's new version. */
    catalogChanged: (tenantId: string) => deps.cache.delete(menuKeys.version(tenantId)),
    /** A store's currency, tax mode or zone changed: its menu at this version is stale. */
    storeChanged: async (tenantId: string, storeId: string) => {
      await deps.cache.delete(menuKeys.menu(tenantId, storeId, await version(tenantId)));
    },
  };
}

/**
 * The store with every write dropping the tenant's cached version once it has
 * committed, so the next menu read or quote of this process takes the new
 * version: a price change or an 86 applies to the very next line, not once the
 * relay has delivered catalog-changed (which still reaches other processes).
 * After the commit, not before: a reader that loaded the old version meanwhile
 * would otherwise put it back.
 */
export function invalidatingWrites(
  store: CatalogStore,
  cache: Cache,
  logger: Pick<Logger, 'warn'>,
): CatalogStore {
  return {
    read: (tenantId, fn) => store.read(tenantId, fn),
    async write(tenantId, fn) {
      const result = await store.write(tenantId, fn);
      const key = menuKeys.version(tenantId);
      // The write has committed: a cache that cannot forget must not make it
      // look failed. Its catalog-changed event and the version's TTL follow.
      await cache.delete(key).catch((err: unknown) => {
        logger.warn({ err, key }, 'could not drop the cached catalog version');
      });
      return result;
    },
  };
}
