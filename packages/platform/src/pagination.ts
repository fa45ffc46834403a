import { z } from 'zod';
import { DomainError } from './errors.ts';

/**
 * Opaque cursors for keyset pagination: the sort-key values of the last row
 * of a page, as base64url JSON. Clients pass them back untouched.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return values;
    }
  } catch {
    /* falls through to the problem below */
  }
  throw invalidCursor();
}

export const invalidCursor = () =>
  new DomainError('invalid-cursor', 'The cursor is not one this API issued.', 'invalid');

/** Query parameters every list endpoint accepts. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

/** The body of a list response. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only tells that
 * there is a next page, whose cursor is taken from the last row kept.
 */
export function toPage<R, V>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => V,
  cursorOf: (row: R) => readonly (string | number)[],
): { items: V[]; nextCursor: string | null } {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    items: kept.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
