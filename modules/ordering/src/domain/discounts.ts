import { raise } from './errors.ts';
import { BPS, percentOf } from './money.ts';

/** A fixed discount is for the whole line (or order), not per unit. */
export type Discount = { kind: 'fixed'; amount: number } | { kind: 'percent'; bps: number };
export interface ServiceCharge {
  readonly bps: number;
}

export function assertDiscount(discount: Discount): Discount {
  if (discount.kind === 'percent') {
    if (!Number.isInteger(discount.bps) || discount.bps < 0 || discount.bps > BPS) {
      raise('invalid-discount', 'A percentage discount is 0–10 000 basis points.', discount);
    }
  } else if (!Number.isSafeInteger(discount.amount) || discount.amount < 0) {
    raise('invalid-discount', 'A fixed discount is a non-negative amount.', discount);
  }
  return discount;
}

export function assertServiceCharge(charge: ServiceCharge): ServiceCharge {
  if (!Number.isInteger(charge.bps) || charge.bps < 0 || charge.bps > BPS) {
    raise('invalid-service-charge', 'A service charge is 0–10 000 basis points.', { ...charge });
  }
  return charge;
}

/**
 * A discount never takes an amount below zero. A percentage cannot (it is at
 * most 100 %); a fixed amount larger than what it applies to is cut to it and
 * flagged, so the till can show "discount limited to 3.00" instead of failing
 * a sale over a discount that simply made the item free.
 */
export function discountOf(discount: Discount | null | undefined, base: number) {
  if (!discount) return { amount: 0, clamped: false };
  assertDiscount(discount);
  if (discount.kind === 'percent') return { amount: percentOf(base, discount.bps), clamped: false };
  return { amount: Math.min(discount.amount, base), clamped: discount.amount > base };
}
