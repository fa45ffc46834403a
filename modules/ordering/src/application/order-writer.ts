import { DomainError, together, type CallContext } from '@stratum/platform';
import { raise, type CommandOptions, type OrderView } from '../contract.ts';
import { decide } from '../domain/order.ts';
import type { OrderEvent } from '../domain/order-events.ts';
import type { Order, OrderCommand } from '../domain/order-types.ts';
import { canActInStore } from '../domain/stores.ts';
import type { OrderRecord, OrderingDeps, OrderingRepository } from './ports.ts';
import { toOrderView } from './views.ts';

/** Refuses a caller whose session is limited to other stores. */
export function assertStoreAccess(ctx: CallContext, storeId: string): void {
  if (!canActInStore(ctx.actor.stores, storeId)) {
    raise('store-not-allowed', 'You may not act in this store.');
  }
}

/** Refuses a register of another store than `storeId` (`register-not-in-store`). */
export async function assertRegisterOf(
  deps: Pick<OrderingDeps, 'registers'>,
  ctx: CallContext,
  registerId: string,
  storeId: string,
): Promise<void> {
  const registerStore = await deps.registers.storeOf(ctx, registerId);
  if (registerStore !== storeId) {
    raise('register-not-in-store', 'The register belongs to another store.', {
      registerId,
      storeId,
    });
  }
}

export const isConcurrencyConflict = (err: unknown): boolean =>
  err instanceof DomainError && err.code === 'order-concurrency-conflict';

/**
 * Runs `attempt` again when it lost a race for an order, up to
 * `deps.attempts` times. The first attempt reads the order without a lock
 * and writes under the version it read (optimistic); a retry is told so
 * (`retry`) and reads the order `FOR UPDATE`, queueing behind the writer
 * that won, so a retry cannot lose again and a hot order still makes
 * progress. A caller who pinned the version it saw (`expectedVersion`) asked
 * for a refusal instead, and gets the conflict.
 */
export async function withRetry<T>(
  deps: Pick<OrderingDeps, 'attempts'>,
  options: CommandOptions | undefined,
  attempt: (retry: boolean) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n > 1);
    } catch (err) {
      const again =
        isConcurrencyConflict(err) && options?.expectedVersion === undefined && n < deps.attempts;
      if (!again) throw err;
    }
  }
}

export async function loadOrder(
  repo: OrderingRepository,
  ctx: CallContext,
  orderId: string,
  lock = false,
): Promise<OrderRecord> {
  const order = await repo.findOrder(orderId, lock);
  if (!order) raise('order-not-found', 'No such order.', { orderId });
  assertStoreAccess(ctx, order.storeId);
  return order;
}

/** The order as stored now, in a short transaction of its own. */
export const readOrder = (deps: OrderingDeps, ctx: CallContext, orderId: string) =>
  deps.store.inTenant(ctx, (repo) => loadOrder(repo, ctx, orderId));

export interface Change {
  readonly before: OrderRecord;
  readonly after: OrderRecord;
  readonly events: readonly OrderEvent[];
}

export interface ApplyOptions<T> {
  expectedVersion?: number | undefined;
  /** Read the order `FOR UPDATE` (a retry after a lost race). */
  lock?: boolean;
  /** The order as this transaction already read it (`FOR UPDATE`): not read again. */
  loaded?: OrderRecord;
  /** What else the change does in the same transaction: tickets, audit, outbox. */
  effects?: (repo: OrderingRepository, change: Change) => Promise<T>;
  /**
   * Commands decided on the outcome of the first, written with it as one
   * change (the pivot pays the order and fires its courses in one write).
   */
  andThen?: (order: Order) => readonly OrderCommand[];
  /**
   * The change's statements are the transaction's last: the commit leaves with
   * them (`repo.lastly`). Only for an order read `FOR UPDATE` (`loaded`
   * locked, or `lock`), so that the version check cannot miss, and effects
   * whose refusals are failing statements.
   */
  last?: boolean;
}

/** Commands that leave the amounts alone keep a split bill; any other change clears it. */
const keepsSplit = new Set<OrderCommand['type']>([
  'hold-for-checkout',
  'release-checkout',
  'fire-course',
  'pay-part',
  'pay',
  'close',
  'void',
]);

/** A change decided but not yet written (`prepareCommand`). */
export interface PreparedChange<T> {
  /** The order as the change leaves it, or as it was when nothing changes. */
  readonly record: OrderRecord;
  /**
   * Starts every statement of the change before it returns (so the caller
   * may send them with others, or with the commit) and settles with the
   * effects' result; absent when the command changes nothing.
   */
  readonly write?: () => Promise<T | undefined>;
}

/**
 * Decides a command against the order inside the caller's transaction, and
 * leaves the writing to the caller: the new state under the version it was
 * decided on, the domain events numbered after it, and the effects, all sent
 * together. `commandFor` sees the order as read in this transaction; null
 * means there is nothing to do.
 */
export async function prepareCommand<T = undefined>(
  repo: OrderingRepository,
  ctx: CallContext,
  orderId: string,
  now: Date,
  commandFor: (order: OrderRecord) => OrderCommand | null,
  options: ApplyOptions<T> = {},
): Promise<PreparedChange<T>> {
  const before = options.loaded ?? (await loadOrder(repo, ctx, orderId, options.lock));
  if (options.expectedVersion !== undefined && before.version !== options.expectedVersion) {
    raise('order-concurrency-conflict', 'The order changed since you read it.', {
      expectedVersion: options.expectedVersion,
      version: before.version,
    });
  }
  const command = commandFor(before);
  if (!command) return { record: before };
  const first = decide(before.state, command, now);
  let { state } = first;
  const events = [...first.events];
  let keeps = keepsSplit.has(command.type);
  for (const then of first.events.length > 0 ? (options.andThen?.(state) ?? []) : []) {
    const next = decide(state, then, now);
    state = next.state;
    events.push(...next.events);
    keeps &&= keepsSplit.has(then.type);
  }
  if (events.length === 0) return { record: before };
  const after: OrderRecord = {
    ...before,
    status: state.status,
    state,
    split: keeps ? before.split : null,
    version: before.version + events.length,
    updatedAt: now,
  };
  // Sent together: a lost race is reported as such, not as what the events then hit.
  const write = () =>
    together([
      repo.updateOrder(after, before.version).then((updated) => {
        if (!updated) {
          raise('order-concurrency-conflict', 'The order changed while this change was made.', {
            version: before.version,
          });
        }
      }),
      repo.appendEvents(orderId, before.version, events, ctx.actor.id),
      options.effects?.(repo, { before, after, events }),
    ]).then(([, , result]) => result);
  return { record: after, write };
}

/** `prepareCommand`, written at once: the order as changed and the effects' result. */
export async function applyCommand<T = undefined>(
  repo: OrderingRepository,
  ctx: CallContext,
  orderId: string,
  now: Date,
  commandFor: (order: OrderRecord) => OrderCommand | null,
  options: ApplyOptions<T> = {},
): Promise<{ record: OrderRecord; result: T | undefined }> {
  const { record, write } = await prepareCommand(repo, ctx, orderId, now, commandFor, options);
  if (!write) return { record, result: undefined };
  const result = await (options.last ? repo.lastly(write) : write());
  return { record, result };
}

/** `applyCommand` in a transaction of its own, decided again if it loses a race. */
export async function changeOrder<T = undefined>(
  deps: OrderingDeps,
  ctx: CallContext,
  orderId: string,
  options: CommandOptions | undefined,
  commandFor: (order: OrderRecord) => OrderCommand | null,
  effects?: ApplyOptions<T>['effects'],
): Promise<{ order: OrderView; result: T | undefined }> {
  const { record, result } = await withRetry(deps, options, (retry) =>
    deps.store.inTenant(ctx, (repo) =>
      applyCommand(repo, ctx, orderId, deps.clock.now(), commandFor, {
        expectedVersion: options?.expectedVersion,
        lock: retry,
        ...(effects && { effects }),
      }),
    ),
  );
  return { order: toOrderView(record), result };
}
