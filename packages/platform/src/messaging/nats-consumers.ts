import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from '../logger.ts';
import type { Subscription } from './bus.ts';
import { sendToDeadLetters } from './dead-letters.ts';
import { eventEnvelopeSchema, type EventEnvelope } from './envelope.ts';
import { stratumHeaders, type NatsNames } from './nats-streams.ts';

/** One JetStream consumer of a subscription: on one stream, filtered to some of its types. */
export interface ConsumerPlan {
  readonly module: string;
  readonly stream: string;
  readonly name: string;
  readonly filters: readonly string[];
  readonly broadcast: boolean;
}

export interface ConsumerSettings {
  readonly ackWaitMs: number;
  readonly maxDeliveries: number;
  readonly retryDelaysMs: readonly number[];
  readonly concurrency: number;
  readonly timeoutMs: number;
}

/** What a consumer needs from the bus that runs it. */
export interface NatsSession {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: NatsNames;
  readonly logger: Logger | undefined;
  readonly multipleFilters: boolean;
  readonly settings: ConsumerSettings;
  ensureStream(module: string): Promise<string>;
  ensureDeadLetters(): Promise<void>;
}

export interface RunningConsumer {
  readonly plan: ConsumerPlan;
  readonly subscription: Subscription;
  /** Stops fetching, then waits for the handlers already running. */
  stop(): Promise<void>;
}

/** Creates (or updates) the plan's consumer on the server and starts handling its messages. */
export async function startConsumer(
  session: NatsSession,
  subscription: Subscription,
  plan: ConsumerPlan,
): Promise<RunningConsumer> {
  await session.ensureStream(plan.module);
  const messages = plan.broadcast
    ? await openBroadcast(session, plan)
    : await openDurable(session, plan);
  const loop = plan.broadcast
    ? pump(session, messages, 1, (msg) => handleBroadcast(session, subscription, msg))
    : pump(session, messages, session.settings.concurrency, (msg) =>
        handleDurable(session, subscription, plan, msg),
      );
  return {
    plan,
    subscription,
    async stop() {
      await messages.close();
      await loop;
    },
  };
}

/**
 * A durable pull consumer shared by every process holding the subscription.
 * It starts from the stream's first message, so events published before the
 * consumer first existed are not lost. `max_deliver` stays unlimited: the
 * server would stop redelivering without keeping the message anywhere, so
 * the bus counts deliveries itself and moves the message to the dead letters.
 */
async function openDurable(session: NatsSession, plan: ConsumerPlan): Promise<ConsumerMessages> {
  const { jsm, js, settings } = session;
  const filter: Partial<ConsumerConfig> =
    plan.filters.length === 1
      ? { filter_subject: plan.filters[0] }
      : { filter_subjects: [...plan.filters] };
  const config: Partial<ConsumerConfig> = {
    durable_name: plan.name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: -1,
    ...filter,
  };
  try {
    await jsm.consumers.add(plan.stream, config);
  } catch (err) {
    // An existing consumer with other settings (a changed ack wait or type list).
    if (!(err instanceof JetStreamApiError)) throw err;
    await jsm.consumers.update(plan.stream, plan.name, {
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
      ...filter,
    });
  }
  const consumer = await js.consumers.get(plan.stream, plan.name);
  return consumer.consume({ max_messages: settings.concurrency });
}

/**
 * An ordered consumer of this process's own, from the message after the
 * stream's last one at start: nothing published once `start` resolved is
 * missed, and nothing is kept on the server when the process goes away.
 */
async function openBroadcast(session: NatsSession, plan: ConsumerPlan): Promise<ConsumerMessages> {
  const info = await session.jsm.streams.info(plan.stream);
  const consumer = await session.js.consumers.get(plan.stream, {
    filter_subjects: plan.filters.length === 1 ? plan.filters[0] : [...plan.filters],
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: info.state.last_seq + 1,
  });
  return consumer.consume();
}

/** Hands messages to `handle`, at most `concurrency` at a time. */
async function pump(
  session: NatsSession,
  messages: ConsumerMessages,
  concurrency: number,
  handle: (msg: JsMsg) => Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const msg of messages) {
      const task = handle(msg)
        .catch((err: unknown) => session.logger?.error({ err }, 'message handling failed'))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  } catch (err) {
    session.logger?.error({ err }, 'consumer stopped');
  } finally {
    await Promise.all(inFlight);
  }
}

function parseEnvelope(msg: JsMsg): EventEnvelope | null {
  try {
    const parsed = eventEnvelopeSchema.safeParse(JSON.parse(msg.string()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Success acks; a failure is retried later, and after the last delivery dead-lettered. */
async function handleDurable(
  session: NatsSession,
  subscription: Subscription,
  plan: ConsumerPlan,
  msg: JsMsg,
): Promise<void> {
  const replayFor = msg.headers?.get(stratumHeaders.replayFor);
  if (replayFor && replayFor !== plan.name) {
    msg.ack();
    return;
  }
  const envelope = parseEnvelope(msg);
  if (!envelope) {
    await giveUp(session, plan, msg, new Error('The message is not an event envelope'));
    return;
  }
  try {
    await subscription.handle(envelope);
    msg.ack();
    return;
  } catch (err) {
    const attempts = msg.info.deliveryCount;
    if (attempts >= session.settings.maxDeliveries) {
      await giveUp(session, plan, msg, err);
    } else {
      session.logger?.warn(
        { err, handler: subscription.name, eventId: envelope.id, attempts },
        'handler failed; will retry',
      );
      msg.nak(retryDelay(session.settings, attempts));
    }
  }
}

async function giveUp(session: NatsSession, plan: ConsumerPlan, msg: JsMsg, error: unknown) {
  const attempts = msg.info.deliveryCount;
  try {
    await session.ensureDeadLetters();
    await sendToDeadLetters(session.js, session.names, {
      consumer: plan.name,
      msg,
      error,
      timeoutMs: session.settings.timeoutMs,
    });
    msg.term();
    session.logger?.error(
      { err: error, consumer: plan.name, subject: msg.subject, attempts },
      'message moved to the dead letters',
    );
  } catch (err) {
    // Keep the message where it is until the dead letters can take it.
    session.logger?.error({ err, consumer: plan.name }, 'could not dead-letter the message');
    msg.nak(retryDelay(session.settings, attempts));
  }
}

/** A broadcast failure is only logged: there is no shared position to retry from. */
async function handleBroadcast(
  session: NatsSession,
  subscription: Subscription,
  msg: JsMsg,
): Promise<void> {
  if (msg.headers?.get(stratumHeaders.replayFor)) return;
  const envelope = parseEnvelope(msg);
  if (!envelope) return;
  try {
    await subscription.handle(envelope);
  } catch (err) {
    session.logger?.warn(
      { err, handler: subscription.name, eventId: envelope.id },
      'broadcast handler failed',
    );
  }
}

/** The wait before the redelivery that follows failed attempt `attempts` (1-based). */
export function retryDelay(settings: Pick<ConsumerSettings, 'retryDelaysMs'>, attempts: number) {
  const delays = settings.retryDelaysMs;
  return delays.length === 0 ? 0 : delays[Math.min(attempts, delays.length) - 1]!;
}
