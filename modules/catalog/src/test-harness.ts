// Support for the catalog's own tests: the module as index.ts wires it, on a
// real database (PGlite in memory or a PostgreSQL URL), with an in-memory store
// directory, a clock the test moves, and NO outbox relay: catalog events stay
// in the outbox, so whatever the cache learns, it learns from the write itself.
// Not used by production code.
import { and, eq, isNull } from 'drizzle-orm';
import {
  createHttpApp,
  createLogger,
  DomainError,
  inProcessEventBus,
  lruCache,
  newId,
  openDatabase,
  type Authenticator,
  type CallContext,
  type Database,
  type Principal,
  type StratumApp,
} from '@stratum/platform';
import type { StoreDirectory, StoreView } from '@stratum/store-ops/contract';
import { catalogPermissions, type CatalogApi } from './contract.ts';
import { catalogManifest, createCatalogModule, type CatalogModule } from './index.ts';
import { defaultSettings } from './application/deps.ts';
import { quoteFromCatalog } from './application/quote.ts';
import { pgMenuSource } from './adapters/postgres/menu-source.ts';
import { outbox } from './adapters/postgres/schema.ts';
import { pgCatalogStore } from './adapters/postgres/store.ts';
import { storeOpsStores } from './adapters/store-ops/stores.ts';

export interface Harness {
  api: CatalogModule['api'];
  /** The quote as the catalog's tables give it, on the same database and clock. */
  databaseQuote: CatalogApi['quoteLine'];
  clock: { now(): Date; advance(ms: number): void };
  /** What the module has asked of the outside since the last `reset`. */
  calls: { transactions: number; storeLookups: number; reset(): void };
  /** A fresh store of `tenantId` in the directory. */
  store(tenantId: string): string;
  /** A manager of `tenantId`, in every store unless `stores` says otherwise. */
  ctx(tenantId: string, stores?: string[]): CallContext;
  /** Catalog events of the tenant the relay has not published (here: all of them). */
  pendingEvents(tenantId: string): Promise<number>;
  /** A bearer token for a manager of `tenantId`, holding the manager's catalog permissions. */
  token(tenantId: string): string;
  /** The HTTP app with the catalog's routes, authenticating the bearers of `token`. */
  http(): Promise<StratumApp>;
  close(): Promise<void>;
}

/** Counts the module's transactions: every SQL statement it issues runs in one. */
function counting(database: Database, calls: { transactions: number }): Database {
  return {
    ...database,
    transaction(fn, options) {
      calls.transactions += 1;
      return database.transaction(fn, options);
    },
  };
}

export async function catalogHarness(
  options: { postgres?: { url: string; drop(): Promise<void> } } = {},
): Promise<Harness> {
  const logger = createLogger({ level: 'silent' });
  const { postgres } = options;
  const { database } = await openDatabase(
    postgres ? { url: postgres.url, poolSize: 4 } : { dataDir: ':memory:' },
    [catalogManifest.migrations],
  );
  let now = Date.parse('2026-06-01T10:00:00.000Z');
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const calls = {
    transactions: 0,
    storeLookups: 0,
    reset() {
      calls.transactions = 0;
      calls.storeLookups = 0;
    },
  };
  const stores = new Map<string, StoreView>();
  const directory: StoreDirectory = {
    getStore(_ctx, storeId) {
      const store = stores.get(storeId);
      if (!store) throw new DomainError('store-not-found', 'No such store.', 'not-found');
      return Promise.resolve(store);
    },
  };
  const storeDirectory: StoreDirectory = {
    getStore(ctx, storeId) {
      calls.storeLookups += 1;
      return directory.getStore(ctx, storeId);
    },
  };
  const module = createCatalogModule({
    database: counting(database, calls),
    bus: inProcessEventBus(logger),
    logger,
    wakeRelay: () => {},
    cache: lruCache(),
    storeDirectory,
    clock,
  });
  const databaseQuote = quoteFromCatalog({
    store: pgCatalogStore(database, () => {}),
    menus: pgMenuSource(database),
    stores: storeOpsStores(directory),
    cache: lruCache(),
    clock,
    settings: defaultSettings,
  });
  const principals = new Map<string, Principal>();
  const authenticator: Authenticator = {
    authenticate(bearer) {
      const principal = principals.get(bearer);
      if (principal) return principal;
      return Promise.reject(
        new DomainError('unauthenticated', 'Unknown token.', 'unauthenticated'),
      );
    },
  };
  const managerPermissions = Object.entries(catalogPermissions)
    .filter(([, roles]) => (roles as readonly string[]).includes('manager'))
    .map(([permission]) => permission);
  const apps = new Set<StratumApp>();
  return {
    api: module.api,
    databaseQuote,
    clock,
    calls,
    store(tenantId) {
      const id = newId();
      stores.set(id, {
        id,
        name: `Store ${id.slice(-4)} of ${tenantId.slice(-4)}`,
        timezone: 'Europe/Berlin',
        currency: 'EUR',
        address: null,
        taxInclusive: true,
        taxRounding: 'per-line',
        oversellPolicy: 'allow-with-alert',
        status: 'active',
        createdAt: new Date(now).toISOString(),
      });
      return id;
    },
    ctx: (tenantId, storeIds = ['*']) => ({
      tenantId,
      actor: {
        kind: 'user',
        id: `manager-of-${tenantId}`,
        roles: ['manager'],
        permissions: [],
        stores: storeIds,
      },
    }),
    async pendingEvents(tenantId) {
      const rows = await database.transaction(
        (tx) =>
          tx
            .select({ id: outbox.id })
            .from(outbox)
            .where(and(eq(outbox.tenantId, tenantId), isNull(outbox.publishedAt))),
        { tenantId },
      );
      return rows.length;
    },
    token(tenantId) {
      const token = `token-${newId()}`;
      principals.set(token, {
        tenantId,
        actor: {
          kind: 'user',
          id: `manager-of-${tenantId}`,
          roles: ['manager'],
          permissions: managerPermissions,
          stores: ['*'],
        },
      });
      return token;
    },
    async http() {
      const app = await createHttpApp({ logger, authenticator });
      await module.registerRoutes(app);
      await app.ready();
      apps.add(app);
      return app;
    },
    async close() {
      for (const app of apps) await app.close();
      await database.close();
      await postgres?.drop();
    },
  };
}
