import { z } from 'zod';

export const tags = ['catalog'];
export const base = '/api/v1/catalog';
export const read = { access: { permission: 'catalog:read' } } as const;
export const write = { access: { permission: 'catalog:write' } } as const;
export const prices = { access: { permission: 'prices:write' } } as const;

export const itemParams = z.object({ itemId: z.uuid() });
export const variantParams = z.object({ itemId: z.uuid(), variantId: z.uuid() });
export const storeParams = z.object({ storeId: z.uuid() });
