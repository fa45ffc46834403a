import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  compiled,
  compiledRows,
  isUniqueViolation,
  placeholderSet,
  placeholdersOf,
  together,
  type Tx,
} from '@stratum/platform';
import { raise } from '../../contract.ts';
import type { PaymentEvent } from '../../domain/payment.ts';
import type { PaymentView as Projection } from '../../domain/projection.ts';
import type { PaymentRecord, PaymentRepository } from '../../application/ports.ts';
import { paymentEvents, paymentRows, storeSettings } from './schema.ts';

type Row = typeof paymentRows.$inferSelect;

const conflict = () =>
  raise('payment-concurrency-conflict', 'The payment changed meanwhile; try again.');

/** The projection's columns for a view. */
function columns(view: Projection) {
  return {
    orderId: view.orderId,
    storeId: view.storeId,
    status: view.status,
    tender: view.tender,
    currency: view.currency,
    amount: view.amount,
    tip: view.tip,
    authorized: view.authorized,
    captured: view.captured,
    refunded: view.refunded,
    refundCount: view.refundCount,
    cashGiven: view.cash?.given ?? null,
    changeDue: view.cash?.change ?? null,
    processorRef: view.processorRef,
    last4: view.last4,
    declineCode: view.declineCode,
    note: view.note,
    reference: view.reference,
    version: view.version,
  };
}

type Columns = ReturnType<typeof columns>;
const columnNames = [
  'orderId',
  'storeId',
  'status',
  'tender',
  'currency',
  'amount',
  'tip',
  'authorized',
  'captured',
  'refunded',
  'refundCount',
  'cashGiven',
  'changeDue',
  'processorRef',
  'last4',
  'declineCode',
  'note',
  'reference',
  'version',
] as const satisfies readonly (keyof Columns)[];
// The stream's and the projection's writes, compiled once (ADR 0016).
const insertEvents = compiledRows<typeof paymentEvents.$inferInsert, unknown>((db, rows) =>
  db
    .insert(paymentEvents)
    .values(
      rows.map((p) =>
        placeholdersOf(p, [
          'tenantId',
          'streamId',
          'version',
          'type',
          'data',
          'occurredAt',
          'actorId',
        ]),
      ),
    ),
);
const insertRow = compiled<
  Columns & { id: string; tenantId: string; createdAt: Date; updatedAt: Date },
  unknown
>((db, p) =>
  db.insert(paymentRows).values({
    id: p.id,
    tenantId: p.tenantId,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    ...placeholdersOf(p, columnNames),
  }),
);
/**
 * The projection's update, which fails unless it moves exactly one row on from
 * the version the events continue. It is one of the last statements of the
 * append's transaction, whose commit leaves with them (`lastly`, ADR 0016), so
 * a row left unmatched may not be found from its answer: it must fail the
 * statement, and with it the transaction. Over the updated rows `1 / count(*)`
 * divides by zero when there are none (a constant error would be raised at
 * planning, whatever the rows).
 */
const updateRow = compiled<Columns & { id: string; updatedAt: Date; expected: number }, unknown>(
  (db, p) => {
    const updated = db.$with('updated').as(
      db
        .update(paymentRows)
        .set(placeholderSet<Row>({ ...placeholdersOf(p, columnNames), updatedAt: p.updatedAt }))
        .where(and(eq(paymentRows.id, p.id), eq(paymentRows.version, p.expected)))
        .returning({ id: paymentRows.id }),
    );
    return db
      .with(updated)
      .select({ moved: sql<number>`1 / count(*)::int` })
      .from(updated);
  },
);

/** Whether `error` is PostgreSQL's division by zero (22012), down drizzle's causes. */
function isDivisionByZero(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.code === '22012') return true;
  }
  return false;
}

function toRecord(r: Row): PaymentRecord {
  return {
    id: r.id,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    view: {
      version: r.version,
      status: r.status,
      tender: r.tender,
      currency: r.currency,
      orderId: r.orderId,
      storeId: r.storeId,
      processorRef: r.processorRef,
      last4: r.last4,
      reference: r.reference,
      cash:
        r.cashGiven !== null && r.changeDue !== null
          ? { given: r.cashGiven, change: r.changeDue }
          : null,
      declineCode: r.declineCode,
      amount: r.amount,
      authorized: r.authorized,
      captured: r.captured,
      tip: r.tip,
      refunded: r.refunded,
      refundable: r.captured - r.refunded,
      refundCount: r.refundCount,
      note: r.note,
    },
  };
}

/** Payments' event store, read model and settings over one tenant transaction. */
export function paymentRepository(
  tx: Tx,
  tenantId: string,
): Omit<PaymentRepository, 'lastly' | 'emit' | 'audit'> {
  return {
    async readStream(paymentId) {
      const rows = await tx
        .select()
        .from(paymentEvents)
        .where(eq(paymentEvents.streamId, paymentId))
        .orderBy(asc(paymentEvents.version));
      return rows.map((r) => ({
        event: { ...r.data, type: r.type, version: r.version } as PaymentEvent,
        occurredAt: r.occurredAt,
        actorId: r.actorId,
      }));
    },
    async append(paymentId, expectedVersion, events, view, { at, actorId }) {
      // The events and the projection are sent together; the events' conflict is the one reported.
      await together([
        insertEvents(
          tx,
          events.map(({ type, version, ...data }) => ({
            tenantId,
            streamId: paymentId,
            version,
            type,
            data,
            occurredAt: at,
            actorId,
          })),
        ).catch((error: unknown) => {
          // Another writer took one of these versions first (or, invisibly, another tenant the id).
          if (isUniqueViolation(error, 'payment_events_stream_version_pk')) conflict();
          throw error;
        }),
        expectedVersion === 0
          ? insertRow(tx, {
              id: paymentId,
              tenantId,
              ...columns(view),
              createdAt: at,
              updatedAt: at,
            })
          : updateRow(tx, {
              id: paymentId,
              ...columns(view),
              updatedAt: at,
              expected: expectedVersion,
            }).catch((error: unknown) => {
              // The events insert fails first on a writer's race; this guards a projection
              // edited or removed by hand.
              if (isDivisionByZero(error)) conflict();
              throw error;
            }),
      ]);
    },
    async findPayment(paymentId) {
      const [row] = await tx.select().from(paymentRows).where(eq(paymentRows.id, paymentId));
      return row && toRecord(row);
    },
    async listPayments(query, after, stores) {
      const rows = await tx
        .select()
        .from(paymentRows)
        .where(
          and(
            eq(paymentRows.tenantId, tenantId),
            query.storeId ? eq(paymentRows.storeId, query.storeId) : undefined,
            stores ? inArray(paymentRows.storeId, stores) : undefined,
            query.orderId ? eq(paymentRows.orderId, query.orderId) : undefined,
            after
              ? sql`(${paymentRows.createdAt}, ${paymentRows.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(paymentRows.createdAt), desc(paymentRows.id))
        .limit(query.limit);
      return rows.map(toRecord);
    },
    async findRefundLimit(storeId) {
      const [row] = await tx
        .select()
        .from(storeSettings)
        .where(and(eq(storeSettings.tenantId, tenantId), eq(storeSettings.storeId, storeId)));
      return row && { refundLimit: row.refundLimit, updatedAt: row.updatedAt };
    },
    async saveRefundLimit(storeId, refundLimit, { at, actorId }) {
      const values = { refundLimit, updatedAt: at, updatedBy: actorId };
      const [row] = await tx
        .insert(storeSettings)
        .values({ tenantId, storeId, ...values })
        .onConflictDoUpdate({
          target: [storeSettings.tenantId, storeSettings.storeId],
          set: values,
        })
        .returning();
      return { refundLimit: row!.refundLimit, updatedAt: row!.updatedAt };
    },
  };
}
