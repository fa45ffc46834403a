import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import { raise, type ReceiptNumberView } from '../../contract.ts';
import type { StoreOpsRepository } from '../../application/ports.ts';
import { receiptNumbers, receiptSequences } from './schema.ts';
import { iso } from './paging.ts';

const toReceiptView = (
  r: typeof receiptNumbers.$inferSelect,
): Omit<ReceiptNumberView, 'registerName'> => ({
  registerId: r.registerId,
  number: r.number,
  reference: r.reference,
  allocatedAt: iso(r.allocatedAt),
});

type ReceiptsPart = Pick<
  StoreOpsRepository,
  'lockReceiptSequence' | 'findReceiptByReference' | 'takeReceiptNumber'
>;

/**
 * Gapless receipt numbers (ADR 0007): the sequence row is updated in the
 * caller's transaction, so its row lock queues concurrent allocations and a
 * rollback returns the number with everything else.
 */
export function receiptsRepository(tx: Tx, tenantId: string): ReceiptsPart {
  const ofRegister = (registerId: string) =>
    and(eq(receiptSequences.tenantId, tenantId), eq(receiptSequences.registerId, registerId));
  return {
    async lockReceiptSequence(registerId) {
      const [row] = await tx
        .select({ next: receiptSequences.nextNumber })
        .from(receiptSequences)
        .where(ofRegister(registerId))
        .for('update');
      if (!row) raise('register-not-found', 'No such register.');
    },
    async findReceiptByReference(registerId, reference) {
      const [row] = await tx
        .select()
        .from(receiptNumbers)
        .where(
          and(eq(receiptNumbers.registerId, registerId), eq(receiptNumbers.reference, reference)),
        );
      return row && toReceiptView(row);
    },
    async takeReceiptNumber(registerId, reference, actorId) {
      const [taken] = await tx
        .update(receiptSequences)
        .set({ nextNumber: sql`${receiptSequences.nextNumber} + 1` })
        .where(ofRegister(registerId))
        .returning({ number: sql<number>`${receiptSequences.nextNumber} - 1`.mapWith(Number) });
      if (!taken) raise('register-not-found', 'No such register.');
      const [row] = await tx
        .insert(receiptNumbers)
        .values({ tenantId, registerId, number: taken.number, reference, actorId })
        .returning();
      return toReceiptView(row!);
    },
  };
}
