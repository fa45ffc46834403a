import { raise } from './errors.ts';
import { assertServiceCharge, discountOf, type Discount, type ServiceCharge } from './discounts.ts';
import { BPS, apportion, assertMinor, assertNonNegative, percentOf, sumMinor } from './money.ts';
import { computeTaxes, type RateRef, type Rounding, type TaxAmount } from './tax.ts';

export type { RateRef, Rounding, TaxAmount } from './tax.ts';
export { assertDiscount, assertServiceCharge } from './discounts.ts';
export type { Discount, ServiceCharge } from './discounts.ts';

/**
 * `taxInclusive` is the store's default: it applies to a rate that does not
 * say whether it is inclusive. A rate that says so (every catalog rate does:
 * ADR 0011) keeps its own flag, because the line snapshots the rate it was
 * sold with and the fiscal meaning of a rate cannot depend on the store.
 */
export interface PricingSettings {
  readonly taxInclusive: boolean;
  readonly rounding: Rounding;
}

export interface TaxInput {
  readonly rateId: string;
  readonly bps: number;
  readonly inclusive?: boolean;
}

export interface LineInput {
  readonly lineId: string;
  readonly quantity: number;
  /** The variant's effective price for one unit, in minor units. */
  readonly unitPrice: number;
  readonly modifiers: readonly { readonly priceDelta: number }[];
  readonly taxes: readonly TaxInput[];
  readonly discount?: Discount | null;
}

export interface PricingInput {
  readonly lines: readonly LineInput[];
  readonly orderDiscount?: Discount | null;
  readonly serviceCharge?: ServiceCharge | null;
  readonly tip?: number;
  readonly settings: PricingSettings;
}

export interface LineBreakdown {
  readonly lineId: string;
  readonly quantity: number;
  /** Unit price plus modifier deltas. */
  readonly unitPrice: number;
  /** `quantity × unitPrice`. */
  readonly gross: number;
  readonly itemDiscount: number;
  /** The fixed item discount asked for was more than the line and was cut to it. */
  readonly itemDiscountClamped: boolean;
  readonly orderDiscountShare: number;
  /** `gross − itemDiscount − orderDiscountShare`, never negative. */
  readonly net: number;
  readonly serviceChargeShare: number;
  /** `net + serviceChargeShare`: the amount this line's rates are charged on. */
  readonly taxable: number;
  readonly taxes: readonly TaxAmount[];
  readonly inclusiveTax: number;
  readonly exclusiveTax: number;
  /** `taxable + exclusiveTax`: what the line costs the customer, before the tip. */
  readonly total: number;
}

export interface OrderTotals {
  /** Sum of the lines' gross amounts. */
  readonly subtotal: number;
  readonly itemDiscounts: number;
  readonly orderDiscount: number;
  /** The fixed order discount asked for was more than the order and was cut to it. */
  readonly orderDiscountClamped: boolean;
  readonly discountTotal: number;
  /** `subtotal − discountTotal`, the sum of the lines' net amounts. */
  readonly netSubtotal: number;
  readonly serviceCharge: number;
  readonly taxes: readonly TaxAmount[];
  readonly inclusiveTax: number;
  readonly exclusiveTax: number;
  readonly taxTotal: number;
  readonly tip: number;
  /** `netSubtotal + serviceCharge + exclusiveTax + tip`; inclusive tax is already inside. */
  readonly total: number;
}

export interface PricedOrder {
  readonly lines: readonly LineBreakdown[];
  readonly totals: OrderTotals;
  readonly rounding: Rounding;
}

function resolveRates(lines: readonly LineInput[], settings: PricingSettings): RateRef[][] {
  const seen = new Map<string, RateRef>();
  return lines.map((line) => {
    const ids = new Set<string>();
    return line.taxes.map((t) => {
      const rate = {
        rateId: t.rateId,
        bps: t.bps,
        inclusive: t.inclusive ?? settings.taxInclusive,
      };
      const known = seen.get(t.rateId) ?? rate;
      const valid = Number.isInteger(t.bps) && t.bps >= 0 && t.bps <= BPS;
      if (
        !valid ||
        ids.has(t.rateId) ||
        known.bps !== t.bps ||
        known.inclusive !== rate.inclusive
      ) {
        raise('invalid-tax-rate', `Tax rate ${t.rateId} is invalid, repeated or ambiguous.`, {
          lineId: line.lineId,
          rateId: t.rateId,
        });
      }
      ids.add(t.rateId);
      seen.set(t.rateId, rate);
      return rate;
    });
  });
}

function grossOf(line: LineInput) {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
    raise('invalid-quantity', 'A line quantity is a whole number of at least 1.', {
      lineId: line.lineId,
    });
  }
  assertNonNegative(line.unitPrice, 'unit price');
  const unitPrice = assertNonNegative(
    sumMinor([line.unitPrice, ...line.modifiers.map((m) => assertMinor(m.priceDelta, 'delta'))]),
    'unit price with modifiers',
  );
  return { unitPrice, gross: assertMinor(unitPrice * line.quantity, 'line amount') };
}

/**
 * Prices an order in the one order the rules allow: line + modifiers → item
 * discounts → order discount → service charge → taxes → tip.
 *
 * - The order discount is spread over the lines by their amounts after item
 *   discounts, exactly (largest remainder), so every line knows its share.
 * - The service charge is a percentage of the discounted subtotal (the sum of
 *   the lines' net amounts). It is spread over the lines by net amount and
 *   each share is taxed with that line's rates, inclusive or exclusive as the
 *   line is: a charge on a meal is taxed like the meal.
 * - The tip comes last and is never taxed.
 */
export function priceOrder(input: PricingInput): PricedOrder {
  const { lines, settings } = input;
  const ids = new Set<string>();
  for (const l of lines) {
    if (ids.has(l.lineId)) raise('duplicate-line', `Line ${l.lineId} appears twice.`);
    ids.add(l.lineId);
  }
  const rates = resolveRates(lines, settings);
  const grosses = lines.map(grossOf);
  const itemDiscounts = lines.map((l, i) => discountOf(l.discount, grosses[i]!.gross));
  const afterItem = grosses.map((g, i) => g.gross - itemDiscounts[i]!.amount);
  const order = discountOf(input.orderDiscount, sumMinor(afterItem));
  const orderShares = apportion(order.amount, afterItem);
  const nets = afterItem.map((a, i) => a - orderShares[i]!);
  const netSubtotal = sumMinor(nets);
  const charge = input.serviceCharge ? assertServiceCharge(input.serviceCharge) : null;
  const serviceCharge = charge ? percentOf(netSubtotal, charge.bps) : 0;
  const serviceShares = apportion(serviceCharge, nets);
  const taxables = nets.map((n, i) => n + serviceShares[i]!);
  const taxes = computeTaxes(
    taxables.map((taxable, i) => ({ taxable, rates: rates[i]! })),
    settings.rounding,
  );
  const tip = assertNonNegative(input.tip ?? 0, 'tip');

  const breakdown = lines.map((line, i): LineBreakdown => {
    const lineTaxes = taxes.perLine[i]!;
    const exclusiveTax = sumOf(lineTaxes, false);
    return {
      lineId: line.lineId,
      quantity: line.quantity,
      unitPrice: grosses[i]!.unitPrice,
      gross: grosses[i]!.gross,
      itemDiscount: itemDiscounts[i]!.amount,
      itemDiscountClamped: itemDiscounts[i]!.clamped,
      orderDiscountShare: orderShares[i]!,
      net: nets[i]!,
      serviceChargeShare: serviceShares[i]!,
      taxable: taxables[i]!,
      taxes: lineTaxes,
      inclusiveTax: sumOf(lineTaxes, true),
      exclusiveTax,
      total: taxables[i]! + exclusiveTax,
    };
  });

  const subtotal = sumMinor(grosses.map((g) => g.gross));
  const itemDiscountTotal = sumMinor(itemDiscounts.map((d) => d.amount));
  const inclusiveTax = sumOf(taxes.byRate, true);
  const exclusiveTax = sumOf(taxes.byRate, false);
  return {
    lines: breakdown,
    rounding: settings.rounding,
    totals: {
      subtotal,
      itemDiscounts: itemDiscountTotal,
      orderDiscount: order.amount,
      orderDiscountClamped: order.clamped,
      discountTotal: itemDiscountTotal + order.amount,
      netSubtotal,
      serviceCharge,
      taxes: taxes.byRate,
      inclusiveTax,
      exclusiveTax,
      taxTotal: inclusiveTax + exclusiveTax,
      tip,
      total: sumMinor([netSubtotal, serviceCharge, exclusiveTax, tip], 'order total'),
    },
  };
}

const sumOf = (taxes: readonly TaxAmount[], inclusive: boolean) =>
  taxes.reduce((sum, t) => sum + (t.inclusive === inclusive ? t.amount : 0), 0);
