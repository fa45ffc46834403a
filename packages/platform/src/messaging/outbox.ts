import type { z } from 'zod';
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
  return {
    async add(tx, event, payload, tenantId) {
      const envelope = makeEnvelope(event, payload, tenantId);
      await tx.insert(table).values({
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
