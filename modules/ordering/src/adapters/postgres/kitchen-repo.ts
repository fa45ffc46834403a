import { and, asc, desc, eq } from 'drizzle-orm';
import {
  compiled,
  compiledRows,
  isUniqueViolation,
  placeholdersOf,
  type Tx,
} from '@stratum/platform';
import type {
  KitchenRepository,
  ReceiptRepository,
  TicketRecord,
} from '../../application/ports.ts';
import { kitchenTickets, receipts } from './schema.ts';

export const toTicket = (r: typeof kitchenTickets.$inferSelect): TicketRecord => ({
  id: r.id,
  storeId: r.storeId,
  orderId: r.orderId,
  status: r.status,
  ticket: r.ticket,
  orderNotes: r.orderNotes,
  firedAt: r.firedAt,
  bumpedAt: r.bumpedAt,
  bumpedBy: r.bumpedBy,
});

/** Firing's insert, compiled once per number of stations (ADR 0016). */
const insertTickets = compiledRows<typeof kitchenTickets.$inferInsert, unknown>((db, rows) =>
  db
    .insert(kitchenTickets)
    .values(
      rows.map((p) =>
        placeholdersOf(p, [
          'id',
          'tenantId',
          'storeId',
          'orderId',
          'station',
          'course',
          'status',
          'ticket',
          'orderNotes',
          'firedAt',
          'bumpedAt',
          'bumpedBy',
        ]),
      ),
    ),
);

export function kitchenRepository(tx: Tx, tenantId: string): KitchenRepository {
  return {
    async insertTickets(tickets) {
      if (tickets.length === 0) return;
      await insertTickets(
        tx,
        tickets.map((t) => ({
          id: t.id,
          tenantId,
          storeId: t.storeId,
          orderId: t.orderId,
          station: t.ticket.station,
          course: t.ticket.course,
          status: t.status,
          ticket: t.ticket,
          orderNotes: t.orderNotes,
          firedAt: t.firedAt,
          bumpedAt: t.bumpedAt,
          bumpedBy: t.bumpedBy,
        })),
      );
    },
    async findTicket(id, lock = false) {
      const query = tx
        .select()
        .from(kitchenTickets)
        .where(and(eq(kitchenTickets.tenantId, tenantId), eq(kitchenTickets.id, id)));
      const [row] = lock ? await query.for('update') : await query;
      return row && toTicket(row);
    },
    async markBumped(id, at, by) {
      const [row] = await tx
        .update(kitchenTickets)
        .set({ status: 'done', bumpedAt: at, bumpedBy: by })
        .where(and(eq(kitchenTickets.tenantId, tenantId), eq(kitchenTickets.id, id)))
        .returning();
      if (!row) throw new Error(`ticket ${id} missing`);
      return toTicket(row);
    },
    async listTickets(storeId, status, limit) {
      // The queue reads oldest first; the history newest first. Both walk one index.
      const order =
        status === 'open'
          ? [asc(kitchenTickets.firedAt), asc(kitchenTickets.id)]
          : [desc(kitchenTickets.firedAt), desc(kitchenTickets.id)];
      const rows = await tx
        .select()
        .from(kitchenTickets)
        .where(
          and(
            eq(kitchenTickets.tenantId, tenantId),
            eq(kitchenTickets.storeId, storeId),
            eq(kitchenTickets.status, status),
          ),
        )
        .orderBy(...order)
        .limit(limit);
      return rows.map(toTicket);
    },
  };
}

type ReceiptRow = typeof receipts.$inferSelect;

// Every sale's receipt statements, compiled once (ADR 0016).
const insertReceipt = compiled<ReceiptRow, { orderId: string }[]>((db, p) =>
  db
    .insert(receipts)
    .values(
      placeholdersOf(p, [
        'orderId',
        'tenantId',
        'storeId',
        'registerId',
        'receiptNumber',
        'document',
        'text',
        'createdAt',
      ]),
    )
    .returning({ orderId: receipts.orderId }),
);
const findReceipt = compiled<{ tenantId: string; orderId: string }, ReceiptRow[]>((db, p) =>
  db
    .select()
    .from(receipts)
    .where(and(eq(receipts.tenantId, p.tenantId), eq(receipts.orderId, p.orderId))),
);

export function receiptRepository(tx: Tx, tenantId: string): ReceiptRepository {
  return {
    async insertReceipt(r) {
      // A taken number fails the statement, and so the transaction: the checkout's pivot sends
      // its commit with this insert (ADR 0016), and a refusal must turn that commit into a rollback.
      try {
        await insertReceipt(tx, { ...r, tenantId });
        return true;
      } catch (err) {
        if (isUniqueViolation(err, 'receipts_register_number_idx')) return false;
        throw err;
      }
    },
    async findReceipt(orderId) {
      const [row] = await findReceipt(tx, { tenantId, orderId });
      return (
        row && {
          orderId: row.orderId,
          storeId: row.storeId,
          registerId: row.registerId,
          receiptNumber: row.receiptNumber,
          document: row.document,
          text: row.text,
          createdAt: row.createdAt,
        }
      );
    },
  };
}
