import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundsProblem, checkSelection, type GroupForSelection } from './modifiers.ts';

const sauces: GroupForSelection = {
  id: 'sauces',
  minSelections: 1,
  maxSelections: 2,
  options: [
    { id: 'ketchup', priceDeltaMinor: 0 },
    { id: 'mayo', priceDeltaMinor: 0 },
    { id: 'aioli', priceDeltaMinor: 30 },
  ],
};
const extras: GroupForSelection = {
  id: 'extras',
  minSelections: 0,
  maxSelections: 3,
  options: [
    { id: 'cheese', priceDeltaMinor: 50 },
    { id: 'bacon', priceDeltaMinor: 120 },
    { id: 'no-onion', priceDeltaMinor: -10 },
  ],
};

describe('modifier group bounds', () => {
  it('accept "choose 1–2" with three options and an optional group', () => {
    expect(boundsProblem({ minSelections: 1, maxSelections: 2 }, 3)).toBeNull();
    expect(boundsProblem({ minSelections: 0, maxSelections: 1 }, 0)).toBeNull();
  });

  it('reject a minimum above the maximum', () => {
    expect(boundsProblem({ minSelections: 3, maxSelections: 2 }, 5)).toBe('min-above-max');
  });

  it('reject a group that allows no choice at all', () => {
    expect(boundsProblem({ minSelections: 0, maxSelections: 0 }, 2)).toBe('max-below-one');
  });

  it('reject a required minimum the options cannot reach', () => {
    expect(boundsProblem({ minSelections: 2, maxSelections: 2 }, 1)).toBe('min-above-options');
  });

  it('accept exactly the bounds with 1 ≤ max, min ≤ max and min ≤ options', () => {
    const n = fc.integer({ min: 0, max: 20 });
    fc.assert(
      fc.property(n, n, n, (min, max, count) => {
        const ok = max >= 1 && min <= max && min <= count;
        expect(boundsProblem({ minSelections: min, maxSelections: max }, count) === null).toBe(ok);
      }),
    );
  });
});

describe('a customer’s modifier selection', () => {
  it('is accepted within every group’s bounds and priced by its deltas', () => {
    expect(checkSelection([sauces, extras], ['aioli', 'cheese', 'no-onion'])).toEqual({
      ok: true,
      deltaMinor: 70,
    });
  });

  it('is refused when a required group is left out', () => {
    expect(checkSelection([sauces, extras], ['cheese'])).toEqual({
      ok: false,
      reason: 'too-few',
      groupId: 'sauces',
    });
  });

  it('is refused when a group gets more than its maximum', () => {
    expect(checkSelection([sauces], ['ketchup', 'mayo', 'aioli'])).toMatchObject({
      ok: false,
      reason: 'too-many',
    });
  });

  it('is refused when an option is chosen twice or belongs to none of the item’s groups', () => {
    expect(checkSelection([sauces], ['ketchup', 'ketchup'])).toMatchObject({
      reason: 'duplicate-option',
    });
    expect(checkSelection([sauces], ['ketchup', 'gravy'])).toMatchObject({
      reason: 'unknown-option',
    });
  });

  it('is accepted exactly when each group’s count lies within its bounds', () => {
    fc.assert(
      fc.property(fc.subarray(sauces.options.map((o) => o.id)), (chosen) => {
        const result = checkSelection([sauces], chosen);
        expect(result.ok).toBe(chosen.length >= 1 && chosen.length <= 2);
      }),
    );
  });
});
