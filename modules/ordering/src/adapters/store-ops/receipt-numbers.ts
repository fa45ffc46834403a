import type { StoreOpsApi } from '@stratum/store-ops/contract';
import type { ReceiptNumbers } from '../../application/checkout/ports.ts';

/** Store-ops' gapless receipt numbers; the order id as reference makes a retry get the same number. */
export function storeOpsReceiptNumbers(
  storeOps: Pick<StoreOpsApi, 'allocateReceiptNumber'>,
): ReceiptNumbers {
  return {
    async allocate(ctx, registerId, reference) {
      const { number, registerName } = await storeOps.allocateReceiptNumber(ctx, registerId, {
        reference,
      });
      return { number, registerName };
    },
  };
}
