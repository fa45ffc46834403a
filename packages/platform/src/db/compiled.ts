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

/** A column's encoder, as drizzle's builder applies it to a value. */
interface Encoder {
  mapToDriverValue(value: unknown): unknown;
}

/**
 * Where one parameter of a compiled statement comes from: a value fixed when
 * it was built, or the call's value under `key`, through the encoder of the
 * column it is written to, if any.
 */
type Slot<K> =
  | { readonly fixed: true; readonly value: unknown }
  | { readonly fixed: false; readonly key: K; readonly encoder: Encoder | undefined };

/** The slots of a built statement's parameters, each placeholder's name read once through `keyOf`. */
function slotsOf<K>(params: readonly unknown[], keyOf: (name: string) => K): Slot<K>[] {
  return params.map((param): Slot<K> => {
    if (param instanceof Placeholder) {
      return { fixed: false, key: keyOf((param as Placeholder).name), encoder: undefined };
    }
    if (param instanceof Param && param.value instanceof Placeholder) {
      const { name } = param.value as Placeholder;
      return { fixed: false, key: keyOf(name), encoder: param.encoder as Encoder };
    }
    return { fixed: true, value: param };
  });
}

/**
 * The parameters of one call, as drizzle's builder would have sent them: a
 * column's value through the column's encoder, but a null as SQL NULL (the
 * JSON encoder would turn it into the JSON value `null`, the timestamp one
 * would throw).
 */
function fill<K>(slots: readonly Slot<K>[], valueOf: (key: K) => unknown): unknown[] {
  const params = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (slot.fixed) {
      params[i] = slot.value;
    } else {
      const value = valueOf(slot.key);
      params[i] = slot.encoder && value !== null ? slot.encoder.mapToDriverValue(value) : value;
    }
  }
  return params;
}

const noValue = (name: string) => new Error(`No value for placeholder "${name}".`);

/**
 * What `compiled` and `compiledRows` share: the statement `build` describes,
 * prepared at the first call on each engine with the slots of its parameters;
 * each call binds it to its connection and fills the slots through `valueOf`.
 */
function prepareOnce<K, R>(
  build: (db: Db | Tx) => Preparable<R>,
  keyOf: (name: string) => K,
): (db: Db | Tx, valueOf: (key: K) => unknown) => Promise<R> {
  const byEngine = new Map<object, { template: PreparedStatement<R>; slots: Slot<K>[] }>();
  return (db, valueOf) => {
    const { engine, client } = sessionOf(db);
    let prepared = byEngine.get(engine);
    if (!prepared) {
      // Unnamed: the pool's client names statements after their text (ADR 0016).
      const template = build(db).prepare(undefined as unknown as string);
      prepared = { template, slots: slotsOf((template as unknown as Bindable).params, keyOf) };
      byEngine.set(engine, prepared);
    }
    // The prepared statement as built, bound to this call's connection and values.
    const bound = Object.create(prepared.template) as PreparedStatement<R> & Bindable;
    bound.client = client;
    bound.params = fill(prepared.slots, valueOf);
    return bound.execute();
  };
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
  const run = prepareOnce<string, R>(
    (db) => build(db, placeholders as Placeholders<V>),
    (name) => name,
  );
  return (db, values) => {
    const named = values as Record<string, unknown>;
    return run(db, (name) => {
      if (!(name in named)) throw noValue(name);
      return named[name];
    });
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

/** Which row of the list and which of its values a row placeholder (`1:name`) stands for. */
function rowKeyOf(name: string): { row: number; field: string; name: string } {
  const colon = name.indexOf(':');
  return { row: Number(name.slice(0, colon)), field: name.slice(colon + 1), name };
}

/**
 * `compiled` for a statement over a list of rows (a multi-row insert): its
 * text depends on how many rows there are, so it is compiled once per length,
 * up to `maxRows`; a longer list is built for its one call.
 */
export function compiledRows<Row extends object, R>(
  build: (db: Db | Tx, rows: Placeholders<Row>[]) => Preparable<R>,
  maxRows = 16,
): (db: Db | Tx, rows: readonly Row[]) => Promise<R> {
  type Run = (db: Db | Tx, valueOf: (key: ReturnType<typeof rowKeyOf>) => unknown) => Promise<R>;
  const byLength = new Map<number, Run>();
  const statementFor = (length: number): Run =>
    prepareOnce(
      (db) =>
        build(
          db,
          Array.from({ length }, (_, i) => rowPlaceholders(i) as Placeholders<Row>),
        ),
      rowKeyOf,
    );
  return (db, rows) => {
    let statement = byLength.get(rows.length);
    if (!statement) {
      statement = statementFor(rows.length);
      if (rows.length <= maxRows) byLength.set(rows.length, statement);
    }
    return statement(db, ({ row, field, name }) => {
      const values = rows[row] as Record<string, unknown>;
      if (!(field in values)) throw noValue(name);
      return values[field];
    });
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
