import { newId, together } from '@stratum/platform';
import {
  kitchenTicketsQuery,
  orderingEvents,
  raise,
  type KitchenTicketView,
  type OrderingApi,
} from '../contract.ts';
import type { Order, OrderCommand } from '../domain/order-types.ts';
import { bumpedPayload, firedPayload } from './integration-events.ts';
import { assertStoreAccess, changeOrder, type Change } from './order-writer.ts';
import type { OrderingDeps, OrderingRepository, TicketRecord } from './ports.ts';
import { toTicketView } from './views.ts';

/**
 * Fires a course: its unfired lines go to the kitchen as one ticket per
 * station, stored for the kitchen display and announced through the outbox
 * in the same transaction as the order's change.
 */
export function fireCourse(deps: OrderingDeps): OrderingApi['fireCourse'] {
  return async (ctx, orderId, course, options) => {
    const { order, result } = await changeOrder(
      deps,
      ctx,
      orderId,
      options,
      () => ({ type: 'fire-course', course }),
      storeTickets,
    );
    return { order, tickets: result ?? [] };
  };
}

/** A `fire-course` for every course with live lines the kitchen has not seen, first course first. */
export function fireUnfired(order: Order): OrderCommand[] {
  const courses = new Set(
    order.lines.filter((l) => !l.voided && l.firedAt === null).map((l) => l.course),
  );
  return [...courses].sort((a, b) => a - b).map((course) => ({ type: 'fire-course', course }));
}

/** The effect of firing: the new tickets stored and announced in the order's transaction. */
export async function storeTickets(
  repo: OrderingRepository,
  { after, events }: Change,
): Promise<KitchenTicketView[]> {
  const tickets = events
    .flatMap((e) => (e.type === 'CourseFired' ? e.tickets : []))
    .map((ticket): TicketRecord => ({
      id: newId(),
      storeId: after.storeId,
      orderId: after.id,
      status: 'open',
      ticket,
      orderNotes: after.notes,
      firedAt: new Date(ticket.firedAt),
      bumpedAt: null,
      bumpedBy: null,
    }));
  await together([
    repo.insertTickets(tickets),
    ...tickets.map((t) => repo.emit(orderingEvents.kitchenTicketFired, firedPayload(t))),
  ]);
  return tickets.map(toTicketView);
}

export function getKitchenTickets(deps: OrderingDeps): OrderingApi['getKitchenTickets'] {
  return async (ctx, storeId, raw = {}) => {
    const query = kitchenTicketsQuery.parse(raw);
    assertStoreAccess(ctx, storeId);
    // An unknown store is a 404, not a kitchen with nothing to cook (the live feed asks here too).
    await deps.stores.get(ctx, storeId);
    return deps.store.inTenant(ctx, async (repo) =>
      (await repo.listTickets(storeId, query.status, query.limit)).map(toTicketView),
    );
  };
}

/**
 * The kitchen marks a ticket done. Bumping it again (a second screen, a
 * retried request) answers the ticket as it is and announces nothing twice.
 */
export function bumpTicket(deps: OrderingDeps): OrderingApi['bumpTicket'] {
  return (ctx, ticketId) =>
    deps.store.inTenant(ctx, async (repo) => {
      const ticket = await repo.findTicket(ticketId, true);
      if (!ticket) raise('ticket-not-found', 'No such kitchen ticket.', { ticketId });
      assertStoreAccess(ctx, ticket.storeId);
      if (ticket.status === 'done') return toTicketView(ticket);
      const bumped = await repo.markBumped(ticketId, deps.clock.now(), ctx.actor.id);
      await repo.emit(orderingEvents.kitchenTicketBumped, bumpedPayload(bumped));
      return toTicketView(bumped);
    });
}
