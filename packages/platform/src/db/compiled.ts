import { Param, Placeholder, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './types.ts';

/** What drizzle's query builders give `compiled`: a statement it can prepare. */
interface Preparable<R> {
  prepare(name: string): PreparedStatement<R>;
}

interface PreparedStatement<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** What drizzle's prepared statements keep of a call: its connection and its parameters. */
interface Bindable {
  client: object;
  params: unknown[];
}

/**
 * The parameters of one call, as drizzle's builder would have sent them: a
 * column's value through the column's encoder, but a null as SQL NULL (the
 * JSON encoder would turn it into the JSON value `null`, the timestamp one
 * would throw).
 */
function fill(params: readonly unknown[], values: Record<string, unknown>): unknown[] {
  const valueOf = (name: string) => {
    if (!(name in values)) throw new Error(`No value for placeholder "${name}".`);
    return values[name];
  };
  return params.map((param) => {
    if (param instanceof Placeholder) return valueOf((param as Placeholder).name);
    if (param instanceof Param && param.value instanceof Placeholder) {
      const value = valueOf((param.value as Placeholder).name);
      return value === null ? null : (param.encoder.mapToDriverValue(value) as unknown);
    }
    return param;
  });
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
 * Only for statements of one shape. A list of variable length changes the
 * text: a multi-row insert takes `compiledRows`, a list of ids one array
 * parameter (`= any($1::uuid[])`) instead of an `IN` list.
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
    // The prepared statement as built, bound to this call's connection and values.
    const bound = Object.create(template) as PreparedStatement<R> & Bindable;
    bound.client = client;
    bound.params = fill(
      (template as unknown as Bindable).params,
      values as Record<string, unknown>,
    );
    return bound.execute();
  };
}

/**
 * The placeholders of `names`, as an insert's or update's columns: a column
 * takes the value of the same name.
 */
export function placeholdersOf<V, const K extends keyof V & string>(
  p: Placeholders<V>,
  names: readonly K[],
): { [N in K]: Placeholder<N> } {
  return Object.fromEntries(names.map((name) => [name, p[name]])) as { [N in K]: Placeholder<N> };
}

/** The placeholders of row `index` of a list: `0:id`, `0:name`, `1:id`… */
const rowPlaceholders = (index: number) =>
  new Proxy({} as Record<string, Placeholder>, {
    get: (_, name) => sql.placeholder(`${index}:${String(name)}`),
  });

/**
 * `compiled` for a statement over a list of rows (a multi-row insert): its
 * text depends on how many rows there are, so it is compiled once per length,
 * up to `maxRows`; a longer list is built for its one call.
 */
export function compiledRows<Row extends object, R>(
  build: (db: Db | Tx, rows: Placeholders<Row>[]) => Preparable<R>,
  maxRows = 16,
): (db: Db | Tx, rows: readonly Row[]) => Promise<R> {
  const byLength = new Map<number, (db: Db | Tx, values: object) => Promise<R>>();
  const statementFor = (length: number) =>
    compiled<object, R>((db) =>
      build(
        db,
        Array.from({ length }, (_, i) => rowPlaceholders(i) as Placeholders<Row>),
      ),
    );
  return (db, rows) => {
    let statement = byLength.get(rows.length);
    if (!statement) {
      statement = statementFor(rows.length);
      if (rows.length <= maxRows) byLength.set(rows.length, statement);
    }
    const values: Record<string, unknown> = {};
    rows.forEach((row, i) => {
      for (const [name, value] of Object.entries(row)) values[`${i}:${name}`] = value;
    });
    return statement(db, values);
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
