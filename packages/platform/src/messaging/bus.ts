import type { EventEnvelope } from './envelope.ts';

/** A named consumer of some event types; the name keys its inbox rows. */
export interface Subscription {
  readonly name: string;
  readonly types: readonly string[];
  handle(envelope: EventEnvelope): Promise<void>;
  /**
   * Every process that holds this subscription gets every message, from the
   * moment it starts, with no durable position (a per-process fan-out such
   * as a live feed). Otherwise the processes share one durable consumer and
   * each message is handled once among them.
   */
  readonly broadcast?: boolean;
}

/** How far one durable consumer is behind its stream. */
export interface ConsumerLag {
  readonly subscription: string;
  readonly consumer: string;
  readonly stream: string;
  /** Messages not yet delivered to the consumer. */
  readonly pending: number;
  /** Messages delivered and not yet acknowledged (being handled, or waiting for a retry). */
  readonly ackPending: number;
}

/**
 * Where the outbox relay publishes. `publish` resolves only once the bus has
 * taken responsibility for the message; until then the relay keeps it.
 */
export interface EventBus {
  publish(envelope: EventEnvelope): Promise<void>;
  subscribe(subscription: Subscription): void;
  /** Begins delivery; resolves once every subscription's consumer exists. */
  start?(): Promise<void>;
  /**
   * False while the bus knows it cannot take messages (its broker is
   * unreachable): the outbox relay then leaves rows where they are instead of
   * spending publish attempts and backing off. Absent: always reachable.
   */
  readonly connected?: boolean;
  /** Per durable consumer, the messages waiting for it: a metric. */
  lag?(): Promise<ConsumerLag[]>;
  close(): Promise<void>;
}
