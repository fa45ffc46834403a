import { z } from 'zod';
import { pageQuery } from '@stratum/platform';
import { positiveQuantity, stockWarning } from './stock.ts';

export const transferStatus = z.enum(['dispatched', 'received']);

export const transferLine = z.object({ stockItemId: z.uuid(), quantity: positiveQuantity });

/** Sends stock from one store to another; it is in transit until received. */
export const dispatchTransferInput = z.object({
  fromStoreId: z.uuid(),
  toStoreId: z.uuid(),
  note: z.string().trim().min(1).max(500).optional(),
  lines: z.array(transferLine).min(1).max(200),
});
export type DispatchTransferInput = z.infer<typeof dispatchTransferInput>;

export const transferView = z.object({
  id: z.uuid(),
  fromStoreId: z.uuid(),
  toStoreId: z.uuid(),
  status: transferStatus,
  note: z.string().nullable(),
  lines: z.array(transferLine),
  dispatchedAt: z.iso.datetime(),
  dispatchedBy: z.string().nullable(),
  dispatchBatchId: z.uuid(),
  receivedAt: z.iso.datetime().nullable(),
  receivedBy: z.string().nullable(),
  receiveBatchId: z.uuid().nullable(),
});
export type TransferView = z.infer<typeof transferView>;

export const dispatchResult = z.object({
  transfer: transferView,
  warnings: z.array(stockWarning),
});
export type DispatchResult = z.infer<typeof dispatchResult>;

export const listTransfersQuery = z.object({
  ...pageQuery,
  status: transferStatus.optional(),
  fromStoreId: z.uuid().optional(),
  toStoreId: z.uuid().optional(),
  sort: z.enum(['dispatchedAt', '-dispatchedAt']).default('-dispatchedAt'),
});
export type ListTransfersQuery = z.infer<typeof listTransfersQuery>;
