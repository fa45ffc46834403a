import { DomainError, together, type CallContext } from '@stratum/platform';
import { raise } from '../contract.ts';
import {
  decide,
  initialPayment,
  evolve,
  type DecideContext,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
} from '../domain/payment.ts';
import { projectEvent, type PaymentView as Projection } from '../domain/projection.ts';
import { canActInStore } from '../domain/stores.ts';
import type { PaymentRepository, PaymentsDeps, StoredEvent } from './ports.ts';
import { announce } from './announce.ts';

/** A payment's stream as read, folded into its decision state and its view. */
export interface Loaded {
  readonly paymentId: string;
  readonly events: readonly StoredEvent[];
  readonly state: PaymentState;
  readonly view: Projection | null;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
}

export function fold(paymentId: string, events: readonly StoredEvent[]): Loaded {
  let state = initialPayment;
  let view: Projection | null = null;
  for (const { event } of events) {
    state = evolve(state, event);
    view = projectEvent(view, event);
  }
  return {
    paymentId,
    events,
    state,
    view,
    createdAt: events[0]?.occurredAt ?? null,
    updatedAt: events.at(-1)?.occurredAt ?? null,
  };
}

/** The actor as the refund rules see them. */
export const principalOf = (ctx: CallContext) => ({
  id: ctx.actor.id,
  roles: ctx.actor.roles,
  stores: ctx.actor.stores,
});

/** Applies commands in order, each decided on the state the previous ones led to. */
export function decideAll(
  state: PaymentState,
  commands: readonly PaymentCommand[],
  context: DecideContext,
): PaymentEvent[] {
  const events: PaymentEvent[] = [];
  let current = state;
  for (const command of commands) {
    for (const event of decide(current, command, context)) {
      current = evolve(current, event);
      events.push(event);
    }
  }
  return events;
}

export function assertStoreAccess(ctx: CallContext, storeId: string): void {
  if (!canActInStore(ctx.actor.stores, storeId)) {
    raise('store-not-allowed', 'You may not act in this store.');
  }
}

/** Reads a payment's stream in a short transaction of its own. */
export async function load(
  deps: PaymentsDeps,
  ctx: CallContext,
  paymentId: string,
): Promise<Loaded> {
  const events = await deps.store.inTenant(ctx, (repo) => repo.readStream(paymentId));
  return fold(paymentId, events);
}

/** A payment that exists and that the caller may see. */
export async function loadExisting(
  deps: PaymentsDeps,
  ctx: CallContext,
  paymentId: string,
): Promise<Loaded & { view: Projection }> {
  const loaded = await load(deps, ctx, paymentId);
  if (!loaded.view) raise('payment-not-found', 'No such payment.');
  assertStoreAccess(ctx, loaded.view.storeId);
  return { ...loaded, view: loaded.view };
}

const isConflict = (error: unknown) =>
  error instanceof DomainError && error.code === 'payment-concurrency-conflict';

/**
 * Reads the stream, decides and appends in ONE transaction: the events, the
 * projection, the outbox messages and the audit entries commit together.
 *
 * Optimistic concurrency: the append names the version it continues, and
 * `unique(stream_id, version)` refuses a second writer of the same version.
 * The loser's transaction is rolled back and its decision is made once more
 * on a fresh read (where, typically, there is nothing left to do); a second
 * conflict is reported as `payment-concurrency-conflict`. `decision` may
 * return no events: the stream then stays as it is.
 *
 * The append and what it announces are the transaction's last statements, and
 * on PostgreSQL its commit leaves with them (`lastly`, ADR 0016): a refusal
 * there is a failing statement, which turns the commit into a rollback, and
 * every retry runs in a new transaction.
 *
 * Nothing here waits on the network: callers talk to the processor between
 * two `write`s, never inside one (PGlite has a single connection, and a
 * transaction held across an HTTP call would stall every other request).
 */
export async function write(
  deps: PaymentsDeps,
  ctx: CallContext,
  paymentId: string,
  decision: (current: Loaded, repo: PaymentRepository) => PaymentEvent[] | Promise<PaymentEvent[]>,
  /**
   * The stream as this caller last wrote or read it: the first attempt
   * decides on it without reading the stream again, and a writer that got in
   * between makes the append conflict, so the decision is made once more on
   * a fresh read. A new payment passes its empty stream.
   */
  known?: Loaded,
): Promise<Loaded> {
  const attempt = (assumed?: Loaded) =>
    deps.store.inTenant(ctx, async (repo) => {
      const current = assumed ?? fold(paymentId, await repo.readStream(paymentId));
      const events = await decision(current, repo);
      if (events.length === 0) return current;
      const at = deps.clock.now();
      const views: Projection[] = [];
      for (const event of events) views.push(projectEvent(views.at(-1) ?? current.view, event));
      // The till is set by the stream's first event and never changes.
      const opened = events.reduce(evolve, current.state);
      const registerId = (opened.authorization ?? opened.request)?.registerId ?? null;
      // The last statements: the commit leaves with them. Nothing is decided from their
      // answers: a writer that took the version first fails the events' insert, a projection
      // out of step fails its update, and either rolls the attempt back before the next one
      // reads the stream afresh, in a transaction of its own.
      await repo.lastly(() =>
        together([
          repo.append(paymentId, current.state.version, events, views.at(-1)!, {
            at,
            actorId: ctx.actor.id,
          }),
          ...events.map((event, i) =>
            announce(repo, ctx, {
              paymentId,
              event,
              before: i === 0 ? current.view : views[i - 1]!,
              after: views[i]!,
              registerId,
            }),
          ),
        ]),
      );
      const stored = events.map((event) => ({ event, occurredAt: at, actorId: ctx.actor.id }));
      return fold(paymentId, [...current.events, ...stored]);
    });
  if (known) {
    try {
      return await attempt(known);
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
  try {
    return await attempt();
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  try {
    return await attempt();
  } catch (error) {
    if (!isConflict(error)) throw error;
    // Still nothing visible after losing twice at version 1: the id is another tenant's.
    const again = await load(deps, ctx, paymentId);
    if (again.state.version === 0) raise('payment-id-reused', 'This payment id is taken.');
    throw error;
  }
}
