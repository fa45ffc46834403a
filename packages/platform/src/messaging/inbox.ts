import type { z } from 'zod';
import { compiled, placeholdersOf } from '../db/compiled.ts';
import type { Database } from '../db/database.ts';
import type { Tx } from '../db/types.ts';
import type { InboxTable } from '../db/tables.ts';
import { withContext } from '../context.ts';
import { tracedSubscription } from '../telemetry/messaging.ts';
import type { Subscription } from './bus.ts';
import type { EventDefinition, EventEnvelope } from './envelope.ts';

/**
 * A subscription whose effect is applied at most once per message: the inbox
 * row and the effect commit in the same transaction, so a redelivered message
 * finds its row and is skipped. Each delivery runs in a CONSUMER span that
 * continues the envelope's trace, whichever bus delivers it.
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
  const record = compiled<
    { messageId: string; handler: string; tenantId: string },
    { id: string }[]
  >((db, p) =>
    db
      .insert(inbox)
      .values(placeholdersOf(p, ['messageId', 'handler', 'tenantId']))
      .onConflictDoNothing()
      .returning({ id: inbox.messageId }),
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
              const inserted = await record(tx, {
                messageId: envelope.id,
                handler: options.name,
                tenantId: envelope.tenantId,
              });
              if (inserted.length === 0) return;
              await options.handle(tx, payload, envelope);
            },
            { tenantId: envelope.tenantId },
          ),
      );
    },
  });
}
