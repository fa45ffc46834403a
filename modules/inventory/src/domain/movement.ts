import { MAX_QUANTITY, raise, type MovementKind } from '../contract.ts';

/**
 * The sign each kind of movement must carry. Stock leaves through sales,
 * transfers out and waste, arrives through receipts and transfers in; only
 * adjustments and count corrections go either way.
 */
const signOf: Record<MovementKind, 'negative' | 'positive' | 'either'> = {
  sale: 'negative',
  'transfer-out': 'negative',
  waste: 'negative',
  receipt: 'positive',
  'transfer-in': 'positive',
  adjustment: 'either',
  'count-correction': 'either',
};

export function hasValidSign(kind: MovementKind, quantity: number): boolean {
  if (!Number.isSafeInteger(quantity) || quantity === 0) return false;
  const sign = signOf[kind];
  return sign === 'either' || (sign === 'negative' ? quantity < 0 : quantity > 0);
}

export interface ManualLine {
  stockItemId: string;
  quantity: number;
}

/**
 * Validates stock moved by hand and returns the signed change per item.
 * Receipts and waste are entered as positive amounts (waste is then taken
 * out); adjustments are signed and need a reason, as does waste.
 */
/** How an error message names a manual movement: "waste" is uncountable, "adjustment" takes "an". */
const manualNoun: Record<'receipt' | 'adjustment' | 'waste', string> = {
  receipt: 'A receipt',
  adjustment: 'An adjustment',
  waste: 'Waste',
};

export function manualChanges(
  kind: 'receipt' | 'adjustment' | 'waste',
  lines: readonly ManualLine[],
  reason: string | undefined,
): ManualLine[] {
  if ((kind === 'adjustment' || kind === 'waste') && !reason?.trim()) {
    raise('reason-required', `${manualNoun[kind]} needs a reason.`);
  }
  assertUnique(lines.map((l) => l.stockItemId));
  return lines.map((line) => {
    const { quantity } = line;
    if (kind !== 'adjustment' && quantity <= 0) {
      raise('invalid-quantity', `${manualNoun[kind]} needs a positive quantity.`, { line });
    }
    if (quantity === 0) raise('invalid-quantity', 'An adjustment cannot be zero.', { line });
    return { stockItemId: line.stockItemId, quantity: kind === 'waste' ? -quantity : quantity };
  });
}

export function assertUnique(ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) raise('duplicate-line', `Stock item ${id} appears twice; merge the lines.`);
    seen.add(id);
  }
}

/** A quantity that fits the ledger's per-movement bound. */
export function boundedQuantity(value: number): number {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_QUANTITY) {
    raise('invalid-quantity', `Quantities are limited to ${MAX_QUANTITY} per line.`);
  }
  return value;
}

/** The on-hand level a ledger implies: the sum of its signed movements. */
export function ledgerSum(movements: readonly { quantity: number }[]): number {
  return movements.reduce((sum, m) => sum + m.quantity, 0);
}
