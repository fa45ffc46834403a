// Support for store-ops' own tests: the module on a real database (PGlite in
// memory or a PostgreSQL URL) with an in-process bus and no outbox relay, a
// count of its transactions, a way to hold one open before it commits, and
// owners with a store and a till. Not used by production code.
import { expect } from 'vitest';
import type { z } from 'zod';
import {
  auditTrail,
  createLogger,
  DomainError,
  inProcessEventBus,
  lruCache,
  makeEnvelope,
  newId,
  openDatabase,
  type CallContext,
  type Database,
  type EventDefinition,
  type EventEnvelope,
  type Logger,
} from '@stratum/platform';
import type { CreateStoreInput, RegisterView, StoreView } from './contract.ts';
import { createStoreOpsModule, storeOpsManifest, type StoreOpsModule } from './index.ts';
import { auditLog } from './adapters/postgres/schema.ts';

/** An owner of `tenantId` (a fresh tenant unless given), in every store unless `stores` says otherwise. */
export const ownerOf = (tenantId: string = newId(), stores: string[] = ['*']): CallContext => ({
  tenantId,
  actor: { kind: 'user', id: newId(), roles: ['owner'], permissions: [], stores },
});

/** The error `call` fails with, thrown or rejected (fails the test if it succeeds). */
export async function refusal(call: () => Promise<unknown>): Promise<DomainError> {
  let value: unknown;
  try {
    value = await call();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** A transaction of the module held after its work, before its commit. */
export interface HeldTransaction {
  /** Resolves once the transaction has done its work and waits to commit. */
  worked: Promise<void>;
  /** Lets it commit. */
  release(): void;
}

export interface Till {
  ctx: CallContext;
  store: StoreView;
  register: RegisterView;
}

export interface Harness {
  module: StoreOpsModule;
  api: StoreOpsModule['api'];
  /** The database itself: what a test does here passes the module by, uncounted and unheld. */
  database: Database;
  /** The transactions the module has begun: every SQL statement it issues runs in one. */
  transactions(): number;
  /**
   * Holds the module's next transaction after its work, before its commit, until the test
   * releases it. On PGlite, which runs one transaction at a time, that blocks every other.
   */
  holdNext(): HeldTransaction;
  /** A store of the caller's tenant: Main street, in Paris, in euros, prices with tax, no overselling. */
  store(ctx: CallContext, input?: Partial<CreateStoreInput>): Promise<StoreView>;
  /** A fresh tenant's owner with a store and an active register in it, its drawer closed. */
  storeWithRegister(): Promise<Till>;
  /** Hands a published event to store-ops' subscription for it, as the bus would. */
  deliver<S extends z.ZodType>(
    event: EventDefinition<string, S>,
    payload: z.input<S>,
    tenantId: string,
    envelope?: EventEnvelope,
  ): Promise<EventEnvelope>;
  /** Store-ops' audit entries for a tenant, oldest first. */
  audit(tenantId: string): Promise<(typeof auditLog.$inferSelect)[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  postgres?: { url: string; drop(): Promise<void> };
  poolSize?: number;
  /** Where the module logs; nowhere unless given. */
  logger?: Logger;
}

/** The module on in-memory PGlite, or on `options.postgres` (dropped by `close`). */
export async function storeOpsHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const { postgres } = options;
  const { database } = await openDatabase(
    postgres ? { url: postgres.url, poolSize: options.poolSize ?? 4 } : { dataDir: ':memory:' },
    [storeOpsManifest.migrations],
  );
  // Every SQL statement of store-ops runs in a transaction: counting them counts its SQL work.
  let transactions = 0;
  let held: { worked(): void; release: Promise<void> } | undefined;
  const watched: Database = {
    ...database,
    transaction(fn, txOptions) {
      transactions += 1;
      const hold = held;
      held = undefined;
      if (!hold) return database.transaction(fn, txOptions);
      return database.transaction(async (tx) => {
        const result = await fn(tx);
        hold.worked();
        await hold.release;
        return result;
      }, txOptions);
    },
  };
  const module = createStoreOpsModule({
    database: watched,
    bus: inProcessEventBus(logger),
    logger,
    wakeRelay: () => {},
    cache: lruCache(),
  });
  const harness: Harness = {
    module,
    api: module.api,
    database,
    transactions: () => transactions,
    holdNext() {
      const worked = deferred();
      const release = deferred();
      held = { worked: worked.resolve, release: release.promise };
      return { worked: worked.promise, release: release.resolve };
    },
    store: (ctx, input = {}) =>
      module.api.createStore(ctx, {
        name: 'Main street',
        timezone: 'Europe/Paris',
        currency: 'EUR',
        address: null,
        taxInclusive: true,
        taxRounding: 'per-line',
        oversellPolicy: 'block',
        ...input,
      }),
    async storeWithRegister() {
      const ctx = ownerOf();
      const store = await harness.store(ctx);
      const register = await module.api.createRegister(ctx, {
        storeId: store.id,
        name: 'Till 1',
        deviceId: null,
      });
      return { ctx, store, register };
    },
    async deliver(event, payload, tenantId, envelope) {
      const message = envelope ?? makeEnvelope(event, payload, tenantId);
      const subscription = module.subscriptions?.find((s) => s.types.includes(event.type));
      if (!subscription) throw new Error(`store-ops does not subscribe to ${event.type}`);
      await subscription.handle(message);
      return message;
    },
    audit: (tenantId) => auditTrail(database, auditLog, tenantId),
    async close() {
      await database.close();
      await postgres?.drop();
    },
  };
  return harness;
}
