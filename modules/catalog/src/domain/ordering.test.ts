import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicatesIn, isPermutationOf } from './ordering.ts';

describe('a new category order', () => {
  it('is accepted when it names every category exactly once', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 1 }), (ids) => {
        expect(isPermutationOf(ids, [...ids].reverse())).toBe(true);
      }),
    );
  });

  it('is refused when a category is missing, repeated or unknown', () => {
    expect(isPermutationOf(['a', 'b', 'c'], ['a', 'b'])).toBe(false);
    expect(isPermutationOf(['a', 'b'], ['a', 'a'])).toBe(false);
    expect(isPermutationOf(['a', 'b'], ['a', 'x'])).toBe(false);
  });
});

describe('duplicate references', () => {
  it('are reported once each', () => {
    expect(duplicatesIn(['a', 'b', 'a', 'a', 'c', 'b'])).toEqual(['a', 'b']);
    expect(duplicatesIn(['a', 'b'])).toEqual([]);
  });
});
