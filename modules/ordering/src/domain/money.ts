import { raise } from './errors.ts';

/**
 * Money is an integer count of the currency's minor unit, held in a `number`
 * that must stay a safe integer. Rounding is half-up, taken symmetrically
 * (half away from zero), so a refund rounds to the exact mirror of its sale.
 *
 * Products such as `amount × weight` can pass 2^53 on a large order although
 * every input and result is small enough; such intermediates are computed
 * with bigint inside this file only. A product that is still a safe integer
 * (every order a till rings up) stays a `number`: integer `*`, `%` and the
 * division of an exact multiple are exact in IEEE doubles, and bigint costs
 * an allocation per value. No float ever touches an amount.
 */

/** 10 000 basis points make 100 %. */
export const BPS = 10_000;

export function assertMinor(value: number, what = 'amount'): number {
  if (!Number.isSafeInteger(value)) {
    raise('invalid-amount', `${what} must be a safe integer of minor units.`, { what, value });
  }
  return value;
}

export function assertNonNegative(value: number, what = 'amount'): number {
  assertMinor(value, what);
  if (value < 0) raise('invalid-amount', `${what} may not be negative.`, { what, value });
  return value;
}

/** Sum of safe integers, refusing a sum that is no longer one. */
export function sumMinor(values: readonly number[], what = 'sum'): number {
  return assertMinor(
    values.reduce((sum, v) => sum + v, 0),
    what,
  );
}

/** `numerator / denominator` rounded half-up (away from zero on a tie). */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  assertMinor(numerator, 'numerator');
  if (!Number.isSafeInteger(denominator) || denominator <= 0) {
    raise('invalid-amount', 'The denominator must be a positive safe integer.', { denominator });
  }
  // `%` on integers is exact in IEEE doubles, and so is dividing an exact multiple.
  const remainder = numerator % denominator;
  const quotient = (numerator - remainder) / denominator;
  const abs = Math.abs(remainder);
  if (abs >= denominator - abs) return quotient + Math.sign(numerator);
  return quotient + 0; // `+ 0` turns -0 into 0
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function toSafe(value: bigint, what: string): number {
  if (value > MAX || value < -MAX) {
    raise('invalid-amount', `${what} is beyond the safe integer range.`, { what });
  }
  return Number(value);
}

function roundHalfUpBig(num: bigint, den: bigint): bigint {
  const negative = num < 0n;
  const abs = negative ? -num : num;
  const q = abs / den;
  const rounded = 2n * (abs % den) >= den ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** `a × b / c` rounded half-up, exact even when `a × b` is past 2^53. */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  assertMinor(a, 'factor');
  assertMinor(b, 'factor');
  if (!Number.isSafeInteger(c) || c <= 0) {
    raise('invalid-amount', 'The divisor must be a positive safe integer.', { divisor: c });
  }
  const product = a * b;
  if (Number.isSafeInteger(product)) return divRoundHalfUp(product, c);
  return toSafe(roundHalfUpBig(BigInt(a) * BigInt(b), BigInt(c)), 'result');
}

/** `amount × bps / 10 000`, rounded half-up. */
export const percentOf = (amount: number, bps: number): number =>
  mulDivRoundHalfUp(amount, bps, BPS);

/**
 * Splits `total` into parts proportional to `weights` that sum to `total`
 * exactly (largest-remainder method). Every part first gets the floor of its
 * exact share; the units left over go one each to the largest remainders,
 * the lower index first on a tie. A zero weight gets nothing, and no part is
 * ever more than one unit away from its exact share. A negative total is
 * split as the mirror of its absolute value.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  assertMinor(total, 'total');
  weights.forEach((w) => assertNonNegative(w, 'weight'));
  if (total < 0) return apportion(-total, weights).map((part) => 0 - part);
  const sum = sumMinor(weights, 'sum of weights');
  if (sum === 0) {
    if (total === 0) return weights.map(() => 0);
    raise('invalid-amount', 'Cannot apportion an amount over weights that are all zero.');
  }
  // Every product `total × weight` is at most `total × sum`.
  if (Number.isSafeInteger(total * sum)) {
    const exact = weights.map((w) => total * w);
    const remainders = exact.map((e) => e % sum);
    return topUp(
      total,
      exact.map((e, index) => (e - remainders[index]!) / sum),
      rank(remainders, (x, y) => remainders[y]! - remainders[x]!),
    );
  }
  const whole = BigInt(sum);
  const exact = weights.map((w) => BigInt(total) * BigInt(w));
  const remainders = exact.map((e) => e % whole);
  return topUp(
    total,
    exact.map((e) => Number(e / whole)),
    rank(remainders, (x, y) => Number(remainders[y]! - remainders[x]!)),
  );
}

/**
 * The indexes of the non-zero remainders, largest first (ties: lower index
 * first); `compare(x, y)` is positive when remainder `y` is the larger.
 */
function rank(
  remainders: readonly (number | bigint)[],
  compare: (x: number, y: number) => number,
): number[] {
  const ranked: number[] = [];
  remainders.forEach((r, index) => r > 0 && ranked.push(index));
  return ranked.sort((x, y) => Math.sign(compare(x, y)) || x - y);
}

/** Adds one unit to the first `ranked` parts (see `rank`) until the parts reach `total`. */
function topUp(total: number, floors: number[], ranked: readonly number[]): number[] {
  const missing = total - floors.reduce((s, f) => s + f, 0);
  if (missing < 0 || missing > ranked.length) {
    raise('invalid-amount', 'The total does not fit the exact parts it is spread over.', {
      total,
    });
  }
  const parts = [...floors];
  for (const index of ranked.slice(0, missing)) parts[index] = (parts[index] ?? 0) + 1;
  return parts;
}

/**
 * An exact non-negative rational amount of minor units, kept unrounded until a
 * rule says where to round. Opaque outside this file.
 */
export interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
}

/** The exact value of `a × b / c` (all non-negative, `c` positive). */
export function ratio(a: number, b: number, c: number): Ratio {
  assertNonNegative(a, 'factor');
  assertNonNegative(b, 'factor');
  if (!Number.isSafeInteger(c) || c <= 0) {
    raise('invalid-amount', 'The divisor must be a positive safe integer.', { divisor: c });
  }
  return { num: BigInt(a) * BigInt(b), den: BigInt(c) };
}

const roundRatio = (r: Ratio): number => toSafe(roundHalfUpBig(r.num, r.den), 'amount');

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** The exact sum of the ratios, rounded half-up once. */
export function roundRatioSum(ratios: readonly Ratio[]): number {
  const sum = ratios.reduce<Ratio>(
    (acc, r) => {
      const den = (acc.den / gcd(acc.den, r.den)) * r.den;
      return { num: acc.num * (den / acc.den) + r.num * (den / r.den), den };
    },
    { num: 0n, den: 1n },
  );
  return roundRatio(sum);
}

/**
 * Spreads a total that was rounded once (from `roundRatioSum` of the same
 * ratios) back over the ratios: each gets its floor, the units left over go
 * to the largest fractional parts, lower index first. Parts sum to `total`
 * exactly and each is within one unit of its exact value.
 */
export function apportionRatios(total: number, ratios: readonly Ratio[]): number[] {
  assertNonNegative(total, 'total');
  const remainders = ratios.map((r) => r.num % r.den);
  return topUp(
    total,
    ratios.map((r) => toSafe(r.num / r.den, 'amount')),
    rank(remainders, (x, y) => {
      const diff = remainders[y]! * ratios[x]!.den - remainders[x]! * ratios[y]!.den;
      return diff > 0n ? 1 : diff < 0n ? -1 : 0;
    }),
  );
}
