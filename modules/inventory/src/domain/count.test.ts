import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDifferences } from './count.ts';

const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('stock counts', () => {
  it('correct on-hand by the difference between counted and expected', () => {
    const lines = countDifferences(
      [
        { stockItemId: id(1), counted: 7 },
        { stockItemId: id(2), counted: 12 },
      ],
      (stockItemId) => (stockItemId === id(1) ? 10 : 12),
    );
    expect(lines).toEqual([
      { stockItemId: id(1), expected: 10, counted: 7, difference: -3 },
      { stockItemId: id(2), expected: 12, counted: 12, difference: 0 },
    ]);
  });

  it('always land on-hand on the counted quantity', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 1000 }), fc.nat(1000), (onHand, counted) => {
        const [line] = countDifferences([{ stockItemId: id(1), counted }], () => onHand);
        expect(onHand + line!.difference).toBe(counted);
      }),
    );
  });
});
