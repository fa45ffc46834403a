import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { currentContext, withContext, type Actor } from '../context.ts';
import { newId } from '../ids.ts';
import { DomainError } from '../errors.ts';
import { applyMigrations, ensureAppRole } from './migrate.ts';
import { withPendingCommit } from './pending-commit.ts';
import { rowsOf, type Db, type Engine, type MigrationSet, type Tx } from './types.ts';

export interface DatabaseSettings {
  /** PostgreSQL URL of the schema owner (runs migrations). Absent: embedded PGlite. */
  url?: string;
  /** URL of the application's own login role; default: the owner URL with `SET ROLE`. */
  appUrl?: string;
  /** PGlite data folder, or `:memory:`. */
  dataDir?: string;
  poolSize?: number;
  /**
   * Name parameterised statements so PostgreSQL plans each once per connection
   * (default). Turn off behind a pooler that cannot keep prepared statements
   * (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
  logger?: Logger;
}

export interface TransactionOptions {
  /** The tenant to scope to; default: the tenant of the current request context. */
  tenantId?: string;
  /** Infrastructure work across tenants (outbox relay); only the messaging tables allow it. */
  system?: boolean;
}

type AfterCommit = () => void;
const afterCommitHooks = new WeakMap<object, AfterCommit[]>();
/** The pipelined connection a pooled transaction runs on (PGlite's have none). */
const connectionOf = new WeakMap<object, PipelinedConnection>();

/**
 * Runs a unit of work's last statements. On PostgreSQL the transaction's
 * `COMMIT` leaves in the same write as they do, instead of a round trip after
 * their answers, so rows they lock (and rows the unit locked before them) are
 * held one round trip less — what every sale of a store queues for (ADR 0016).
 * On PGlite the commit follows their answers as usual.
 *
 * Two rules make that safe, and the unit's author keeps them:
 * - `writes` starts every statement before the event loop next waits on I/O:
 *   start them together (`together`), never after awaiting one's answer. A
 *   statement started after the `COMMIT` has left is refused
 *   (`statement-after-commit`), and what went before it stays committed.
 * - Nothing is decided from their answers. A refusal must be a failing
 *   statement (a constraint, a lock that cannot be had): it aborts the
 *   transaction and PostgreSQL turns the `COMMIT` into a rollback. A unit that
 *   throws after its last statements succeeded has still committed (harmless
 *   only when they wrote nothing) and is rejected with its own error.
 *
 * A unit that fails before its `COMMIT` has left is rolled back, whatever the
 * failure (an event's payload that fails its schema, a refusal thrown before
 * a statement): `writes` throwing or its promise rejecting, or a piece of work
 * given to `together` failing, calls the commit off, and the transaction
 * rolls back once the statements already sent have answered. A failure only
 * seen after the `COMMIT` has left (past a wait on I/O, or behind an answer the
 * unit awaits first) cannot undo it: when the transaction committed, it
 * rejects with `unit-failed-after-commit`, the unit's error as its `cause`
 * (a refusal above is thrown as it is). A failure nothing awaits (a promise
 * left floating) is not seen at all. A transaction that committed runs its
 * after-commit hooks, whatever it rejects with.
 */
export function lastly<T>(tx: Tx, writes: () => Promise<T>): Promise<T> {
  const connection = connectionOf.get(tx);
  if (!connection) return writes();
  const failed = connection.commitAfterWrites();
  let started: Promise<T>;
  try {
    // A bare query builder runs its statement on every `then`: resolved once, here.
    started = withPendingCommit(failed, () => Promise.resolve(writes()));
  } catch (err) {
    failed();
    throw err;
  }
  started.then(undefined, failed);
  return started;
}

/** Runs `hook` once the transaction `tx` has committed (not if it rolls back). */
export function afterCommit(tx: Tx, hook: AfterCommit): void {
  const hooks = afterCommitHooks.get(tx);
  if (!hooks) throw new Error('afterCommit called outside a Database.transaction');
  hooks.push(hook);
}

/**
 * The application's database: every transaction is scoped to one tenant through
 * `app.tenant_id`, which the row-level-security policies read, and the
 * connection runs as a role that cannot bypass those policies.
 */
export interface Database {
  readonly engine: Engine;
  readonly db: Db;
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `fn` with the cross-tenant access that only the messaging tables
   * grant (the outbox relay's claims and marks). On PostgreSQL it runs on a
   * connection of its own whose session is system-scoped, each statement its
   * own transaction, so a claim costs one round trip; on PGlite it runs in one
   * transaction. Keep `fn` to statements that are atomic on their own.
   */
  system<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The non-superuser role the application runs as; RLS applies to it. Module
 * migrations grant their tables to it by this name.
 */
export const APP_ROLE = 'stratum_app';

export const missingTenant = () =>
  new DomainError(
    'tenant-context-missing',
    'No tenant in context for a tenant-scoped transaction.',
    'unavailable',
  );

/** What a transaction runs under: the tenant it is scoped to, or system access. */
type Scope = { tenantId?: string | undefined; system?: boolean | undefined };

/** Opens a transaction in `scope`, runs `fn` in it, commits (or rolls back on a throw). */
type RunTransaction = <T>(scope: Scope, fn: (tx: Tx) => Promise<T>) => Promise<T>;

/** The generic way, through drizzle: BEGIN, then one `set_config` per setting. */
const drizzleTransaction =
  (db: Db): RunTransaction =>
  (scope, fn) =>
    db.transaction(async (tx) => {
      if (scope.tenantId) {
        await tx.execute(sql`select set_config('app.tenant_id', ${scope.tenantId}, true)`);
      }
      if (scope.system) await tx.execute(sql`select set_config('app.system', 'on', true)`);
      return fn(tx);
    });

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What `prepareTyping` said of each column (columns live as long as the process). */
const typings = new WeakMap<object, ReturnType<PgDialect['prepareTyping']>>();

/**
 * drizzle asks the dialect for each parameter's type hint by testing its column
 * against six column classes, walking prototype chains each time (4 % of the
 * server's CPU under checkout load). The answer for a column never changes, so
 * it is asked once. (drizzle passes the method unbound: no `this`.)
 */
class PgDialectWithTypingCache extends PgDialect {
  override prepareTyping(encoder: Parameters<PgDialect['prepareTyping']>[0]) {
    if (!encoder || typeof encoder !== 'object') return super.prepareTyping(encoder);
    let typing = typings.get(encoder);
    if (typing === undefined) {
      typing = super.prepareTyping(encoder);
      typings.set(encoder, typing);
    }
    return typing;
  }
}
const pgDialect = new PgDialectWithTypingCache();

/**
 * node-postgres: BEGIN and the scope go to the server as one simple query, so
 * a transaction costs a round trip less than through drizzle (most of the
 * application's transactions are two or three statements long). The tenant id
 * is written into that query only when it is a UUID; anything else takes the
 * parameterised way.
 */
const pooledTransaction =
  (pool: pg.Pool, fallback: RunTransaction): RunTransaction =>
  async (scope, fn) => {
    if (scope.tenantId !== undefined && !uuidShape.test(scope.tenantId)) {
      return fallback(scope, fn);
    }
    const prelude = ['begin'];
    if (scope.tenantId)
      prelude.push(`select set_config('app.tenant_id', '${scope.tenantId}', true)`);
    if (scope.system) prelude.push(`select set_config('app.system', 'on', true)`);
    const client = await pool.connect();
    const connection = client as unknown as PipelinedConnection;
    // A connection that failed mid-transaction is not handed to the next caller.
    let broken: Error | undefined;
    try {
      const session = new NodePgSession(client, pgDialect, undefined);
      const tx = new NodePgTransaction(pgDialect, session, undefined) as unknown as Tx;
      connectionOf.set(tx, connection);
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        // Not awaited: the client is pipelined, so the prelude leaves in one write with
        // the transaction's first statement; a failed prelude fails that statement too.
        const begun = client.query(prelude.join('; '));
        begun.catch(() => {});
        result = await fn(tx);
        await begun;
      } catch (err) {
        // A commit sent with the last statements has settled the outcome already.
        const sent = connection.sentCommit();
        if (sent) {
          const answer = await sent.catch((commitErr: Error) => {
            if (!hasSqlState(commitErr)) broken = commitErr;
          });
          if (answer?.command === 'COMMIT') {
            throw committedAfterAll(err, connection.lastStatementsFailedAfterCommit());
          }
        } else {
          // No commit has left: forget one asked for (the unit failed while starting its
          // last statements) and roll back.
          connection.endTransaction();
          await client.query('rollback').catch((rollbackErr: Error) => (broken = rollbackErr));
        }
        throw err;
      }
      const committed = await (connection.sentCommit() ?? client.query('commit')).catch(
        (err: Error) => {
          if (!hasSqlState(err)) broken = err;
          throw err;
        },
      );
      // PostgreSQL answers COMMIT with ROLLBACK when a statement of the transaction
      // failed; a unit that let such a failure pass must not be reported as done.
      if (committed.command !== 'COMMIT') throw new Error('The transaction was rolled back.');
      return result;
    } finally {
      connection.endTransaction();
      client.release(broken);
    }
  };

/** Statements longer than this are sent unnamed: bulk inserts would each leave a plan behind. */
const maxPreparedTextLength = 2048;
const statementNames = new Map<string, string>();

/** A statement's server-side name: derived from its text, so equal texts share one plan. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `s_${createHash('sha1').update(text).digest('base64url')}`;
    if (statementNames.size >= 5_000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

type QueryArgs = [config: unknown, values?: unknown, callback?: unknown];

/** What a pooled transaction asks of its pipelined connection. */
interface PipelinedConnection {
  /**
   * Sends COMMIT after the statements being started now, in the same write
   * (`lastly`). Answers what to call if they fail: it calls the commit off
   * while it has not left, and notes the failure once it has; it does nothing
   * to a later transaction on the connection.
   */
  commitAfterWrites(): () => void;
  /** Whether the last statements failed after the COMMIT sent with them had left. */
  lastStatementsFailedAfterCommit(): boolean;
  /** The answer to a COMMIT sent that way, once it has left. */
  sentCommit(): Promise<pg.QueryResult> | undefined;
  /** Forgets a COMMIT asked for or sent: the connection takes statements again. */
  endTransaction(): void;
}

/** Refusals of statements started after their transaction's COMMIT had left. */
const refusals = new WeakSet<object>();
/** What a unit's transaction threw after it committed all the same (its after-commit hooks run). */
const committedFailures = new WeakSet<object>();

/** A statement started after its transaction's COMMIT had left (a unit that broke `lastly`'s rule). */
const startedAfterCommit = () => {
  const refused = new Error(
    'statement-after-commit: a statement was started after its transaction’s COMMIT had been sent with the last statements',
  );
  refusals.add(refused);
  return refused;
};

/** Whether `err` is, or wraps, the refusal of a statement started after the COMMIT had left. */
function isRefusal(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Object && depth < 8; depth += 1) {
    if (refusals.has(e)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * What to throw for a unit that failed although the COMMIT sent with its last
 * statements committed it (its after-commit hooks run). When those statements
 * failed after the COMMIT had left, an error that says the transaction
 * committed, the unit's own as its cause — unless that is (or wraps) a
 * refusal, which says so already. Otherwise the unit's own: it failed after
 * its last statements had succeeded, and `lastly` tells it that it committed.
 */
function committedAfterAll(err: unknown, lastStatementsFailed: boolean): unknown {
  const thrown =
    lastStatementsFailed && !isRefusal(err)
      ? new Error(
          'unit-failed-after-commit: the unit’s last statements failed after its transaction’s COMMIT had been sent with them; the transaction committed',
          { cause: err },
        )
      : err;
  if (thrown instanceof Object) committedFailures.add(thrown);
  return thrown;
}

/**
 * The pool's node-postgres client (ADR 0016). It is pipelined: a statement is
 * written at once, not after the previous one's answer, and every statement
 * issued before the event loop moves on (a transaction's prelude and its first
 * statement, statements awaited together) leaves in one write — on this kind of
 * machine a round trip costs the server about twenty times what one more
 * statement in it does. With `prepared`, every parameterised statement is also
 * named after its text: node-postgres parses a named statement once per
 * connection and then only binds and executes it, so PostgreSQL stops parsing
 * and planning the same few dozen statements on every call.
 */
function pooledClient(prepared: boolean): typeof pg.Client {
  return class PipelinedClient extends pg.Client implements PipelinedConnection {
    #flushQueued = false;
    #commitQueued = false;
    #commit: Promise<pg.QueryResult> | undefined;
    #failedAfterCommit = false;
    /** Transactions ended on this connection: a failure noted late cannot reach the next one. */
    #ended = 0;

    constructor(config?: string | pg.ClientConfig) {
      const settings = typeof config === 'string' ? { connectionString: config } : config;
      super({ ...settings, pipeline: true });
    }

    commitAfterWrites() {
      const transaction = this.#ended;
      const failed = () => {
        if (this.#ended !== transaction) return;
        if (this.#commit) this.#failedAfterCommit = true;
        else this.#commitQueued = false;
      };
      if (this.#commit || this.#commitQueued) return failed;
      // Without a corked socket the statements leave one by one: the commit follows their answers.
      this.#commitQueued = this.#gatherWrites();
      return failed;
    }

    lastStatementsFailedAfterCommit() {
      return this.#failedAfterCommit;
    }

    sentCommit() {
      return this.#commit;
    }

    endTransaction() {
      this.#commit = undefined;
      this.#commitQueued = false;
      this.#failedAfterCommit = false;
      this.#ended += 1;
    }

    override query(...[config, values, callback]: QueryArgs): never {
      if (this.#commit) {
        const refused = startedAfterCommit();
        if (typeof callback === 'function') {
          process.nextTick(callback, refused);
          return undefined as never;
        }
        return Promise.reject(refused) as never;
      }
      this.#gatherWrites();
      const c = config as { text?: unknown; name?: unknown; submit?: unknown } | null;
      const named =
        prepared &&
        c &&
        typeof c === 'object' &&
        typeof c.submit !== 'function' &&
        typeof c.text === 'string' &&
        c.name === undefined &&
        Array.isArray(values) &&
        values.length > 0 &&
        c.text.length <= maxPreparedTextLength
          ? { ...c, name: statementName(c.text) }
          : config;
      return (super.query as (...args: QueryArgs) => never)(named, values, callback);
    }

    /**
     * Holds the socket's writes until the current tick's work is done, then
     * sends them as one. A commit asked for with them waits one step more: for
     * the promise jobs already queued, which start the statements of bare query
     * builders and of repository calls past their first `await` (a tick queued
     * from a promise job runs once the whole queue of jobs has run).
     */
    #gatherWrites(): boolean {
      if (this.#flushQueued) return true;
      const { stream } = (this as unknown as { connection: { stream: Socket } }).connection;
      if (stream.connecting || !stream.writable) return false;
      stream.cork();
      this.#flushQueued = true;
      const flush = () => {
        this.#flushQueued = false;
        stream.uncork();
      };
      process.nextTick(() => {
        if (!this.#commitQueued) return flush();
        queueMicrotask(() =>
          process.nextTick(() => {
            if (!this.#commitQueued) return flush();
            this.#commitQueued = false;
            const commit = (super.query as (...args: QueryArgs) => Promise<pg.QueryResult>)(
              'commit',
            );
            commit.catch(() => {});
            this.#commit = commit;
            flush();
          }),
        );
      });
      return true;
    }
  };
}

/** An error the server answered (it carries a SQLSTATE), as opposed to a lost connection. */
const hasSqlState = (err: unknown) => {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
};

function makeDatabase(
  engine: Engine,
  db: Db,
  close: () => Promise<void>,
  extras: { systemDb?: Db; run?: RunTransaction } = {},
): Database {
  const run = extras.run ?? drizzleTransaction(db);
  const systemDb = extras.systemDb;
  const database: Database = {
    engine,
    db,
    async transaction(fn, options = {}) {
      const tenantId = options.tenantId ?? currentContext()?.tenantId;
      if (!tenantId && !options.system) throw missingTenant();
      const hooks: AfterCommit[] = [];
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await run({ tenantId, system: options.system }, (tx) => {
          afterCommitHooks.set(tx, hooks);
          return fn(tx);
        });
      } catch (err) {
        // A unit that failed once its commit had left (`lastly`) may have committed all the same.
        if (err instanceof Object && committedFailures.has(err)) for (const hook of hooks) hook();
        throw err;
      }
      for (const hook of hooks) hook();
      return result;
    },
    system(fn) {
      return systemDb ? fn(systemDb) : database.transaction((tx) => fn(tx), { system: true });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close,
  };
  return database;
}

async function assertNotPrivileged(db: Db, logger?: Logger): Promise<void> {
  const [row] = rowsOf<{ role: string; rolsuper: boolean; rolbypassrls: boolean }>(
    await db.execute(
      sql`select current_user as role, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
    ),
  );
  if (!row || row.rolsuper || row.rolbypassrls) {
    throw new Error(
      `The application role "${row?.role}" is a superuser or bypasses RLS; tenancy would not be enforced.`,
    );
  }
  logger?.debug({ role: row.role }, 'database role verified');
}

export interface OpenedDatabase {
  database: Database;
  /** Where the data lives, for the operator: a folder or a redacted URL. */
  location: string;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

/**
 * Opens the database, applies every module's migrations as the owner, then
 * hands back a connection that runs as the application role.
 */
export async function openDatabase(
  settings: DatabaseSettings,
  migrations: readonly MigrationSet[],
): Promise<OpenedDatabase> {
  const appRole = APP_ROLE;
  if (!settings.url) {
    const dataDir = settings.dataDir ?? ':memory:';
    if (dataDir !== ':memory:') mkdirSync(dataDir, { recursive: true });
    const client = await PGlite.create(dataDir === ':memory:' ? undefined : dataDir);
    const ownerDb = drizzlePglite(client) as unknown as Db;
    await ensureAppRole(ownerDb, appRole);
    await applyMigrations(ownerDb, migrations, settings.logger);
    // PGlite has one session: switch it to the application role for good.
    await client.exec(`set role ${pgIdent(appRole)}`);
    await assertNotPrivileged(ownerDb, settings.logger);
    const database = makeDatabase('pglite', ownerDb, () => client.close());
    return { database, location: dataDir === ':memory:' ? 'in memory' : dataDir };
  }

  await migratePostgres(settings.url, migrations, appRole, settings.logger);
  // The owner URL may be a superuser: every session starts as the app role.
  const asAppRole = settings.appUrl ? [] : [`-c role=${appRole}`];
  const pool = new pg.Pool({
    Client: pooledClient(settings.preparedStatements !== false),
    connectionString: settings.appUrl ?? settings.url,
    max: settings.poolSize ?? 10,
    ...(asAppRole.length > 0 && { options: asAppRole.join(' ') }),
  });
  // The relay's own connection: system-scoped for its whole session, which the
  // RLS policies honour on the messaging tables only. Its commits (claims,
  // marks, failures) do not wait for the WAL's flush: one lost in a database
  // crash only sends a message again, and the inboxes take each message once.
  const systemPool = new pg.Pool({
    connectionString: settings.appUrl ?? settings.url,
    max: 1,
    options: [...asAppRole, '-c app.system=on', '-c synchronous_commit=off'].join(' '),
  });
  for (const p of [pool, systemPool]) {
    p.on('error', (err) => settings.logger?.warn({ err }, 'idle database connection failed'));
  }
  const db = drizzlePg(pool) as unknown as Db;
  await assertNotPrivileged(db, settings.logger);
  const database = makeDatabase(
    'postgres',
    db,
    async () => {
      await Promise.all([pool.end(), systemPool.end()]);
    },
    {
      systemDb: drizzlePg(systemPool) as unknown as Db,
      run: pooledTransaction(pool, drizzleTransaction(db)),
    },
  );
  return { database, location: redactUrl(settings.appUrl ?? settings.url) };
}

/** Applies migrations on PostgreSQL, one process at a time (advisory lock). */
export async function migratePostgres(
  url: string,
  migrations: readonly MigrationSet[],
  appRole = APP_ROLE,
  logger?: Logger,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', ['stratum.migrations']);
    const db = drizzlePg(client) as unknown as Db;
    await ensureAppRole(db, appRole);
    await applyMigrations(db, migrations, logger);
  } finally {
    await client.end();
  }
}

export function pgIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * Runs `fn` in one transaction of the caller's tenant, with the caller's
 * actor in the context, so the audit log and the events' correlation ids name
 * whoever called, over HTTP or in-process (a call outside any request gets a
 * request id of its own).
 */
export function transactionAs<T>(
  database: Database,
  ctx: { readonly tenantId: string; readonly actor: Actor },
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return withContext(
    { ...(!currentContext() && { requestId: newId() }), tenantId: ctx.tenantId, actor: ctx.actor },
    () => database.transaction(fn, { tenantId: ctx.tenantId }),
  );
}
