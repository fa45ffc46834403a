import { and, asc, inArray, isNull, lte, sql } from 'drizzle-orm';
import { compiled } from '../db/compiled.ts';
import type { Database } from '../db/database.ts';
import type { OutboxTable } from '../db/tables.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from './bus.ts';
import type { EventEnvelope } from './envelope.ts';
import type { CommittedMessage, RelayHandOff } from './outbox.ts';
import { withProducerSpan } from '../telemetry/messaging.ts';

export interface OutboxRelayOptions {
  database: Database;
  outboxes: readonly { module: string; table: OutboxTable }[];
  bus: EventBus;
  logger?: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a claimed message stays invisible to other relays while it is published. */
  leaseMs?: number;
  /** After this many failed attempts a message is set aside as dead. */
  maxAttempts?: number;
  /**
   * How long a message handed over on commit stays leased to this relay. One
   * not published within half of it is left to the poll, which claims it once
   * the lease has run out: a crash costs it at most this much delay.
   */
  handOffLeaseMs?: number;
  /**
   * How long published messages wait to be marked, so that one statement
   * marks what several commits sent. A crash in between publishes them again
   * once their lease runs out (delivery is at least once).
   */
  markDelayMs?: number;
}

export interface OutboxRelay {
  start(): void;
  /**
   * Signals that a transaction just committed new messages to `module`'s
   * outbox (every outbox when no module is named); only those are polled.
   */
  wake(module?: string): void;
  /** How `module`'s outbox hands what commits in this process to this relay. */
  handOff(module: string): RelayHandOff;
  /** Publishes everything due now, once, and marks it; returns how many messages were published. */
  runOnce(): Promise<number>;
  /** Stops the loop after publishing what is due, within `deadlineMs`. */
  drain(deadlineMs?: number): Promise<void>;
  readonly running: boolean;
}

/** Exponential backoff with a cap: 1 s, 2 s, 4 s … 5 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Moves committed outbox rows to the bus. Rows are claimed with a lease
 * (`FOR UPDATE SKIP LOCKED`, in one statement) and published outside any
 * transaction, so several relays can share a table and a crash mid-publish
 * only delays the message until the lease runs out: delivery is at least once.
 * Rows written in this process while the relay runs come already leased to it
 * and are handed over on commit, so they are published without a claim; the
 * poll takes whatever a crash or a slow bus left behind (ADR 0004).
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { database, bus, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const handOffLeaseMs = options.handOffLeaseMs ?? 5_000;
  const markDelayMs = options.markDelayMs ?? 20;

  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let pendingWake = false;
  /** Outboxes woken since the last pass; `all` after a poll tick or an unnamed wake. */
  const woken = new Set<string>();
  let wakeAll = true;
  let busDown = false;
  /** Messages handed over on commit, per module, with when they arrived. */
  const handed = new Map<string, { message: CommittedMessage; at: number }[]>();
  /** Set when a claim came back full: more rows are due than one batch takes. */
  let moreDue = false;

  function noteBusDown() {
    if (!busDown) logger?.warn('event bus unreachable: outbox messages wait until it is back');
    busDown = true;
  }

  /** Each outbox with its claim and its mark, compiled once (ADR 0016). */
  const outboxes = options.outboxes.map(({ module, table }) => ({
    module,
    table,
    ...statementsOf(table),
  }));
  function statementsOf(table: OutboxTable) {
    // One statement: the lease is taken atomically without a transaction around it.
    const claim = compiled<
      Record<string, never>,
      { id: string; envelope: unknown; attempts: number }[]
    >((db) => {
      const due = db
        .select({ id: table.id })
        .from(table)
        .where(
          and(isNull(table.publishedAt), isNull(table.deadAt), lte(table.availableAt, sql`now()`)),
        )
        .orderBy(asc(table.availableAt), asc(table.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      return db
        .update(table)
        .set({
          availableAt: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
          attempts: sql`${table.attempts} + 1`,
        })
        .where(inArray(table.id, due))
        .returning({ id: table.id, envelope: table.envelope, attempts: table.attempts });
    });
    const markPublished = compiled<{ ids: string[] }, unknown>((db, p) =>
      db
        .update(table)
        .set({ publishedAt: sql`now()` })
        .where(sql`${table.id} = any(${p.ids}::uuid[])`),
    );
    return { claim, markPublished };
  }

  /** Published ids not yet marked, per outbox; one statement marks each list. */
  const unmarked = new Map<(typeof outboxes)[number], string[]>();
  let markTimer: NodeJS.Timeout | undefined;

  function markLater(outbox: (typeof outboxes)[number], ids: readonly string[]) {
    const list = unmarked.get(outbox);
    if (list) list.push(...ids);
    else unmarked.set(outbox, [...ids]);
    if (!markTimer) {
      markTimer = setTimeout(() => void markNow(), markDelayMs);
      markTimer.unref();
    }
  }

  /** Marks everything published so far; a failed mark only means a later republish. */
  async function markNow(): Promise<void> {
    clearTimeout(markTimer);
    markTimer = undefined;
    const lists = [...unmarked];
    unmarked.clear();
    for (const [outbox, ids] of lists) {
      try {
        await database.system((db) => outbox.markPublished(db, { ids }));
      } catch (err) {
        logger?.warn(
          { err, module: outbox.module, messages: ids.length },
          'marking published messages failed; they will be published again',
        );
      }
    }
  }

  /** Publishes `rows` in order; what went out is marked shortly after, a failure retried later. */
  async function publish(
    outbox: (typeof outboxes)[number],
    rows: readonly { id: string; envelope: unknown; attempts: number }[],
    stillOurs: (index: number) => boolean = () => true,
  ): Promise<number> {
    const { module, table } = outbox;
    const published: string[] = [];
    for (const [index, row] of rows.entries()) {
      if (!stillOurs(index)) continue;
      try {
        const envelope = row.envelope as EventEnvelope;
        await withProducerSpan(envelope, () => bus.publish(envelope));
        published.push(row.id);
      } catch (err) {
        const dead = row.attempts >= maxAttempts;
        logger?.warn(
          { err, module, eventId: row.id, attempts: row.attempts, dead },
          'publish failed',
        );
        await database.system((tx) =>
          tx
            .update(table)
            .set({
              lastError: err instanceof Error ? err.message.slice(0, 1000) : String(err),
              availableAt: sql`now() + ${`${retryDelayMs(row.attempts)} milliseconds`}::interval`,
              ...(dead && { deadAt: sql`now()` }),
            })
            .where(sql`${table.id} = ${row.id}`),
        );
      }
    }
    if (published.length > 0) markLater(outbox, published);
    return published.length;
  }

  async function publishClaimed(outbox: (typeof outboxes)[number]): Promise<number> {
    const claimed = await database.system((db) => outbox.claim(db, {}));
    if (claimed.length === 0) return 0;
    if (claimed.length >= batchSize) moreDue = true;
    claimed.sort((a, b) => (a.id < b.id ? -1 : 1));
    return publish(outbox, claimed);
  }

  /**
   * What commits handed over, in commit order (their first attempt). One that
   * waited past half its lease is skipped: the lease may run out before it is
   * published, and the poll that then claims it must not be doubled.
   */
  async function publishHanded(outbox: (typeof outboxes)[number]): Promise<number> {
    const queue = handed.get(outbox.module);
    if (!queue || queue.length === 0) return 0;
    const taken = queue.splice(0);
    return publish(
      outbox,
      taken.map(({ message }) => ({ id: message.id, envelope: message.envelope, attempts: 1 })),
      (index) => Date.now() - taken[index]!.at < handOffLeaseMs / 2,
    );
  }

  /**
   * One pass over the given outboxes (all of them by default). None while
   * the bus reports itself unreachable: claiming would only burn attempts and
   * push each row's next try out by its backoff (up to minutes), so the rows
   * would sit unpublished long after the broker is back. Waiting instead, the
   * next poll once the bus is up publishes them all.
   */
  async function pass(which: ReadonlySet<string> | 'all' = 'all'): Promise<number> {
    if (bus.connected === false) {
      noteBusDown();
      // Their rows stay leased until the poll may claim them; nothing is kept in memory.
      handed.clear();
      return 0;
    }
    busDown = false;
    let total = 0;
    for (const outbox of outboxes) {
      total += await publishHanded(outbox);
      if (which === 'all' || which.has(outbox.module)) total += await publishClaimed(outbox);
    }
    return total;
  }

  /** The outboxes to poll now: those woken, or every one after a tick. */
  function takeWoken(): ReadonlySet<string> | 'all' {
    if (wakeAll) {
      wakeAll = false;
      woken.clear();
      return 'all';
    }
    const which = new Set(woken);
    woken.clear();
    return which;
  }

  function sleep(): Promise<void> {
    if (pendingWake) {
      pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        wakeAll = true;
        done();
      }, pollIntervalMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  }

  function wakeLoop() {
    if (wakeUp) wakeUp();
    else pendingWake = true;
  }

  async function run(): Promise<void> {
    while (running) {
      moreDue = false;
      try {
        await pass(takeWoken());
      } catch (err) {
        logger?.error({ err }, 'outbox relay iteration failed');
        wakeAll = true;
      }
      if (moreDue) wakeAll = true;
      else if (running) await sleep();
    }
  }

  const relay: OutboxRelay = {
    get running() {
      return running;
    },
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake(module) {
      if (module === undefined) wakeAll = true;
      else woken.add(module);
      wakeLoop();
    },
    handOff(module) {
      if (!outboxes.some((o) => o.module === module)) {
        throw new Error(`The relay does not drain the ${module} outbox`);
      }
      return {
        lease: () => (running ? handOffLeaseMs : undefined),
        handOver(messages) {
          let queue = handed.get(module);
          if (!queue) handed.set(module, (queue = []));
          const at = Date.now();
          for (const message of messages) queue.push({ message, at });
          wakeLoop();
        },
        wake: () => relay.wake(module),
      };
    },
    async runOnce() {
      const published = await pass('all');
      await markNow();
      return published;
    },
    async drain(deadlineMs = 5000) {
      running = false;
      wakeUp?.();
      await loop;
      const until = Date.now() + deadlineMs;
      while (Date.now() < until && (await pass('all')) > 0) {
        /* keep publishing until nothing is due */
      }
      await markNow();
    },
  };
  return relay;
}
