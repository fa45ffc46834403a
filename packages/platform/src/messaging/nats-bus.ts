import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { natsLink } from './nats-connection.ts';
import type { Logger } from '../logger.ts';
import type { ConsumerLag, EventBus, Subscription } from './bus.ts';
import type { EventEnvelope } from './envelope.ts';
import {
  consumerName,
  deadLetterStreamName,
  deadLetterSubject,
  ensureStream,
  eventStreamName,
  eventSubject,
  moduleOf,
  natsNames,
  stratumHeaders,
  type NatsNames,
} from './nats-streams.ts';
import {
  startConsumer,
  type ConsumerPlan,
  type NatsSession,
  type RunningConsumer,
} from './nats-consumers.ts';

export interface NatsEventBusOptions {
  /** Servers to connect to (default `nats://127.0.0.1:4222`), unless `connection` is given. */
  readonly servers?: string | readonly string[];
  /** An open connection the bus uses and leaves open on `close`. */
  readonly connection?: NatsConnection;
  /**
   * Namespaces streams (`<PREFIX>_EVENTS_ORDERING`) and subjects
   * (`<prefix>.ordering.…`) so deployments can share a server. Default none.
   */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** Re-publishes of an envelope id within this window are dropped (default 2 min). */
  readonly duplicateWindowMs?: number;
  /** How long event streams keep messages (default 7 days). */
  readonly maxAgeMs?: number;
  /** Bound on a publish and on each JetStream request (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** A delivery not acknowledged within this is delivered again (default 30 s). */
  readonly ackWaitMs?: number;
  /** Deliveries a message gets before it goes to the dead letters (default 5). */
  readonly maxDeliveries?: number;
  /** Wait before the n-th redelivery after a failure; the last repeats (default 1, 2, 4, 8 s). */
  readonly retryDelaysMs?: readonly number[];
  /** Handlers running at once per durable consumer (default 8). */
  readonly concurrency?: number;
  /** First wait between connection attempts, doubled up to `maxReconnectWaitMs` (default 250 ms / 10 s). */
  readonly reconnectWaitMs?: number;
  readonly maxReconnectWaitMs?: number;
}

export interface NatsEventBus extends EventBus {
  start(): Promise<void>;
  lag(): Promise<ConsumerLag[]>;
  /** False while the connection is down: `publish` then rejects at once. */
  readonly connected: boolean;
}

/**
 * The services shape's bus on NATS JetStream (ADR 0018). `publish` resolves on
 * the stream's acknowledgement and rejects at once while NATS is unreachable,
 * so the outbox relay keeps the message and retries; the envelope id is the
 * message id, so a retry that did reach the stream is dropped as a duplicate.
 * Durable subscriptions share one consumer across processes, retry failures
 * with backoff and give up to the dead letters; broadcast ones get every new
 * message in every process.
 */
export function natsEventBus(options: NatsEventBusOptions = {}): NatsEventBus {
  const names = natsNames(options.prefix);
  const logger = options.logger;
  const timeout = options.requestTimeoutMs ?? 5000;
  const duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
  const maxAgeMs = options.maxAgeMs ?? 7 * 24 * 3600_000;
  const subscriptions: Subscription[] = [];
  const consumerNames = new Set<string>();
  const running: RunningConsumer[] = [];
  const starting: Promise<void>[] = [];
  const streams = new Map<string, Promise<void>>();
  let started = false;
  let closed = false;
  let session: NatsSession | undefined;
  const link = natsLink({ ...options, timeoutMs: timeout });

  const sessionReady = link.ready.then(async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout, checkAPI: false });
    session = {
      js: jetstream(nc, { timeout }),
      jsm,
      names,
      logger,
      ensureStream: (module) => ensureEventStream(module),
      ensureDeadLetters: () =>
        ensure(deadLetterStreamName(names), [deadLetterSubject(names)], 0, true),
      multipleFilters: supportsMultipleFilters(nc.info?.version),
      settings: {
        ackWaitMs: options.ackWaitMs ?? 30_000,
        maxDeliveries: options.maxDeliveries ?? 5,
        retryDelaysMs: options.retryDelaysMs ?? [1000, 2000, 4000, 8000],
        concurrency: options.concurrency ?? 8,
        timeoutMs: timeout,
      },
    };
    return session;
  });
  sessionReady.catch(() => undefined);

  function ensure(name: string, subjects: string[], ageMs: number, allowDirect = false) {
    let ready = streams.get(name);
    if (!ready) {
      const jsm = session?.jsm;
      if (!jsm) return Promise.reject(new Error('NATS is not connected'));
      ready = ensureStream(jsm, {
        name,
        subjects,
        duplicateWindowMs,
        maxAgeMs: ageMs,
        allowDirect,
      });
      streams.set(name, ready);
      // Forget a failure so that the next call tries again.
      void ready.catch(() => streams.delete(name));
    }
    return ready;
  }

  function ensureEventStream(module: string): Promise<string> {
    const name = eventStreamName(names, module);
    return ensure(name, [`${names.subjectPrefix}${module}.>`], maxAgeMs).then(() => name);
  }

  function launch(subscription: Subscription): Promise<void> {
    const task = sessionReady.then(async (s) => {
      for (const plan of planConsumers(names, subscription, s.multipleFilters)) {
        if (closed) return;
        running.push(await startConsumer(s, subscription, plan));
      }
    });
    starting.push(task);
    return task;
  }

  return {
    get connected() {
      return link.connected && !closed;
    },
    subscribe(subscription) {
      if (closed) throw new Error('The event bus is closed');
      if (subscriptions.some((s) => s.name === subscription.name)) {
        throw new Error(`Duplicate subscription name: ${subscription.name}`);
      }
      const consumer = consumerName(subscription.name);
      if (!subscription.broadcast && consumerNames.has(consumer)) {
        throw new Error(`Subscription ${subscription.name} maps to a consumer name already used`);
      }
      for (const type of subscription.types) moduleOf(type);
      subscriptions.push(subscription);
      if (!subscription.broadcast) consumerNames.add(consumer);
      if (started)
        void launch(subscription).catch((err: unknown) => {
          logger?.error({ err, subscription: subscription.name }, 'consumer did not start');
        });
    },
    async start() {
      if (closed) throw new Error('The event bus is closed');
      if (!started) {
        started = true;
        for (const subscription of subscriptions) void launch(subscription).catch(() => undefined);
      }
      await sessionReady;
      await Promise.all(starting);
    },
    async publish(envelope: EventEnvelope) {
      if (closed) throw new Error('The event bus is closed');
      const s = session;
      if (!s || !link.connected) throw new Error('NATS is not connected');
      const stream = await ensureEventStream(moduleOf(envelope.type));
      const hdrs = headers();
      if (envelope.traceparent) hdrs.set(stratumHeaders.traceparent, envelope.traceparent);
      try {
        await link.guard(
          s.js.publish(eventSubject(names, envelope), JSON.stringify(envelope), {
            msgID: envelope.id,
            headers: hdrs,
            timeout,
          }),
        );
      } catch (err) {
        // The stream may have been removed under us: check it again next time.
        streams.delete(stream);
        throw err;
      }
    },
    async lag() {
      const s = session;
      if (!s) return [];
      return Promise.all(
        running
          .filter((r) => !r.plan.broadcast)
          .map(async ({ plan, subscription }) => {
            const info = await s.jsm.consumers.info(plan.stream, plan.name);
            return {
              subscription: subscription.name,
              consumer: plan.name,
              stream: plan.stream,
              pending: info.num_pending,
              ackPending: info.num_ack_pending,
            };
          }),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      link.cancel();
      await Promise.allSettled(starting);
      await Promise.all(running.map((r) => r.stop()));
      await link.close();
    },
  };
}

/**
 * The consumers a subscription needs: one per producing module's stream,
 * filtered to its types. Servers before 2.10 take one filter per consumer,
 * so there a subscription to several types of one module gets one consumer
 * per type (named `<subscription>_<event>`).
 */
export function planConsumers(
  names: NatsNames,
  subscription: Subscription,
  multipleFilters: boolean,
): ConsumerPlan[] {
  const base = consumerName(subscription.name);
  const byModule = new Map<string, string[]>();
  for (const type of new Set(subscription.types)) {
    const module = moduleOf(type);
    byModule.set(module, [...(byModule.get(module) ?? []), type]);
  }
  const broadcast = subscription.broadcast ?? false;
  return [...byModule].flatMap(([module, types]) => {
    const stream = eventStreamName(names, module);
    const filter = (type: string) => `${names.subjectPrefix}${type}.*`;
    if (multipleFilters || types.length === 1) {
      return [{ module, stream, name: base, filters: types.map(filter), broadcast }];
    }
    return types.map((type) => ({
      module,
      stream,
      name: `${base}_${consumerName(type.slice(module.length + 1))}`,
      filters: [filter(type)],
      broadcast,
    }));
  });
}

function supportsMultipleFilters(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}
