import {
  BPS,
  apportionRatios,
  mulDivRoundHalfUp,
  ratio,
  roundRatioSum,
  type Ratio,
} from './money.ts';

/** Per-line: round each line's tax per rate. Per-order: sum exact per rate, round once. */
export type Rounding = 'per-line' | 'per-order';

/** A tax rate as a line carries it, its inclusiveness already settled. */
export interface RateRef {
  readonly rateId: string;
  readonly bps: number;
  readonly inclusive: boolean;
}

export interface TaxAmount extends RateRef {
  readonly amount: number;
}

export interface TaxableLine {
  /** What the customer is charged for the line before exclusive taxes are added. */
  readonly taxable: number;
  readonly rates: readonly RateRef[];
}

export interface TaxResult {
  /** For each line, one amount per rate of the line, in the line's order. */
  readonly perLine: TaxAmount[][];
  /** One amount per rate, in the order the rates first appear. */
  readonly byRate: TaxAmount[];
}

/**
 * The tax of each rate on a line. Inclusive rates are inside the line's
 * amount P, exclusive ones are added on top, and neither is charged on the
 * other: with I the sum of the line's inclusive rates, the pre-tax base is
 * P / (1 + I) and each rate r (inclusive or not) charges base × r, that is
 * P × r / (1 + I). With a single inclusive rate that is P × r/(1+r); with no
 * inclusive rate it is P × r. `exactTaxes` keeps each amount exact,
 * `roundedTaxes` rounds each one half-up.
 */
const divisorOf = (line: TaxableLine) =>
  BPS + line.rates.reduce((sum, r) => sum + (r.inclusive ? r.bps : 0), 0);

function exactTaxes(line: TaxableLine): Ratio[] {
  const divisor = divisorOf(line);
  return line.rates.map((r) => ratio(line.taxable, r.bps, divisor));
}

function roundedTaxes(line: TaxableLine): number[] {
  const divisor = divisorOf(line);
  return line.rates.map((r) => mulDivRoundHalfUp(line.taxable, r.bps, divisor));
}

/**
 * Taxes of every line and rate, rounded half-up as the store's setting says.
 * Per-order rounding still itemises: each line's share of a rate's total is
 * its exact amount floored, with the units left over going to the largest
 * fractions, so lines always sum to the order.
 */
export function computeTaxes(lines: readonly TaxableLine[], rounding: Rounding): TaxResult {
  const rates = new Map<string, RateRef>();
  lines.forEach((line) => line.rates.forEach((r) => rates.has(r.rateId) || rates.set(r.rateId, r)));

  let amounts: number[][];
  if (rounding === 'per-line') {
    amounts = lines.map(roundedTaxes);
  } else {
    const exact = lines.map(exactTaxes);
    amounts = exact.map((line) => line.map(() => 0));
    for (const rateId of rates.keys()) {
      const at: [number, number][] = [];
      lines.forEach((line, i) =>
        line.rates.forEach((r, k) => r.rateId === rateId && at.push([i, k])),
      );
      const ratios = at.map(([i, k]) => exact[i]![k]!);
      const shares = apportionRatios(roundRatioSum(ratios), ratios);
      at.forEach(([i, k], n) => (amounts[i]![k] = shares[n]!));
    }
  }

  const perLine = lines.map((line, i) =>
    line.rates.map((r, k) => ({ ...pick(r), amount: amounts[i]![k]! })),
  );
  const byRate = [...rates.values()].map((r) => ({
    ...pick(r),
    amount: perLine.flat().reduce((sum, t) => sum + (t.rateId === r.rateId ? t.amount : 0), 0),
  }));
  return { perLine, byRate };
}

const pick = (r: RateRef): RateRef => ({ rateId: r.rateId, bps: r.bps, inclusive: r.inclusive });
