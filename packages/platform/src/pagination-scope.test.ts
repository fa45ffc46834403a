import { newId } from './ids.ts';
import { describe, expect, it } from 'vitest';
import { cursorScope, encodeCursor } from './pagination.ts';

const issued = (list: string, sort: string | undefined, key: (string | number)[]) =>
  cursorScope(list, sort).keyOf(() => key)(undefined);

describe('page cursors', () => {
  it('give back the keyset they were issued with, for the same list and sort', () => {
    const id = newId();
    const cursor = encodeCursor(issued('movements', '-occurredAt', [id]));
    expect(cursorScope('movements', '-occurredAt').decodeId(cursor)).toBe(id);
    const level = encodeCursor(issued('levels', 'onHand', [7, id, id]));
    expect(cursorScope('levels', 'onHand').decode(level, 3)).toEqual([7, id, id]);
    expect(cursorScope('recipes').decodeId(undefined)).toBeUndefined();
  });

  it('are refused by another list, or by the same list sorted the other way', () => {
    const cursor = encodeCursor(issued('movements', '-occurredAt', [newId()]));
    for (const [list, sort] of [
      ['movements', 'occurredAt'],
      ['stock-items', '-occurredAt'],
      ['transfers', undefined],
    ] as const) {
      expect(() => cursorScope(list, sort).decodeId(cursor)).toThrow(
        expect.objectContaining({ code: 'invalid-cursor' }),
      );
    }
  });

  it('refuse a bare keyset without a scope, and an id that is not a uuid', () => {
    const scope = cursorScope('stock-items', 'createdAt');
    expect(() => scope.decodeId(encodeCursor([newId()]))).toThrow(
      expect.objectContaining({ code: 'invalid-cursor' }),
    );
    expect(() => scope.decodeId(encodeCursor(['stock-items?sort=createdAt', 'x']))).toThrow(
      expect.objectContaining({ code: 'invalid-cursor' }),
    );
  });
});
