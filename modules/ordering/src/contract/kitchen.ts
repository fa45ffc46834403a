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
