import type { EventEnvelope } from './envelope.ts';

/** A named consumer of some event types; the name keys its inbox rows. */
export interface Subscription {
  readonly name: string;
  readonly types: readonly string[];
  handle(envelope: EventEnvelope): Promise<void>;
}

/**
 * Where the outbox relay publishes. `publish` resolves only once the bus has
 * taken responsibility for the message; until then the relay keeps it.
 */
export interface EventBus {
  publish(envelope: EventEnvelope): Promise<void>;
  subscribe(subscription: Subscription): void;
  close(): Promise<void>;
}
