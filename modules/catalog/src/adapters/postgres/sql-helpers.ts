import { asc, desc, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { After } from '../../application/ports.ts';

/** Rows after the cursor in keyset order: `(a, b) > (x, y)`, or `<` when descending. */
export function keyset(
  columns: readonly AnyPgColumn[],
  after: After | undefined,
  descending = false,
): SQL | undefined {
  if (!after) return undefined;
  const left = sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
  const right = sql.join(
    after.map((v) => sql`${v}`),
    sql`, `,
  );
  return descending ? sql`(${left}) < (${right})` : sql`(${left}) > (${right})`;
}

export function orderBy(columns: readonly AnyPgColumn[], descending = false): SQL[] {
  return columns.map((c) => (descending ? desc(c) : asc(c)));
}

/** A LIKE pattern matching `text` anywhere, with its wildcards taken literally. */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
