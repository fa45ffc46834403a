import type { z } from 'zod';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { compiled, placeholdersOf } from '../db/compiled.ts';
import type { Database } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Tx } from '../db/types.ts';
import type { InboxTable } from '../db/tables.ts';
import { withContext } from '../context.ts';
import { tracedSubscription } from '../telemetry/messaging.ts';
import type { Subscription } from './bus.ts';
import type { EventDefinition, EventEnvelope } from './envelope.ts';

/** Rolls back the transaction of a message already handled; caught by `handle`, never seen outside. */
class AlreadyHandled extends Error {}
const alreadyHandled = new AlreadyHandled('The message was already handled.');

/**
 * A subscription whose effect is applied at most once per message: the inbox
 * row and the effect commit in the same transaction, so a redelivered message
 * finds its row and is rolled back. Each delivery runs in a CONSUMER span that
 * continues the envelope's trace, whichever bus delivers it.
 *
 * The inbox row's insert and the handler start together, so on a pipelined
 * connection the handler's first statements leave in the same write as the
 * insert instead of a round trip after its answer (ADR 0004). The insert has
 * no `ON CONFLICT`: a message already handled fails it on the inbox's key,
 * which aborts the transaction — every statement the handler sent after it
 * fails too, and a `COMMIT` the handler sent with its last statements
 * (`lastly`) is answered with `ROLLBACK`. The outcome is decided on the
 * insert first: a duplicate is skipped whatever the handler did, and the
 * transaction is always rolled back, so nothing of it commits and no
 * after-commit hook runs. A handler therefore must change nothing outside the
 * transaction before its statements have answered.
 */
export function inboxSubscription<S extends z.ZodType>(options: {
  name: string;
  module: string;
  event: EventDefinition<string, S>;
  database: Database;
  inbox: InboxTable;
  handle: (tx: Tx, payload: z.output<S>, envelope: EventEnvelope) => Promise<void>;
}): Subscription {
  const { database, inbox, event } = options;
  // The primary key `(message_id, handler)`: the one constraint a taken message breaks.
  const inboxKey = getTableConfig(inbox).primaryKeys[0]!.getName();
  const record = compiled<{ messageId: string; handler: string; tenantId: string }, unknown>(
    (db, p) => db.insert(inbox).values(placeholdersOf(p, ['messageId', 'handler', 'tenantId'])),
  );
  return tracedSubscription<EventEnvelope>({
    name: options.name,
    types: [event.type],
    async handle(envelope) {
      if (envelope.version !== event.version) return;
      const payload = event.payload.parse(envelope.payload);
      await withContext(
        {
          tenantId: envelope.tenantId,
          module: options.module,
          correlationId: envelope.correlationId,
          causationId: envelope.id,
          requestId: envelope.correlationId,
        },
        () =>
          database.transaction(
            async (tx) => {
              const recorded = record(tx, {
                messageId: envelope.id,
                handler: options.name,
                tenantId: envelope.tenantId,
              }).then(
                () => true,
                (err: unknown) => {
                  if (isUniqueViolation(err, inboxKey)) return false;
                  throw err;
                },
              );
              const handled = (async () => options.handle(tx, payload, envelope))();
              // Both settle before the transaction ends: no statement of the handler's
              // may be left to start on a connection handed back to the pool.
              const [mark, effect] = await Promise.allSettled([recorded, handled]);
              if (mark.status === 'rejected') throw mark.reason;
              if (!mark.value) throw alreadyHandled;
              if (effect.status === 'rejected') throw effect.reason;
            },
            { tenantId: envelope.tenantId },
          ),
      ).catch((err: unknown) => {
        if (err !== alreadyHandled) throw err;
      });
    },
  });
}
