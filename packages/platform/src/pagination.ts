import { z } from 'zod';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';

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

type Key = readonly (string | number)[];

/**
 * Page cursors scoped to the list and sort they were issued for: the keyset
 * of a page's last row (`encodeCursor`), led by the scope. A bare keyset from
 * another list, or from the same list in the other direction, would decode
 * and quietly give a wrong page; with the scope in front it is refused as
 * `invalid-cursor`. The scope covers the sort and not the filters: a keyset
 * position still means the same under other filters.
 */
export interface CursorScope {
  /** Keyset of a row, led by the scope: for `toPage`. */
  keyOf<R>(key: (row: R) => Key): (row: R) => Key;
  /** The keyset a client's cursor carries, or undefined without one; `arity` excludes the scope. */
  decode(cursor: string | undefined, arity: number): (string | number)[] | undefined;
  /** The id a single-id keyset cursor carries, or undefined without one. */
  decodeId(cursor: string | undefined): string | undefined;
}

export function cursorScope(list: string, sort?: string): CursorScope {
  const scope = sort === undefined ? list : `${list}?sort=${sort}`;
  const decode = (cursor: string | undefined, arity: number) => {
    if (!cursor) return undefined;
    const [tag, ...values] = decodeCursor(cursor, arity + 1);
    if (tag !== scope) throw invalidCursor();
    return values;
  };
  return {
    keyOf: (key) => (row) => [scope, ...key(row)],
    decode,
    decodeId(cursor) {
      const values = decode(cursor, 1);
      if (values === undefined) return undefined;
      const [id] = values;
      if (typeof id !== 'string' || !isUuid(id)) throw invalidCursor();
      return id;
    },
  };
}
