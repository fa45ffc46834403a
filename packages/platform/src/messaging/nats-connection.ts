import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger.ts';

export interface NatsLinkOptions {
  readonly servers?: string | readonly string[];
  /** An open connection to use instead; `close` leaves it open. */
  readonly connection?: NatsConnection;
  readonly logger?: Logger;
  readonly timeoutMs: number;
  readonly reconnectWaitMs?: number;
  readonly maxReconnectWaitMs?: number;
}

/** A connection that is made in the background and kept up, and tells when it is down. */
export interface NatsLink {
  /** The connection once made; rejects if the link is cancelled first. */
  readonly ready: Promise<NatsConnection>;
  readonly connected: boolean;
  /** `work`, failed at once if the connection drops before it settles. */
  guard<T>(work: Promise<T>): Promise<T>;
  /** Stops trying to make the first connection. */
  cancel(): void;
  /** Cancels, then drains a connection the link opened itself. */
  close(): Promise<void>;
}

/**
 * Connects in the background, retrying with backoff until it succeeds, so a
 * process can start while NATS is down; after that the client reconnects by
 * itself, forever, with the same backoff.
 */
export function natsLink(options: NatsLinkOptions): NatsLink {
  const { logger } = options;
  let connected = false;
  let cancelled = false;
  let failedAttempts = 0;
  let cancelWait: (() => void) | undefined;
  const guarded = new Set<(err: Error) => void>();

  /** Exponential with jitter: half the wait is fixed, half random. */
  const reconnectDelay = () => {
    const base = options.reconnectWaitMs ?? 250;
    const wait = Math.min(options.maxReconnectWaitMs ?? 10_000, base * 2 ** failedAttempts++);
    return wait / 2 + Math.random() * (wait / 2);
  };

  async function connectForever(): Promise<NatsConnection> {
    for (;;) {
      if (cancelled) throw new Error('The NATS connection was closed before it was made');
      try {
        return await connect({
          servers: [...[options.servers ?? 'nats://127.0.0.1:4222'].flat()],
          name: 'stratum-event-bus',
          maxReconnectAttempts: -1,
          reconnectDelayHandler: reconnectDelay,
          timeout: options.timeoutMs,
        });
      } catch (err) {
        logger?.warn({ err }, 'NATS not reachable; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, reconnectDelay());
          cancelWait = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  async function watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        logger?.warn({ server: status.server }, 'NATS disconnected');
        for (const fail of guarded) fail(new Error('NATS connection lost'));
      } else if (status.type === 'reconnect') {
        connected = true;
        failedAttempts = 0;
        logger?.info({ server: status.server }, 'NATS reconnected');
      } else if (status.type === 'close') {
        connected = false;
      }
    }
  }

  const ready = (async () => {
    const nc = options.connection ?? (await connectForever());
    connected = !nc.isClosed();
    failedAttempts = 0;
    void watch(nc);
    return nc;
  })();
  // A link that never connects must not leave an unhandled rejection behind.
  ready.catch(() => undefined);

  return {
    ready,
    get connected() {
      return connected;
    },
    guard<T>(work: Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        guarded.add(reject);
        work.then(resolve, reject).finally(() => guarded.delete(reject));
      });
    },
    cancel() {
      cancelled = true;
      cancelWait?.();
    },
    async close() {
      this.cancel();
      if (options.connection) return;
      const nc = await ready.catch(() => undefined);
      if (!nc || nc.isClosed()) return;
      // Draining flushes pending acks; with the connection down it would wait for a reconnect.
      await (connected ? nc.drain() : nc.close()).catch(() => nc.close());
    },
  };
}
