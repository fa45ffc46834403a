import { raise } from './errors.ts';
import { assertMinor } from './money.ts';

/**
 * Minor-unit exponents that differ from the usual 2 (ISO 4217). Amounts are
 * already integers of the minor unit: the exponent only says where the
 * decimal point goes when they are printed.
 */
const exponents: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyExponent(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency))
    raise('invalid-currency', `${currency} is not an ISO 4217 code.`);
  return exponents[currency] ?? 2;
}

/**
 * `1234` EUR → `12.34`, `-5` EUR → `-0.05`, `1234` JPY → `1234`. Integer
 * division and remainder only: a float never sees the amount.
 */
export function formatMinor(amount: number, currency: string): string {
  assertMinor(amount);
  const exponent = currencyExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (exponent === 0) return `${sign}${abs}`;
  const unit = 10 ** exponent;
  const fraction = abs % unit;
  const whole = (abs - fraction) / unit;
  return `${sign}${whole}.${String(fraction).padStart(exponent, '0')}`;
}

/** Basis points as a percentage for labels: 700 → `7%`, 550 → `5.5%`, 1925 → `19.25%`. */
export function formatBps(bps: number): string {
  const fraction = bps % 100;
  const whole = (bps - fraction) / 100;
  if (fraction === 0) return `${whole}%`;
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}%`;
}
