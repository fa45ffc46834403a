import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './types.ts';

/** What drizzle's query builders give `compiled`: a statement it can prepare. */
interface Preparable<R> {
  prepare(name: string): PreparedStatement<R>;
}

interface PreparedStatement<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** The named placeholders a compiled statement's values fill. */
export type Placeholders<V> = { readonly [K in keyof V & string]: Placeholder<K> };

const placeholders = new Proxy({} as Record<string, Placeholder>, {
  get: (_, name) => sql.placeholder(String(name)),
});

/** The driver client behind a drizzle database or transaction, and its engine's session class. */
function sessionOf(db: Db | Tx): { engine: object; client: object } {
  const session = (db as unknown as { session?: { client?: object } }).session;
  if (!session?.client)
    throw new Error('A compiled statement needs a drizzle database or transaction.');
  return { engine: session.constructor, client: session.client };
}

/**
 * A statement whose SQL is built once, not on every call (ADR 0016): drizzle
 * builds a query's text from its builder tree each time it runs — on the
 * checkout's hot paths that was a fifth of the server's CPU. `build` describes
 * the statement with named placeholders for everything that varies; its text,
 * its parameters' encoders and its result mapping are prepared at the first
 * call on each engine and reused. Each call runs on the connection of the
 * transaction (or database) it is given, exactly as the builder would have.
 *
 * Only for statements of one shape: a list of variable length (an `IN` list,
 * a multi-row insert) changes the text and stays a plain builder.
 */
export function compiled<V extends object, R>(
  build: (db: Db | Tx, p: Placeholders<V>) => Preparable<R>,
): (db: Db | Tx, values: V) => Promise<R> {
  const byEngine = new Map<object, PreparedStatement<R>>();
  return (db, values) => {
    const { engine, client } = sessionOf(db);
    let template = byEngine.get(engine);
    if (!template) {
      // Unnamed: the pool's client names statements after their text (ADR 0016).
      template = build(db, placeholders as Placeholders<V>).prepare(undefined as unknown as string);
      byEngine.set(engine, template);
    }
    // The prepared statement as built, bound to this call's connection.
    const bound = Object.create(template) as PreparedStatement<R> & { client: object };
    bound.client = client;
    return bound.execute(values as Record<string, unknown>);
  };
}

/**
 * The columns an update sets, from placeholders. drizzle's `set()` takes a
 * placeholder at run time (it becomes a parameter encoded by its column, as a
 * value would) but its types only admit values; this is where that is said.
 */
export function placeholderSet<Row>(set: { readonly [K in keyof Row]?: Placeholder | SQL }): {
  [K in keyof Row]?: Row[K];
} {
  return set as { [K in keyof Row]?: Row[K] };
}
