import {
  setDiscountInput,
  setServiceChargeInput,
  setTipInput,
  type OrderingApi,
} from '../contract.ts';
import { changeOrder } from './order-writer.ts';
import type { OrderingDeps } from './ports.ts';

/** The order discount is spread over the lines by the pricing engine (largest remainder). */
export function setOrderDiscount(deps: OrderingDeps): OrderingApi['setOrderDiscount'] {
  return async (ctx, orderId, raw, options) => {
    const { discount } = setDiscountInput.parse(raw);
    const { order } = await changeOrder(deps, ctx, orderId, options, () => ({
      type: 'set-order-discount',
      discount,
    }));
    return order;
  };
}

/** A percentage of the discounted subtotal, taxed like the lines it is charged on. */
export function setServiceCharge(deps: OrderingDeps): OrderingApi['setServiceCharge'] {
  return async (ctx, orderId, raw, options) => {
    const { serviceCharge } = setServiceChargeInput.parse(raw);
    const { order } = await changeOrder(deps, ctx, orderId, options, () => ({
      type: 'set-service-charge',
      serviceCharge,
    }));
    return order;
  };
}

/** The tip comes last and is never taxed. */
export function setTip(deps: OrderingDeps): OrderingApi['setTip'] {
  return async (ctx, orderId, raw, options) => {
    const { amount } = setTipInput.parse(raw);
    const { order } = await changeOrder(deps, ctx, orderId, options, () => ({
      type: 'set-tip',
      amount,
    }));
    return order;
  };
}
