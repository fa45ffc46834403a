// Support for ordering's own tests: the module on a real database (PGlite in
// memory or a PostgreSQL URL) with an in-memory catalog, store directory and
// token registry, a clock the test moves, the outbox relay on an in-process
// bus, and the HTTP app on demand. Not used by production code.
import { asc } from 'drizzle-orm';
import {
  auditTrail,
  createHttpApp,
  createLogger,
  createOutboxRelay,
  inProcessEventBus,
  newId,
  openDatabase,
  type CallContext,
  type Database,
  type EventEnvelope,
  type StratumApp,
} from '@stratum/platform';
import type { StoreView } from '@stratum/store-ops/contract';
import { createOrderingModule, orderingManifest, type OrderingModule } from './index.ts';
import type { Drawers } from './application/checkout/ports.ts';
import type { KitchenFeedOptions } from './adapters/http/kitchen-feed.ts';
import { auditLog, outbox } from './adapters/postgres/schema.ts';
import {
  inMemoryCatalog,
  inMemoryStoreDirectory,
  tokenRegistry,
  type CatalogItem,
  type InMemoryCatalog,
  type TokenRegistry,
} from './test-fakes.ts';

export { inMemoryCatalog, inMemoryStoreDirectory, tokenRegistry } from './test-fakes.ts';

/** Drawers that are always open: for use cases that pay out cash, where the drawer is not the point. */
export const drawersOpen: Drawers = { isOpen: () => Promise.resolve(true) };

export interface Staff {
  ctx: CallContext;
  token: string;
}

/** A business with one store, a register, its staff and a small menu. */
export interface Shop {
  tenant: string;
  store: StoreView;
  storeId: string;
  registerId: string;
  cashier: Staff;
  manager: Staff;
  kitchen: Staff;
  menu: {
    /** Grill, 9.00, options Cheese (+1.00) and Bacon (+1.50). */
    burger: CatalogItem;
    /** Grill, 3.50. */
    fries: CatalogItem;
    /** Kitchen, 5.50. */
    soup: CatalogItem;
    /** Bar, 3.00, 19 % exclusive. */
    cola: CatalogItem;
    /** No station: handed over at the till, 2.00. */
    water: CatalogItem;
  };
}

export interface Harness {
  module: OrderingModule;
  api: OrderingModule['api'];
  database: Database;
  catalog: InMemoryCatalog;
  stores: ReturnType<typeof inMemoryStoreDirectory>;
  tokens: TokenRegistry;
  clock: { now(): Date; advance(ms: number): void };
  /** A fresh business: store, register, cashier, manager, kitchen and menu. */
  shop(store?: Partial<StoreView>): Shop;
  /** Events ordering wrote to its outbox for a tenant, oldest first. */
  events(tenantId: string, type?: string): Promise<EventEnvelope<Record<string, unknown>>[]>;
  audit(tenantId: string): Promise<(typeof auditLog.$inferSelect)[]>;
  /** The HTTP app with ordering's routes, authenticating the registry's tokens. */
  http(): Promise<StratumApp>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  postgres?: { url: string; drop(): Promise<void> };
  poolSize?: number;
  attempts?: number;
  kitchenFeed?: KitchenFeedOptions;
}

/** The module on in-memory PGlite, or on `options.postgres` (dropped by `close`). */
export async function orderingHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = createLogger({ level: 'silent' });
  const { postgres } = options;
  const { database } = await openDatabase(
    postgres ? { url: postgres.url, poolSize: options.poolSize ?? 10 } : { dataDir: ':memory:' },
    [orderingManifest.migrations],
  );
  let now = Date.parse('2026-11-22T11:00:00.000Z');
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const catalog = inMemoryCatalog();
  const stores = inMemoryStoreDirectory();
  const tokens = tokenRegistry();
  const bus = inProcessEventBus(logger);
  const relayRef: { wake?: () => void } = {};
  const module = createOrderingModule({
    database,
    bus,
    logger,
    wakeRelay: () => relayRef.wake?.(),
    catalog,
    storeDirectory: stores,
    approvals: tokens.approvals,
    clock,
    ...(options.attempts !== undefined && { attempts: options.attempts }),
    ...(options.kitchenFeed && { kitchenFeed: options.kitchenFeed }),
  });
  const relay = createOutboxRelay({
    database,
    bus,
    logger,
    pollIntervalMs: 50,
    outboxes: [{ module: 'ordering', table: outbox }],
  });
  relayRef.wake = () => relay.wake();
  for (const s of module.subscriptions ?? []) bus.subscribe(s);
  relay.start();
  const apps = new Set<StratumApp>();

  const harness: Harness = {
    module,
    api: module.api,
    database,
    catalog,
    stores,
    tokens,
    clock,
    shop(overrides = {}) {
      const tenant = newId();
      const store = stores.add(overrides);
      return {
        tenant,
        store,
        storeId: store.id,
        registerId: stores.addRegister(store.id),
        cashier: tokens.user(tenant, ['cashier']),
        manager: tokens.user(tenant, ['manager']),
        kitchen: tokens.user(tenant, ['kitchen']),
        menu: {
          burger: catalog.add({
            name: 'Burger',
            variant: 'Classic',
            price: 900,
            station: 'grill',
            options: [
              { name: 'Cheese', delta: 100 },
              { name: 'Bacon', delta: 150 },
            ],
          }),
          fries: catalog.add({ name: 'Fries', price: 350, station: 'grill' }),
          soup: catalog.add({ name: 'Soup', variant: 'Bowl', price: 550, station: 'kitchen' }),
          cola: catalog.add({
            name: 'Cola',
            variant: '0.33 l',
            price: 300,
            station: 'bar',
            taxes: [{ bps: 1900, inclusive: false }],
          }),
          water: catalog.add({ name: 'Water', price: 200, station: null }),
        },
      };
    },
    async events(tenantId, type) {
      const rows = await database.transaction(
        (tx) => tx.select().from(outbox).orderBy(asc(outbox.id)),
        { tenantId },
      );
      return rows
        .filter((r) => type === undefined || r.type === type)
        .map((r) => r.envelope as EventEnvelope<Record<string, unknown>>);
    },
    audit: (tenantId) => auditTrail(database, auditLog, tenantId),
    async http() {
      const app = await createHttpApp({ logger, authenticator: tokens.authenticator });
      await module.registerRoutes(app);
      // A test may close an app itself; closing it twice would never resolve.
      app.addHook('onClose', (_instance, done) => {
        apps.delete(app);
        done();
      });
      await app.ready();
      apps.add(app);
      return app;
    },
    async close() {
      for (const app of [...apps]) await app.close();
      await relay.drain(1000);
      await bus.close();
      await database.close();
      await postgres?.drop();
    },
  };
  return harness;
}
