import type { z } from 'zod';
import { sql } from 'drizzle-orm';
import { compiled, placeholdersOf } from '../db/compiled.ts';
import { afterCommit } from '../db/database.ts';
import type { Tx } from '../db/types.ts';
import type { OutboxTable } from '../db/tables.ts';
import { makeEnvelope, type EventDefinition, type EventEnvelope } from './envelope.ts';

/** Writes a module's events into its outbox, inside the caller's transaction. */
export interface Outbox {
  add<S extends z.ZodType>(
    tx: Tx,
    event: EventDefinition<string, S>,
    payload: z.input<S>,
    tenantId: string,
  ): Promise<EventEnvelope<z.output<S>>>;
}

/** A message a transaction committed to an outbox, as its row holds it. */
export interface CommittedMessage {
  readonly id: string;
  readonly envelope: EventEnvelope;
}

/**
 * The relay of the process that writes an outbox, taking what commits there
 * without claiming it (ADR 0004): the rows are written already leased to it,
 * and handed over once the transaction commits.
 */
export interface RelayHandOff {
  /**
   * How long a row written now stays leased to the relay, in milliseconds;
   * undefined while the relay takes no hand-offs (not running), when rows are
   * written due and the relay is only woken.
   */
  lease(): number | undefined;
  /** Takes messages just committed, leased to this relay, in the order they were written. */
  handOver(messages: readonly CommittedMessage[]): void;
  /** Tells the relay that messages it must claim were committed. */
  wake(): void;
}

/** How an outbox tells its relay about a commit: a wake-up alone, or a hand-off. */
export type RelayLink = (() => void) | RelayHandOff;

/**
 * An outbox over a module's table. The event commits with the state change or
 * not at all; once committed, the relay is told: handed the messages, or woken
 * to claim them.
 */
export function createOutbox(table: OutboxTable, relay: RelayLink = () => {}): Outbox {
  const { insert, insertLeased } = insertsInto(table);
  const handOff = typeof relay === 'function' ? undefined : relay;
  const wake = typeof relay === 'function' ? relay : () => relay.wake();
  return {
    async add(tx, event, payload, tenantId) {
      const envelope = makeEnvelope(event, payload, tenantId);
      const row = {
        id: envelope.id,
        tenantId,
        type: envelope.type,
        version: envelope.version,
        envelope,
      };
      const leaseMs = handOff?.lease();
      if (handOff && leaseMs !== undefined) {
        await insertLeased(tx, { ...row, lease: `${leaseMs} milliseconds` });
        handOverOnCommit(tx, handOff, { id: envelope.id, envelope });
      } else {
        await insert(tx, row);
        afterCommit(tx, wake);
      }
      return envelope;
    },
  };
}

/** The messages each transaction hands over on commit, per relay, in the order written. */
const handOvers = new WeakMap<Tx, Map<RelayHandOff, CommittedMessage[]>>();

function handOverOnCommit(tx: Tx, relay: RelayHandOff, message: CommittedMessage) {
  let byRelay = handOvers.get(tx);
  if (!byRelay) {
    byRelay = new Map();
    handOvers.set(tx, byRelay);
  }
  const messages = byRelay.get(relay);
  if (messages) {
    messages.push(message);
    return;
  }
  byRelay.set(relay, [message]);
  afterCommit(tx, () => relay.handOver(byRelay.get(relay)!));
}

type OutboxRow = { id: string; tenantId: string; type: string; version: number; envelope: unknown };
type OutboxInserts = {
  insert: (tx: Tx, row: OutboxRow) => Promise<unknown>;
  /** The row already leased to the relay it is handed to: its first attempt. */
  insertLeased: (tx: Tx, row: OutboxRow & { lease: string }) => Promise<unknown>;
};
const inserts = new WeakMap<OutboxTable, OutboxInserts>();

/** The inserts of one outbox table, compiled once for every repository over it. */
function insertsInto(table: OutboxTable): OutboxInserts {
  let found = inserts.get(table);
  if (!found) {
    const columns = ['id', 'tenantId', 'type', 'version', 'envelope'] as const;
    found = {
      insert: compiled<OutboxRow, unknown>((db, p) =>
        db.insert(table).values(placeholdersOf(p, columns)),
      ),
      insertLeased: compiled<OutboxRow & { lease: string }, unknown>((db, p) =>
        db.insert(table).values({
          ...placeholdersOf(p, columns),
          availableAt: sql`now() + ${p.lease}::interval`,
          attempts: 1,
        }),
      ),
    };
    inserts.set(table, found);
  }
  return found;
}
