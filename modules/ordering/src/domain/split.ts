import { raise } from './errors.ts';
import { apportion, assertNonNegative } from './money.ts';
import type { PricedOrder, TaxAmount } from './pricing.ts';

export interface SplitAssignment {
  readonly lineId: string;
  readonly quantity: number;
}

export interface SplitRequest {
  readonly partId: string;
  readonly items: readonly SplitAssignment[];
}

export interface SplitLine {
  readonly lineId: string;
  readonly quantity: number;
  /** This part's share of the line's total, by quantity. */
  readonly amount: number;
}

export interface SplitPart {
  readonly partId: string;
  readonly lines: readonly SplitLine[];
  /** Tax inside (inclusive) or on top of (exclusive) this part's lines, per rate. */
  readonly taxes: readonly TaxAmount[];
  /** The lines' amounts, before the tip. */
  readonly subtotal: number;
  readonly tip: number;
  /** `subtotal + tip`: what this guest pays. */
  readonly total: number;
}

const MAX_PARTS = 1_000;

function assertParts(count: number): void {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_PARTS) {
    raise('invalid-split', `A bill splits into 1 to ${MAX_PARTS} parts.`, { parts: count });
  }
}

/**
 * Splits a priced order by item: every unit of every line goes to exactly one
 * part. A line shared between parts has its total and each of its taxes
 * spread by quantity, exactly (largest remainder), so the parts add up to
 * the order to the cent. The tip follows the parts' amounts (evenly if every
 * part is free). Lines repeated within one part add up.
 */
export function splitByItem(priced: PricedOrder, requests: readonly SplitRequest[]): SplitPart[] {
  assertParts(requests.length);
  if (new Set(requests.map((r) => r.partId)).size !== requests.length) {
    raise('invalid-split', 'Each part needs its own id.');
  }
  const known = new Map(priced.lines.map((l) => [l.lineId, l]));
  /** Per line, the quantity each part takes (0 when it takes none). */
  const shares = new Map(priced.lines.map((l) => [l.lineId, requests.map(() => 0)]));
  requests.forEach((request, p) => {
    if (request.items.length === 0) raise('invalid-split', `Part ${request.partId} has no items.`);
    for (const item of request.items) {
      const row = shares.get(item.lineId);
      if (!row) raise('line-not-found', `No line ${item.lineId} on this order.`);
      if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
        raise('invalid-quantity', 'A split assigns whole units, at least one.', { ...item });
      }
      row[p] = (row[p] ?? 0) + item.quantity;
    }
  });
  for (const [lineId, row] of shares) {
    const assigned = row.reduce((s, q) => s + q, 0);
    const quantity = known.get(lineId)?.quantity ?? 0;
    if (assigned !== quantity) {
      raise(
        'split-quantity-mismatch',
        `Line ${lineId} has ${quantity} units, ${assigned} assigned.`,
        {
          lineId,
          quantity,
          assigned,
        },
      );
    }
  }

  const parts = requests.map(() => ({
    lines: [] as SplitLine[],
    taxes: new Map<string, TaxAmount>(),
  }));
  for (const line of priced.lines) {
    const row = shares.get(line.lineId) ?? [];
    const amounts = apportion(line.total, row);
    const taxes = line.taxes.map((t) => apportion(t.amount, row));
    row.forEach((quantity, p) => {
      const part = parts[p];
      if (!part || quantity === 0) return;
      part.lines.push({ lineId: line.lineId, quantity, amount: amounts[p] ?? 0 });
      line.taxes.forEach((t, k) => {
        const amount = (part.taxes.get(t.rateId)?.amount ?? 0) + (taxes[k]?.[p] ?? 0);
        part.taxes.set(t.rateId, { ...t, amount });
      });
    });
  }
  const subtotals = parts.map((p) => p.lines.reduce((s, l) => s + l.amount, 0));
  const anyAmount = subtotals.some((s) => s > 0);
  const tips = apportion(
    priced.totals.tip,
    subtotals.map((s) => (anyAmount ? s : 1)),
  );
  return requests.map((request, p) => {
    const subtotal = subtotals[p] ?? 0;
    const tip = tips[p] ?? 0;
    return {
      partId: request.partId,
      lines: parts[p]?.lines ?? [],
      taxes: [...(parts[p]?.taxes.values() ?? [])],
      subtotal,
      tip,
      total: subtotal + tip,
    };
  });
}

/**
 * Splits an amount into `parts` amounts that differ by at most one minor
 * unit and sum to it exactly; the first parts carry the extra units.
 */
export function splitEvenly(total: number, parts: number): number[] {
  assertNonNegative(total, 'total');
  assertParts(parts);
  return apportion(
    total,
    Array.from({ length: parts }, () => 1),
  );
}
