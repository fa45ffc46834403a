import { raise } from '../contract.ts';
import { assertUnique } from './movement.ts';

export type TransferStatus = 'dispatched' | 'received';

export function validateTransfer(
  fromStoreId: string,
  toStoreId: string,
  lines: readonly { stockItemId: string }[],
): void {
  if (fromStoreId === toStoreId) raise('same-store-transfer', 'A transfer needs two stores.');
  assertUnique(lines.map((l) => l.stockItemId));
}

/** dispatched → received, once. */
export function receiveStep(status: TransferStatus): void {
  if (status === 'received') raise('transfer-already-received', 'The transfer was received.');
}
