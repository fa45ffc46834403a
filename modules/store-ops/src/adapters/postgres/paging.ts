import { asc, desc, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { cursorScope, toPage } from '@stratum/platform';

/**
 * Keyset pagination over a sort key of one or more columns (the last one the
 * unique id, as a tie-breaker). `sort` names a key, with `-` for descending;
 * the cursor holds the key's values of the last row returned, scoped to
 * `list` and the sort (another list's cursor is `invalid-cursor`).
 */
export function keyset(
  list: string,
  sort: string,
  keys: Record<string, readonly PgColumn[]>,
  cursor: string | undefined,
) {
  const descending = sort.startsWith('-');
  const columns = keys[descending ? sort.slice(1) : sort];
  if (!columns) throw new Error(`Unknown sort key ${sort}`);
  const cursors = cursorScope(list, sort);
  const values = cursors.decode(cursor, columns.length);
  const typed = (v: string | number, c: PgColumn) => sql`${v}::${sql.raw(c.getSQLType())}`;
  const after: SQL | undefined = values
    ? sql`(${sql.join([...columns], sql`, `)}) ${descending ? sql`<` : sql`>`} (${sql.join(
        values.map((v, i) => typed(v, columns[i]!)),
        sql`, `,
      )})`
    : undefined;
  return {
    after,
    orderBy: columns.map((c) => (descending ? desc(c) : asc(c))),
    /** Builds the page from `limit + 1` rows. */
    page<R, V>(
      rows: readonly R[],
      limit: number,
      view: (row: R) => V,
      key: (row: R) => (string | number)[],
    ) {
      return toPage(rows, limit, view, cursors.keyOf(key));
    },
  };
}

export const iso = (d: Date) => d.toISOString();
