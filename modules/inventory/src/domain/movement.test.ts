import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { movementKinds, type MovementKind } from '../contract.ts';
import { hasValidSign, ledgerSum, manualChanges } from './movement.ts';

const item = '01900000-0000-7000-8000-000000000001';
const other = '01900000-0000-7000-8000-000000000002';

describe('movement signs', () => {
  it('takes stock out through sales, transfers out and waste only with negative quantities', () => {
    for (const kind of ['sale', 'transfer-out', 'waste'] as const) {
      expect(hasValidSign(kind, -3)).toBe(true);
      expect(hasValidSign(kind, 3)).toBe(false);
    }
  });

  it('brings stock in through receipts and transfers in only with positive quantities', () => {
    for (const kind of ['receipt', 'transfer-in'] as const) {
      expect(hasValidSign(kind, 3)).toBe(true);
      expect(hasValidSign(kind, -3)).toBe(false);
    }
  });

  it('lets adjustments and count corrections go either way, but never carry zero', () => {
    fc.assert(
      fc.property(fc.constantFrom<MovementKind>(...movementKinds), (kind) => {
        expect(hasValidSign(kind, 0)).toBe(false);
      }),
    );
    expect(hasValidSign('adjustment', -1)).toBe(true);
    expect(hasValidSign('count-correction', 7)).toBe(true);
  });
});

describe('stock moved by hand', () => {
  it('requires a reason for an adjustment and for waste, not for a receipt', () => {
    const lines = [{ stockItemId: item, quantity: 2 }];
    expect(() => manualChanges('adjustment', lines, undefined)).toThrow(
      expect.objectContaining({
        code: 'reason-required',
        message: 'An adjustment needs a reason.',
      }),
    );
    expect(() => manualChanges('waste', lines, '   ')).toThrow(
      expect.objectContaining({ code: 'reason-required', message: 'Waste needs a reason.' }),
    );
    expect(manualChanges('receipt', lines, undefined)).toEqual(lines);
  });

  it('turns waste into a negative change and keeps an adjustment’s sign', () => {
    expect(manualChanges('waste', [{ stockItemId: item, quantity: 4 }], 'dropped')).toEqual([
      { stockItemId: item, quantity: -4 },
    ]);
    expect(manualChanges('adjustment', [{ stockItemId: item, quantity: -4 }], 'theft')).toEqual([
      { stockItemId: item, quantity: -4 },
    ]);
  });

  it('refuses negative receipts, zero adjustments and the same item twice', () => {
    expect(() =>
      manualChanges('receipt', [{ stockItemId: item, quantity: -1 }], undefined),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid-quantity',
        message: 'A receipt needs a positive quantity.',
      }),
    );
    expect(() => manualChanges('waste', [{ stockItemId: item, quantity: -1 }], 'x')).toThrow(
      expect.objectContaining({ message: 'Waste needs a positive quantity.' }),
    );
    expect(() => manualChanges('adjustment', [{ stockItemId: item, quantity: 0 }], 'x')).toThrow(
      expect.objectContaining({ code: 'invalid-quantity' }),
    );
    expect(() =>
      manualChanges(
        'receipt',
        [
          { stockItemId: item, quantity: 1 },
          { stockItemId: other, quantity: 1 },
          { stockItemId: item, quantity: 1 },
        ],
        undefined,
      ),
    ).toThrow(expect.objectContaining({ code: 'duplicate-line' }));
  });
});

describe('the ledger sum', () => {
  it('is independent of the order movements are added in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), (quantities) => {
        const movements = quantities.map((quantity) => ({ quantity }));
        expect(ledgerSum([...movements].reverse())).toBe(ledgerSum(movements));
      }),
    );
  });

  it('of two ledgers appended is the sum of their sums', () => {
    const ledger = fc.array(
      fc.integer({ min: -1000, max: 1000 }).map((quantity) => ({ quantity })),
    );
    fc.assert(
      fc.property(ledger, ledger, (a, b) => {
        expect(ledgerSum([...a, ...b])).toBe(ledgerSum(a) + ledgerSum(b));
      }),
    );
  });
});
