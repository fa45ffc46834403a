import type { Logger } from '../logger.ts';
import type { EventBus, Subscription } from './bus.ts';
import type { EventEnvelope } from './envelope.ts';
import { tracedSubscription } from '../telemetry/messaging.ts';

/**
 * The embedded shape's bus: `publish` runs every matching handler and
 * resolves only when all succeeded, so a failing handler leaves the message
 * in the outbox for another attempt; handlers that already succeeded skip it
 * through their inbox. Each handler runs in its own CONSUMER span.
 */
export function inProcessEventBus(logger?: Logger): EventBus {
  const subscriptions: Subscription[] = [];
  return {
    subscribe(subscription) {
      if (subscriptions.some((s) => s.name === subscription.name)) {
        throw new Error(`Duplicate subscription name: ${subscription.name}`);
      }
      subscriptions.push(tracedSubscription(subscription));
    },
    async publish(envelope: EventEnvelope) {
      const matching = subscriptions.filter((s) => s.types.includes(envelope.type));
      const results = await Promise.allSettled(matching.map((s) => s.handle(envelope)));
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected'
          ? [{ handler: matching[i]?.name, reason: r.reason as unknown }]
          : [],
      );
      if (failures.length > 0) {
        for (const f of failures) {
          logger?.warn(
            { err: f.reason, handler: f.handler, eventId: envelope.id },
            'handler failed',
          );
        }
        throw new AggregateError(
          failures.map((f) => f.reason),
          `${failures.length} handler(s) failed for ${envelope.type}`,
        );
      }
    },
    close() {
      subscriptions.length = 0;
      return Promise.resolve();
    },
  };
}
