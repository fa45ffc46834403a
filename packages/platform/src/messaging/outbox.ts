import type { z } from 'zod';
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

/**
 * An outbox over a module's table. The event commits with the state change or
 * not at all; once committed, `wake` tells the relay there is work.
 */
export function createOutbox(table: OutboxTable, wake: () => void = () => {}): Outbox {
  const insert = insertInto(table);
  return {
    async add(tx, event, payload, tenantId) {
      const envelope = makeEnvelope(event, payload, tenantId);
      await insert(tx, {
        id: envelope.id,
        tenantId,
        type: envelope.type,
        version: envelope.version,
        envelope,
      });
      afterCommit(tx, wake);
      return envelope;
    },
  };
}

type OutboxRow = { id: string; tenantId: string; type: string; version: number; envelope: unknown };
const inserts = new WeakMap<OutboxTable, (tx: Tx, row: OutboxRow) => Promise<unknown>>();

/** The insert of one outbox table, compiled once for every repository over it. */
function insertInto(table: OutboxTable) {
  let insert = inserts.get(table);
  if (!insert) {
    insert = compiled<OutboxRow, unknown>((db, p) =>
      db.insert(table).values(placeholdersOf(p, ['id', 'tenantId', 'type', 'version', 'envelope'])),
    );
    inserts.set(table, insert);
  }
  return insert;
}
