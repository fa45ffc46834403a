import { assertUnique } from './movement.ts';

export interface CountLine {
  stockItemId: string;
  expected: number;
  counted: number;
  difference: number;
}

/**
 * A count compares what was counted with on-hand per the ledger; the
 * difference becomes a count-correction movement (none when they agree).
 */
export function countDifferences(
  lines: readonly { stockItemId: string; counted: number }[],
  onHand: (stockItemId: string) => number,
): CountLine[] {
  assertUnique(lines.map((l) => l.stockItemId));
  return lines.map((l) => {
    const expected = onHand(l.stockItemId);
    return {
      stockItemId: l.stockItemId,
      expected,
      counted: l.counted,
      difference: l.counted - expected,
    };
  });
}
