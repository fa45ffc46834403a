import { z } from 'zod';
import { orderView } from './order-views.ts';
import { fulfilment } from './orders.ts';

export const ticketStatus = z.enum(['open', 'done']);

export const ticketItemView = z.object({
  lineId: z.string(),
  name: z.string(),
  variantName: z.string(),
  quantity: z.number().int(),
  /** Modifier names as the cook reads them ("Oat milk", "No onions"). */
  modifiers: z.array(z.string()),
  notes: z.string().nullable(),
  /**
   * Set once the line was voided after the kitchen saw it, or its order was:
   * stop making it. Absent on a line nobody took back.
   */
  voided: z.object({ reason: z.string(), at: z.iso.datetime() }).optional(),
  /**
   * Set once the line's quantity went down after it was fired: `from` units
   * were fired, `quantity` are wanted now. Absent otherwise.
   */
  reduced: z
    .object({ from: z.number().int(), reason: z.string(), at: z.iso.datetime() })
    .optional(),
});

/** One station's share of a fired course: what the grill, the bar, … must make now. */
export const kitchenTicketView = z.object({
  ticketId: z.uuid(),
  storeId: z.uuid(),
  orderId: z.uuid(),
  orderNumber: z.string().nullable(),
  station: z.string(),
  course: z.number().int(),
  fulfilment,
  /** The order's own notes ("nut allergy"), printed on each of its tickets. */
  orderNotes: z.string().nullable(),
  items: z.array(ticketItemView),
  status: ticketStatus,
  firedAt: z.iso.datetime(),
  bumpedAt: z.iso.datetime().nullable(),
  bumpedBy: z.string().nullable(),
});
export type KitchenTicketView = z.infer<typeof kitchenTicketView>;

/** What a void or a reduction changed on a fired ticket, for displays and printers. */
export const ticketChangeView = z.object({
  kind: z.enum(['line-voided', 'line-reduced', 'order-voided']),
  reason: z.string(),
  at: z.iso.datetime(),
  /** Each item that changed: `to` is 0 for a voided one. */
  items: z.array(
    z.object({
      lineId: z.string(),
      name: z.string(),
      variantName: z.string(),
      from: z.number().int(),
      to: z.number().int(),
    }),
  ),
});
export type TicketChangeView = z.infer<typeof ticketChangeView>;

export const kitchenTicketsQuery = z.object({
  /** Open tickets come oldest first (the kitchen's queue), done ones newest first. */
  status: ticketStatus.default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type KitchenTicketsQuery = z.input<typeof kitchenTicketsQuery>;

export const fireCourseResult = z.object({
  order: orderView,
  /** One per station that has something to make; a course of bottled drinks may have none. */
  tickets: z.array(kitchenTicketView),
});
export type FireCourseResult = z.infer<typeof fireCourseResult>;
