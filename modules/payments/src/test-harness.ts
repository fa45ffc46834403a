// Support for payments' own tests: the module on a real database (PGlite in
// memory or a PostgreSQL URL) and a real card processor (the sandbox the test
// starts), with in-memory access tokens that serve both as bearer tokens and
// as refund approvals, store-ops' drawers in memory, and a clock the test
// moves. Not used by production code.
import { asc } from 'drizzle-orm';
import {
  auditTrail,
  DomainError,
  createHttpApp,
  createLogger,
  inProcessEventBus,
  newId,
  openDatabase,
  type Actor,
  type Authenticator,
  type CallContext,
  type CallPolicyOptions,
  type Database,
  type EventEnvelope,
  type Principal,
  type StratumApp,
} from '@stratum/platform';
import type { DrawerSessionView, StoreOpsApi, StoreView } from '@stratum/store-ops/contract';
import { paymentsPermissions, type TakePaymentInput } from './contract.ts';
import {
  createPaymentsModule,
  httpCardProcessor,
  paymentsManifest,
  type PaymentsModule,
  type PaymentsOptions,
} from './index.ts';
import type { Approvals, PaymentRepository } from './application/ports.ts';
import { decideAll } from './application/stream.ts';
import { initialPayment } from './domain/payment.ts';
import { projectPayment } from './domain/projection.ts';
import { openingCommands, takeRequest } from './domain/take.ts';
import { pgPaymentStore } from './adapters/postgres/store.ts';
import { auditLog, outbox } from './adapters/postgres/schema.ts';

export type Role = 'owner' | 'manager' | 'cashier' | 'kitchen';

const permissionsOf = (role: Role) =>
  Object.entries(paymentsPermissions)
    .filter(([, roles]) => (roles as readonly string[]).includes(role))
    .map(([permission]) => permission);

const invalidToken = () =>
  new DomainError('invalid-token', 'The access token is not valid.', 'unauthenticated');

/**
 * Access tokens in memory: `issue` hands out an opaque token for a user of a
 * tenant; the authenticator and the Approvals port both accept it, the
 * approvals only within the token's own tenant (as the real ones must).
 */
export function inMemoryTokens() {
  const tokens = new Map<string, Principal>();
  const authenticator: Authenticator = {
    authenticate(bearer) {
      const principal = tokens.get(bearer);
      return principal ? principal : Promise.reject(invalidToken());
    },
  };
  const approvals: Approvals = {
    verify(ctx, token) {
      const principal = tokens.get(token);
      if (!principal || principal.tenantId !== ctx.tenantId) return Promise.reject(invalidToken());
      return Promise.resolve(principal.actor);
    },
  };
  return {
    authenticator,
    approvals,
    issue(tenantId: string, role: Role, stores: string[] = ['*']): string {
      const actor: Actor = {
        kind: 'user',
        id: `${role}-${newId()}`,
        roles: [role],
        permissions: permissionsOf(role),
        stores,
      };
      const token = `token-${newId()}`;
      tokens.set(token, { tenantId, actor });
      return token;
    },
    principal(token: string): Principal {
      const principal = tokens.get(token);
      if (!principal) throw new Error('unknown token');
      return principal;
    },
  };
}

/**
 * Store-ops as payments calls it: every till's drawer is open until the test
 * closes it, a store exists once the test adds it to a tenant, and
 * store-ops' own refusals say so otherwise.
 */
export function inMemoryStoreOps() {
  const closed = new Set<string>();
  const asked: string[] = [];
  const stores = new Map<string, StoreView>();
  const storeKey = (tenantId: string, storeId: string) => `${tenantId}:${storeId}`;
  const api: Pick<StoreOpsApi, 'currentDrawer' | 'getStore'> = {
    getStore(ctx, storeId) {
      const store = stores.get(storeKey(ctx.tenantId, storeId));
      return store
        ? Promise.resolve(store)
        : Promise.reject(new DomainError('store-not-found', 'No such store.', 'not-found'));
    },
    currentDrawer(ctx, registerId) {
      asked.push(registerId);
      if (closed.has(registerId)) {
        return Promise.reject(
          new DomainError(
            'drawer-not-open',
            'The register has no open drawer session.',
            'conflict',
          ),
        );
      }
      const session: DrawerSessionView = {
        id: newId(),
        storeId: newId(),
        registerId,
        status: 'open',
        currency: 'EUR',
        openingFloatMinor: 0,
        openedBy: ctx.actor.id,
        openedAt: new Date(0).toISOString(),
        closedBy: null,
        closedAt: null,
      };
      return Promise.resolve(session);
    },
  };
  return {
    api,
    /** Adds a store (a new one unless named) to the tenant, and says its id. */
    addStore(tenantId: string, storeId: string = newId()): string {
      stores.set(storeKey(tenantId, storeId), {
        id: storeId,
        name: `Store ${storeId.slice(-4)}`,
        timezone: 'Europe/Vienna',
        currency: 'EUR',
        address: null,
        taxInclusive: true,
        taxRounding: 'per-line',
        oversellPolicy: 'block',
        status: 'active',
        createdAt: new Date(0).toISOString(),
      });
      return storeId;
    },
    archiveStore(tenantId: string, storeId: string): void {
      const store = stores.get(storeKey(tenantId, storeId));
      if (!store) throw new Error('no such store');
      stores.set(storeKey(tenantId, storeId), { ...store, status: 'archived' });
    },
    closeDrawer: (registerId: string) => void closed.add(registerId),
    openDrawer: (registerId: string) => void closed.delete(registerId),
    /** The registers whose drawer payments asked about, in order. */
    drawersAsked: () => [...asked],
  };
}

export interface Harness {
  module: PaymentsModule;
  api: PaymentsModule['api'];
  database: Database;
  tokens: ReturnType<typeof inMemoryTokens>;
  storeOps: ReturnType<typeof inMemoryStoreOps>;
  clock: { now(): Date; advance(ms: number): void };
  /** A call context for a new user of `tenantId` with one role, in every store by default. */
  ctx(tenantId: string, role?: Role, stores?: string[]): CallContext;
  /** The call context behind a token the harness issued. */
  ctxOf(token: string): CallContext;
  /** Runs `fn` on payments' repository in one transaction of the context's tenant. */
  repo<T>(ctx: CallContext, fn: (repo: PaymentRepository) => Promise<T>): Promise<T>;
  /** Events payments wrote to its outbox for a tenant, oldest first. */
  events(tenantId: string, type?: string): Promise<EventEnvelope<Record<string, unknown>>[]>;
  audit(tenantId: string): Promise<(typeof auditLog.$inferSelect)[]>;
  /** A Fastify app with payments' routes, authenticating the harness's tokens. */
  http(): Promise<StratumApp>;
  close(): Promise<void>;
}

/** Short timeouts and retries: the sandbox answers in milliseconds unless told not to. */
export const quickPolicy: CallPolicyOptions = {
  attemptTimeoutMs: 2_000,
  deadlineMs: 5_000,
  retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 50 },
  breaker: { consecutiveFailures: 50, halfOpenAfterMs: 1_000 },
  bulkhead: { maxConcurrent: 32, maxQueued: 64 },
};

/**
 * The module on in-memory PGlite, or on `options.postgres` (a throw-away
 * PostgreSQL database, dropped by `close`), against the processor at
 * `options.processor`.
 */
export async function paymentsHarness(options: {
  processor: { url: string; apiKey: string };
  postgres?: { url: string; drop(): Promise<void> };
  poolSize?: number;
  policy?: CallPolicyOptions;
  module?: Omit<PaymentsOptions, 'clock'>;
}): Promise<Harness> {
  const logger = createLogger({ level: 'silent' });
  const { postgres } = options;
  const { database } = await openDatabase(
    postgres ? { url: postgres.url, poolSize: options.poolSize ?? 10 } : { dataDir: ':memory:' },
    [paymentsManifest.migrations],
  );
  let now = Date.parse('2026-11-24T09:00:00.000Z');
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const tokens = inMemoryTokens();
  const storeOps = inMemoryStoreOps();
  const module = createPaymentsModule({
    database,
    bus: inProcessEventBus(logger),
    logger,
    wakeRelay: () => {},
    processor: httpCardProcessor({
      baseUrl: options.processor.url,
      apiKey: options.processor.apiKey,
      policy: options.policy ?? quickPolicy,
    }),
    approvals: tokens.approvals,
    storeOps: storeOps.api,
    options: { ...options.module, clock },
  });
  const store = pgPaymentStore(database, () => {});
  const apps: StratumApp[] = [];
  const ctxOf = (token: string): CallContext => {
    const { tenantId, actor } = tokens.principal(token);
    return { tenantId, actor };
  };
  return {
    module,
    api: module.api,
    database,
    tokens,
    storeOps,
    clock,
    ctx: (tenantId, role = 'manager', stores = ['*']) =>
      ctxOf(tokens.issue(tenantId, role, stores)),
    ctxOf,
    repo: (ctx, fn) => store.inTenant(ctx, fn),
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
      await app.ready();
      apps.push(app);
      return app;
    },
    async close() {
      for (const app of apps) await app.close();
      await database.close();
      await postgres?.drop();
    },
  };
}

export const freshTenant = () => newId();

/** Sandbox test cards (docs/card-processor.md). */
export const cards = {
  approved: '4242424242424242',
  insufficientFunds: '4000000000009995',
  invalid: '4242424242424241',
} as const;

/** A card sale of `amount` in a store, with a new payment and order id, at a till of its own. */
export const cardSale = (storeId: string, amount = 2_500, extra: Partial<TakePaymentInput> = {}) =>
  ({
    paymentId: newId(),
    orderId: newId(),
    storeId,
    registerId: newId(),
    currency: 'EUR',
    amount,
    tender: { kind: 'card', card: { number: cards.approved } },
    ...extra,
  }) satisfies TakePaymentInput;

/** A cash sale of `amount` paid with `given`, at a till of its own. */
export const cashSale = (storeId: string, amount: number, given: number) =>
  ({
    paymentId: newId(),
    orderId: newId(),
    storeId,
    registerId: newId(),
    currency: 'EUR',
    amount,
    tender: { kind: 'cash', given },
  }) satisfies TakePaymentInput;

/**
 * What a crash leaves behind: the take flow committed the authorization
 * request of a 3 000 card sale and died before it could record the
 * processor's answer (or before it called at all, when `processorDid` is
 * 'nothing'). The processor is called directly, as the dead process did.
 */
export async function crashedCardPayment(
  h: Harness,
  processor: { url: string; apiKey: string },
  processorDid: 'authorize' | 'authorize-and-capture' | 'nothing',
  tenant: string = newId(),
) {
  const ctx = h.ctx(tenant, 'cashier');
  const input = cardSale(newId(), 3_000);
  const events = decideAll(initialPayment, openingCommands(takeRequest(input)), {
    actor: { id: ctx.actor.id, roles: ctx.actor.roles, stores: ctx.actor.stores },
    refundLimit: 0,
  });
  await h.repo(ctx, (repo) =>
    repo.append(input.paymentId, 0, events, projectPayment(events)!, {
      at: h.clock.now(),
      actorId: ctx.actor.id,
    }),
  );
  let processorRef: string | undefined;
  if (processorDid !== 'nothing') {
    const direct = httpCardProcessor({ baseUrl: processor.url, apiKey: processor.apiKey });
    const result = await direct.authorize({
      amount: 3_000,
      currency: 'EUR',
      card: { number: cards.approved },
      capture: processorDid === 'authorize-and-capture',
      reference: input.paymentId,
      idempotencyKey: `${input.paymentId}:authorize`,
    });
    if (result.outcome !== 'approved') throw new Error('expected an approval');
    processorRef = result.payment.id;
  }
  return { tenant, ctx, input, processorRef };
}
