import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { printerColumns } from './receipt-columns.ts';

describe('the columns a receipt printer gives text', () => {
  it('agrees with string-width on every character it counts at once', () => {
    const fast = [
      ...Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => 0x20 + i),
      ...Array.from({ length: 0x2ff - 0xa0 + 1 }, (_, i) => 0xa0 + i),
      0x2022,
      0x20ac,
    ].map((c) => String.fromCodePoint(c));
    for (const ch of fast) expect([ch, printerColumns(ch)]).toEqual([ch, stringWidth(ch)]);
  });

  it('measures the rest as string-width does', () => {
    for (const text of [
      '抹茶ラテ',
      'cafe\u0301',
      '👍🏽 x2',
      'soft\u00adhyphen',
      'Card •••• 4242 €',
    ]) {
      expect(printerColumns(text)).toBe(stringWidth(text));
    }
  });
});
