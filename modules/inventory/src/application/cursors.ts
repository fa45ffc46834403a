import { decodeCursor, invalidCursor, isUuid } from '@stratum/platform';

type Key = readonly (string | number)[];

/**
 * Inventory's page cursors are the platform's (the keyset of a page's last
 * row), led by the list and sort they were issued for. A bare keyset from
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
