import { orderingEvents } from '../contract.ts';
import { applyTakeBack, takeBacksOf } from '../domain/kitchen.ts';
import { changedPayload } from './integration-events.ts';
import type { Change } from './order-writer.ts';
import type { OrderingRepository } from './ports.ts';

/**
 * The effect of taking back what the kitchen has seen (a fired line voided
 * or reduced, a fired order voided), in the order's transaction: each open
 * ticket holding it is rewritten and `ordering.kitchen-ticket-changed` goes
 * out through the outbox, so the displays stop the cook. A bumped ticket is
 * history and stays as it was; a line that was never fired is on no ticket.
 */
export async function tellKitchen(repo: OrderingRepository, { after, events }: Change) {
  const takeBacks = takeBacksOf(events);
  if (takeBacks.length === 0) return;
  for (const record of await repo.lockOpenTicketsOfOrder(after.id)) {
    let ticket = record.ticket;
    for (const takeBack of takeBacks) {
      const applied = applyTakeBack(ticket, takeBack);
      if (!applied) continue;
      ticket = applied.ticket;
      const saved = await repo.saveTicketContent(record.id, ticket);
      await repo.emit(orderingEvents.kitchenTicketChanged, changedPayload(saved, applied.change));
    }
  }
}
