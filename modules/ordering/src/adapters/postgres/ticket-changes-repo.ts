import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import type { TicketChangeRepository } from '../../application/ports.ts';
import { toTicket } from './kitchen-repo.ts';
import { kitchenTickets } from './schema.ts';

/** Voids and reductions written onto fired tickets (served by `kitchen_tickets_order_idx`). */
export function ticketChangesRepository(tx: Tx, tenantId: string): TicketChangeRepository {
  return {
    async lockOpenTicketsOfOrder(orderId) {
      // FOR UPDATE re-checks `status` after waiting: a ticket bumped meanwhile drops out.
      const rows = await tx
        .select()
        .from(kitchenTickets)
        .where(
          and(
            eq(kitchenTickets.tenantId, tenantId),
            eq(kitchenTickets.orderId, orderId),
            eq(kitchenTickets.status, 'open'),
          ),
        )
        .orderBy(asc(kitchenTickets.firedAt), asc(kitchenTickets.id))
        .for('update');
      return rows.map(toTicket);
    },
    async saveTicketContent(id, ticket) {
      const [row] = await tx
        .update(kitchenTickets)
        .set({ ticket })
        .where(and(eq(kitchenTickets.tenantId, tenantId), eq(kitchenTickets.id, id)))
        .returning();
      if (!row) throw new Error(`ticket ${id} missing`);
      return toTicket(row);
    },
  };
}
