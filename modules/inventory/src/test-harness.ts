// Support for inventory's own tests: the module on a real database (PGlite in
// memory or a PostgreSQL URL), with an in-memory StorePolicies and a clock the
// test moves. Not used by production code.
import { asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import {
  createLogger,
  inProcessEventBus,
  makeEnvelope,
  newId,
  openDatabase,
  type CallContext,
  type Database,
  type EventDefinition,
  type EventEnvelope,
} from '@stratum/platform';
import { catalogEvents } from '@stratum/catalog/contract';
import { raise, type OversellPolicy } from './contract.ts';
import { buildInventoryModule, inventoryManifest, type InventoryModule } from './index.ts';
import type { StoreInfo, StorePolicies } from './application/ports.ts';
import { auditLog, outbox } from './adapters/postgres/schema.ts';

/** The StorePolicies port in memory: stores are whatever the test puts in. */
export function inMemoryStorePolicies(): StorePolicies & {
  set(storeId: string, policy: OversellPolicy, active?: boolean): void;
} {
  const stores = new Map<string, StoreInfo>();
  return {
    set: (storeId, policy, active = true) => stores.set(storeId, { policy, active }),
    get(_ctx, storeId) {
      const store = stores.get(storeId);
      if (!store) raise('store-not-found', 'No such store.');
      return Promise.resolve(store);
    },
  };
}

export interface Harness {
  module: InventoryModule;
  api: InventoryModule['api'];
  database: Database;
  stores: ReturnType<typeof inMemoryStorePolicies>;
  clock: { now(): Date; advance(ms: number): void };
  /** A call context for a user of `tenantId`, in every store unless `stores` says otherwise. */
  ctx(tenantId: string, stores?: string[]): CallContext;
  /** Hands a catalog event to inventory's subscription for it, as the bus would. */
  deliver<S extends z.ZodType>(
    event: EventDefinition<string, S>,
    payload: z.input<S>,
    tenantId: string,
    envelope?: EventEnvelope,
  ): Promise<EventEnvelope>;
  /** Events inventory wrote to its outbox for a tenant, oldest first. */
  events(tenantId: string, type?: string): Promise<EventEnvelope<Record<string, unknown>>[]>;
  audit(tenantId: string): Promise<(typeof auditLog.$inferSelect)[]>;
  /** Registers a one-variant catalog item through the catalog event; returns the variant id. */
  item(
    tenantId: string,
    kind: 'menu' | 'retail' | 'ingredient',
    options?: { unit?: 'each' | 'g' | 'ml'; name?: string },
  ): Promise<string>;
  /** A fresh tenant with a store of the given policy and a retail item with `onHand` in it. */
  stockedStore(
    policy: OversellPolicy,
    onHand?: number,
  ): Promise<{
    tenant: string;
    store: string;
    soda: string;
    ctx: CallContext;
    level: () => ReturnType<InventoryModule['api']['getLevel']>;
  }>;
  close(): Promise<void>;
}

/**
 * The module on in-memory PGlite, or on `options.postgres` (a throw-away
 * PostgreSQL database, dropped by `close`).
 */
export async function inventoryHarness(
  options: { postgres?: { url: string; drop(): Promise<void> }; poolSize?: number } = {},
): Promise<Harness> {
  const logger = createLogger({ level: 'silent' });
  const { postgres } = options;
  const { database } = await openDatabase(
    postgres ? { url: postgres.url, poolSize: options.poolSize ?? 10 } : { dataDir: ':memory:' },
    [inventoryManifest.migrations],
  );
  let now = Date.parse('2026-11-23T09:00:00.000Z');
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const stores = inMemoryStorePolicies();
  const module = buildInventoryModule({
    database,
    bus: inProcessEventBus(logger),
    logger,
    wakeRelay: () => {},
    stores,
    clock,
  });
  const harness: Harness = {
    module,
    api: module.api,
    database,
    stores,
    clock,
    ctx: (tenantId, storeIds = ['*']) => ({
      tenantId,
      actor: {
        kind: 'user',
        id: `user-of-${tenantId}`,
        roles: ['manager'],
        permissions: [],
        stores: storeIds,
      },
    }),
    async deliver(event, payload, tenantId, envelope) {
      const message = envelope ?? makeEnvelope(event, payload, tenantId);
      const subscription = module.subscriptions?.find((s) => s.types.includes(event.type));
      if (!subscription) throw new Error(`inventory does not subscribe to ${event.type}`);
      await subscription.handle(message);
      return message;
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
    audit: (tenantId) =>
      database.transaction(
        (tx) =>
          tx
            .select()
            .from(auditLog)
            .where(eq(auditLog.tenantId, tenantId))
            .orderBy(asc(auditLog.id)),
        { tenantId },
      ),
    async item(tenantId, kind, options = {}) {
      const variantId = newId();
      await harness.deliver(
        catalogEvents.itemCreated,
        {
          itemId: newId(),
          name: options.name ?? `${kind} ${variantId.slice(-4)}`,
          kind,
          unit: options.unit ?? 'each',
          categoryId: null,
          variants: [{ variantId, name: 'Regular', sku: null, barcode: null, priceMinor: 100 }],
        },
        tenantId,
      );
      return variantId;
    },
    async stockedStore(policy, onHand = 10) {
      const tenant = newId();
      const store = newId();
      harness.stores.set(store, policy);
      const soda = await harness.item(tenant, 'retail');
      const ctx = harness.ctx(tenant);
      if (onHand > 0) {
        await harness.api.recordMovements(
          ctx,
          {
            storeId: store,
            kind: 'receipt',
            lines: [{ stockItemId: soda, quantity: onHand }],
          },
          newId(),
        );
      }
      const level = () => harness.api.getLevel(ctx, store, soda);
      return { tenant, store, soda, ctx, level };
    },
    async close() {
      await database.close();
      await postgres?.drop();
    },
  };
  return harness;
}

export const freshTenant = () => newId();
