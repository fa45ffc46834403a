import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from './pagination.ts';

describe('cursors', () => {
  it('decode to the values they were made from', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 3 }),
        (values) => {
          expect(decodeCursor(encodeCursor(values), values.length)).toEqual(values);
        },
      ),
    );
  });

  it('reject anything this API did not issue with a 400 problem code', () => {
    for (const bad of [
      'not-a-cursor',
      encodeCursor(['a', 'b']),
      Buffer.from('{"x":1}').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad, 1)).toThrow(
        expect.objectContaining({ code: 'invalid-cursor', kind: 'invalid' }),
      );
    }
  });
});

describe('toPage', () => {
  const rows = [1, 2, 3, 4, 5].map((n) => ({ id: `id-${n}` }));

  it('keeps `limit` rows and gives a cursor only when there was one more', () => {
    const page = toPage(
      rows.slice(0, 3),
      2,
      (r) => r.id,
      (r) => [r.id],
    );
    expect(page.items).toEqual(['id-1', 'id-2']);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual(['id-2']);
    expect(
      toPage(
        rows.slice(0, 2),
        2,
        (r) => r.id,
        (r) => [r.id],
      ).nextCursor,
    ).toBeNull();
  });
});
