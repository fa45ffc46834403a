import { sql } from 'drizzle-orm';
import { rowsOf, together, type Tx } from '@stratum/platform';
import { raise, type ReceiptNumberView } from '../../contract.ts';
import type { StoreOpsRepository } from '../../application/ports.ts';
import { receiptNumbers, receiptSequences, registers, stores } from './schema.ts';
import { iso } from './paging.ts';

type ReceiptsPart = Pick<StoreOpsRepository, 'lockReceiptSequence' | 'takeReceiptNumber'>;

/** A receipt number row as `execute` returns it. */
interface RawReceipt {
  register_id: string;
  number: string | number;
  reference: string | null;
  allocated_at: Date | string;
}

const fromRaw = (r: RawReceipt): Omit<ReceiptNumberView, 'registerName'> => ({
  registerId: r.register_id,
  number: Number(r.number),
  reference: r.reference,
  allocatedAt: iso(new Date(r.allocated_at)),
});

/**
 * Gapless receipt numbers (ADR 0007): the sequence row is updated in the
 * caller's transaction, so its row lock queues concurrent allocations and a
 * rollback returns the number with everything else. Taking a number and
 * recording it is one statement, so the lock is held for as little as possible.
 */
export function receiptsRepository(tx: Tx, tenantId: string): ReceiptsPart {
  return {
    async lockReceiptSequence(registerId, reference) {
      // The look-up is a statement of its own, sent with the lock: under READ
      // COMMITTED it runs once the lock is granted and sees what the holder of
      // the lock committed (a join in the locking statement would not).
      const [locked, issued] = await together([
        tx.execute(sql`
          select 1 from ${receiptSequences}
          where tenant_id = ${tenantId}::uuid and register_id = ${registerId}::uuid
          for update`),
        tx.execute(sql`
          select register_id, number, reference, allocated_at from ${receiptNumbers}
          where tenant_id = ${tenantId}::uuid and register_id = ${registerId}::uuid
            and reference = ${reference}::text`),
      ]);
      if (rowsOf(locked).length === 0) raise('register-not-found', 'No such register.');
      const [row] = rowsOf<RawReceipt>(issued);
      return row && fromRaw(row);
    },
    async takeReceiptNumber(registerId, reference, actorId) {
      // The store's status is checked in the statement that takes the number, not
      // read before it: a sale pays no extra round trip for it, and the sequence
      // only moves for a store that is active as the number is taken. Written as
      // two primary-key probes, which the planner runs once, before the update.
      const [row] = rowsOf<RawReceipt>(
        await tx.execute(sql`
          with taken as (
            update ${receiptSequences} set next_number = next_number + 1
            where tenant_id = ${tenantId}::uuid and register_id = ${registerId}::uuid
              and exists (
                select 1 from ${stores}
                where id = (select store_id from ${registers} where id = ${registerId}::uuid)
                  and status = 'active')
            returning next_number - 1 as number)
          insert into ${receiptNumbers} (tenant_id, register_id, number, reference, actor_id)
          select ${tenantId}::uuid, ${registerId}::uuid, number, ${reference}::text, ${actorId}::text
          from taken
          returning register_id, number, reference, allocated_at`),
      );
      return row && fromRaw(row);
    },
  };
}
