import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { CommandOptions, OrderView } from '../../contract.ts';

export const base = '/api/v1/ordering';
export const tags = ['ordering'];
export const kitchenTags = ['kitchen'];

export const idParams = z.object({ id: z.uuid() });
export const lineParams = z.object({ id: z.uuid(), lineId: z.string().min(1).max(64) });
export const storeParams = z.object({ storeId: z.uuid() });

export const read = { access: { permission: 'ordering:read' } } as const;
export const write = { access: { permission: 'ordering:write' } } as const;
export const kitchenRead = { access: { permission: 'kitchen:read' } } as const;
export const kitchenBump = { access: { permission: 'kitchen:bump' } } as const;

/**
 * `If-Match: "<version>"` (the order's ETag) refuses a write when the order
 * has changed since the client read it. Loose, so the other headers stay.
 */
export const ifMatchHeaders = z.looseObject({
  'if-match': z
    .string()
    .regex(/^(W\/)?"?\d{1,9}"?$/, 'must be the order’s ETag, e.g. "7"')
    .optional()
    .describe('The order’s ETag (its version): the write is refused if the order moved on'),
});

export function commandOptions(headers: { 'if-match'?: string | undefined }): CommandOptions {
  const tag = headers['if-match'];
  if (!tag) return {};
  return { expectedVersion: Number(/\d+/.exec(tag)?.[0]) };
}

/** An order answer carries its version as a strong ETag. */
export function sendOrder(reply: FastifyReply, order: OrderView, status = 200) {
  return reply.status(status).header('etag', `"${order.version}"`).send(order);
}
