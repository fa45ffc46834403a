import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import {
  compiled,
  createOutbox,
  isUniqueViolation,
  lastly,
  placeholderSet,
  placeholdersOf,
  rowsOf,
  together,
  transactionAs,
  type Database,
  type OutboxTable,
  type Tx,
  type RelayLink,
} from '@stratum/platform';
import { checkoutEvents, type CheckoutStatus } from '../../contract/checkout.ts';
import type {
  CheckoutPlan,
  CheckoutRecord,
  CheckoutStore,
  NewCheckout,
  StepDone,
} from '../../application/checkout/ports.ts';
import type { OrderingRepository } from '../../application/ports.ts';
import { orderingRepository } from './store.ts';
import { checkoutSteps, checkouts } from './checkout-schema.ts';

type Row = typeof checkouts.$inferSelect;

function recordOf(row: Row): CheckoutRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    orderId: row.orderId,
    storeId: row.storeId,
    registerId: row.registerId,
    idempotencyKey: row.idempotencyKey,
    status: row.status,
    step: row.step as CheckoutRecord['step'],
    plan: row.plan as unknown as CheckoutPlan,
    failure: row.failure as CheckoutRecord['failure'],
    attempts: row.attempts,
    leaseUntil: row.leaseUntil,
    receiptNumber: row.receiptNumber,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

/** Thrown out of a creation whose idempotency key is taken, so that its transaction rolls back. */
class KeyTaken extends Error {}

const leaseEnd = (leaseMs: number) => sql`now() + ${`${leaseMs} milliseconds`}::interval`;

// A saga's creation, compiled once (ADR 0016).
const insertCheckout = compiled<
  Omit<NewCheckout, 'plan'> & { plan: Record<string, unknown>; lease: string },
  Row[]
>((db, p) =>
  db
    .insert(checkouts)
    .values({
      ...placeholdersOf(p, [
        'id',
        'tenantId',
        'orderId',
        'storeId',
        'registerId',
        'idempotencyKey',
        'status',
        'step',
        'plan',
        'failure',
      ]),
      leaseUntil: sql`now() + ${p.lease}::interval`,
    })
    .returning(),
);
const insertStep = compiled<typeof checkoutSteps.$inferInsert, unknown>((db, p) =>
  db
    .insert(checkoutSteps)
    .values(placeholdersOf(p, ['tenantId', 'checkoutId', 'step', 'direction', 'result'])),
);

/** What varies in a saga's move besides its values: how many steps it logs, and what it sets. */
interface MoveShape {
  steps: number;
  finished: boolean;
  receipt: boolean;
  failure: boolean;
}

const moves = new Map<string, (db: Tx, values: Record<string, unknown>) => Promise<Row[]>>();

/**
 * Logs the steps done and moves the saga on, in one statement: the steps'
 * insert as a CTE of the saga's update. Compiled once per shape (ADR 0016);
 * a checkout moves three times, and building the statement each time was
 * the largest share of drizzle's work under the checkout bench.
 */
function moveStatement(shape: MoveShape) {
  const key = `${shape.steps}:${shape.finished}:${shape.receipt}:${shape.failure}`;
  let statement = moves.get(key);
  if (!statement) {
    statement = compiled<Record<string, unknown>, Row[]>((db, p) => {
      const logged =
        shape.steps > 0 &&
        db.$with('logged').as(
          db
            .insert(checkoutSteps)
            .values(
              Array.from({ length: shape.steps }, (_, i) => ({
                tenantId: p['tenantId']!,
                checkoutId: p['id']!,
                step: p[`${i}:step`]!,
                direction: p[`${i}:direction`]!,
                result: p[`${i}:result`]!,
              })),
            )
            .onConflictDoNothing(),
        );
      return (logged ? db.with(logged) : db)
        .update(checkouts)
        .set(
          placeholderSet<Row>({
            step: p['step']!,
            status: p['status']!,
            updatedAt: sql`now()`,
            leaseUntil: shape.finished ? sql`null` : sql`now() + ${p['lease']}::interval`,
            ...(shape.finished && { finishedAt: sql`now()` }),
            ...(shape.receipt && { receiptNumber: p['receiptNumber']! }),
            ...(shape.failure && { failure: p['failure']! }),
          }),
        )
        .where(eq(checkouts.id, p['id']!))
        .returning();
    });
    moves.set(key, statement);
  }
  return statement;
}

/**
 * Sagas in ordering's schema. Every write is one short transaction of the
 * saga's tenant, under RLS; the recovery worker learns which tenants have
 * lapsed sagas from a SECURITY DEFINER function and nothing more.
 */
export function pgCheckoutStore(
  database: Database,
  outbox: OutboxTable,
  wakeRelay: RelayLink,
): CheckoutStore<OrderingRepository> {
  const events = createOutbox(outbox, wakeRelay);
  const inTenant = <T>(tenantId: string, fn: (tx: Tx) => Promise<T>) =>
    database.transaction(fn, { tenantId });
  const one = async (tx: Tx, id: string) =>
    (await tx.select().from(checkouts).where(eq(checkouts.id, id)))[0];

  async function announce(tx: Tx, record: CheckoutRecord) {
    const payments = () =>
      record.plan.tenders.map((t) => ({
        paymentId: t.paymentId,
        kind: t.kind,
        amount: t.amount,
        tip: t.tip,
      }));
    if (record.status === 'completed' && record.plan.kind === 'part') {
      await events.add(
        tx,
        checkoutEvents.checkoutPartPaid,
        {
          checkoutId: record.id,
          orderId: record.orderId,
          storeId: record.storeId,
          registerId: record.registerId,
          partId: record.plan.partId ?? '',
          total: record.plan.total,
          balanceDue: record.plan.balanceAfter ?? 0,
          currency: record.plan.currency,
          payments: payments(),
        },
        record.tenantId,
      );
    } else if (record.status === 'completed') {
      await events.add(
        tx,
        checkoutEvents.checkoutCompleted,
        {
          checkoutId: record.id,
          orderId: record.orderId,
          storeId: record.storeId,
          registerId: record.registerId,
          total: record.plan.total,
          currency: record.plan.currency,
          receiptNumber: record.receiptNumber ?? 0,
          payments: payments(),
        },
        record.tenantId,
      );
    } else if (record.status === 'compensated') {
      await events.add(
        tx,
        checkoutEvents.checkoutCompensated,
        {
          checkoutId: record.id,
          orderId: record.orderId,
          storeId: record.storeId,
          code: record.failure?.code ?? 'unknown',
          step: record.failure?.step ?? 'unknown',
        },
        record.tenantId,
      );
    }
  }

  /** Logs the steps done and moves the saga on, in one statement, and announces its end. */
  async function move(
    tx: Tx,
    record: CheckoutRecord,
    done: readonly StepDone[],
    next: { step: CheckoutRecord['step']; status: CheckoutStatus },
    leaseMs: number,
    extra: { receiptNumber?: number; failure?: CheckoutRecord['failure'] },
  ): Promise<CheckoutRecord> {
    const finished = next.status === 'completed' || next.status === 'compensated';
    const receipt = extra.receiptNumber !== undefined;
    const values: Record<string, unknown> = {
      id: record.id,
      tenantId: record.tenantId,
      step: next.step,
      status: next.status,
      ...(!finished && { lease: `${leaseMs} milliseconds` }),
      ...(receipt && { receiptNumber: extra.receiptNumber }),
      ...(extra.failure && { failure: extra.failure }),
    };
    done.forEach((d, i) => {
      values[`${i}:step`] = d.step;
      values[`${i}:direction`] = d.direction;
      values[`${i}:result`] =
        d.step === 'confirm-order' && receipt ? { receiptNumber: extra.receiptNumber } : {};
    });
    const statement = moveStatement({
      steps: done.length,
      finished,
      receipt,
      failure: Boolean(extra.failure),
    });
    const moving = statement(tx, values).then(([row]) => {
      if (!row) throw new Error(`checkout ${record.id} disappeared`);
      return recordOf(row);
    });
    // The end is announced with the move, from what the move writes.
    const [moved] = await together([
      moving,
      announce(tx, {
        ...record,
        ...next,
        ...(receipt && { receiptNumber: extra.receiptNumber }),
        ...(extra.failure && { failure: extra.failure }),
      }),
    ]);
    return moved;
  }

  return {
    create: (ctx, plan, leaseMs) =>
      transactionAs(database, ctx, async (tx) => {
        const { checkout: record, write } = await plan(
          orderingRepository(tx, ctx.tenantId, wakeRelay),
        );
        // The plan's writes (the order held, read FOR UPDATE) and the saga's leave with the
        // commit. A taken key or a live checkout of the order fails the insert, and so the
        // transaction: nothing of this attempt is kept.
        const [, created] = await lastly(tx, () =>
          together([
            write?.(),
            insertCheckout(tx, {
              ...record,
              plan: record.plan as unknown as Record<string, unknown>,
              lease: `${leaseMs} milliseconds`,
            }).then(
              ([row]) => recordOf(row!),
              (err: unknown) => {
                if (
                  isUniqueViolation(err, 'checkouts_idempotency_key_idx') ||
                  isUniqueViolation(err, 'checkouts_live_order_idx')
                ) {
                  throw new KeyTaken(record.idempotencyKey);
                }
                throw err;
              },
            ),
            // The saga starts with the order placed: its plan is the order it places.
            insertStep(tx, {
              tenantId: record.tenantId,
              checkoutId: record.id,
              step: 'place',
              direction: 'forward',
              result: {},
            }),
          ]),
        );
        return created;
      }).catch((err: unknown) => {
        if (err instanceof KeyTaken) return undefined;
        throw err;
      }),

    get: (tenantId, id) =>
      inTenant(tenantId, async (tx) => {
        const row = await one(tx, id);
        return row && recordOf(row);
      }),

    byKey: (tenantId, key) =>
      inTenant(tenantId, async (tx) => {
        const [row] = await tx
          .select()
          .from(checkouts)
          .where(and(eq(checkouts.tenantId, tenantId), eq(checkouts.idempotencyKey, key)));
        return row && recordOf(row);
      }),

    claim: (tenantId, id, leaseMs) =>
      inTenant(tenantId, async (tx) => {
        const [row] = await tx
          .update(checkouts)
          .set({
            leaseUntil: leaseEnd(leaseMs),
            attempts: sql`${checkouts.attempts} + 1`,
            updatedAt: sql`now()`,
          })
          .where(
            and(
              eq(checkouts.id, id),
              sql`${checkouts.status} in ('running', 'compensating')`,
              or(isNull(checkouts.leaseUntil), lt(checkouts.leaseUntil, sql`now()`)),
            ),
          )
          .returning();
        return row && recordOf(row);
      }),

    // The move names its row by id and decides nothing from the answer: the commit leaves with it.
    advance: (record, done, next, leaseMs, extra = {}) =>
      inTenant(record.tenantId, (tx) =>
        lastly(tx, () => move(tx, record, done, next, leaseMs, extra)),
      ),

    advanceWith: (ctx, record, done, next, leaseMs, extra, work) =>
      transactionAs(database, ctx, async (tx) => {
        // The move does not depend on the work: both are sent at once.
        const [, moved] = await together([
          work(orderingRepository(tx, ctx.tenantId, wakeRelay)),
          move(tx, record, done, next, leaseMs, extra),
        ]);
        return moved;
      }),

    release: (record, retryAt) =>
      inTenant(record.tenantId, async (tx) => {
        const [row] = await tx
          .update(checkouts)
          .set({ leaseUntil: retryAt, updatedAt: sql`now()` })
          .where(eq(checkouts.id, record.id))
          .returning();
        return row ? recordOf(row) : record;
      }),

    async due(now, limit) {
      const rows = rowsOf<{ tenant_id: string; id: string }>(
        await database.db.execute(
          sql`select tenant_id, id from ordering.due_checkouts(${now.toISOString()}::timestamptz, ${limit})`,
        ),
      );
      return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id }));
    },
  };
}
