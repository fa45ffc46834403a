import type { Redis } from 'ioredis';
import type { Warn } from './warnings.ts';

export interface ChannelHandlers {
  message(text: string): void;
  /** Subscribed (again): from now on no message is missed. */
  up(): void | Promise<void>;
  /** The connection dropped: messages published from now until `up` are lost. */
  down(): void;
}

/**
 * One channel on a shared subscriber connection, subscribed again after every
 * reconnect. ioredis resubscribes by itself too; subscribing here as well is
 * what tells the owner the exact moment it can trust the channel again.
 */
export function channelSubscription(
  subscriber: Redis,
  channel: string,
  handlers: ChannelHandlers,
  warn: Warn,
) {
  let attached = false;
  const subscribe = async () => {
    await subscriber.subscribe(channel);
    await handlers.up();
  };
  const onMessage = (from: string, text: string) => {
    if (from === channel) handlers.message(text);
  };
  const onReady = () => {
    subscribe().catch((err: unknown) =>
      warn('could not subscribe to a redis channel', err, { channel }),
    );
  };
  const onClose = () => handlers.down();
  const attach = () => {
    if (attached) return;
    attached = true;
    subscriber.on('message', onMessage);
    subscriber.on('ready', onReady);
    subscriber.on('close', onClose);
  };
  return {
    /**
     * Subscribes now; rejects if the subscriber is not connected, but keeps
     * listening and subscribes by itself once it connects.
     */
    async start(): Promise<void> {
      attach();
      if (subscriber.status !== 'ready')
        throw new Error(`redis subscriber is ${subscriber.status}`);
      await subscribe();
    },
    async stop(): Promise<void> {
      if (!attached) return;
      attached = false;
      subscriber.off('message', onMessage);
      subscriber.off('ready', onReady);
      subscriber.off('close', onClose);
      if (subscriber.status === 'ready') await subscriber.unsubscribe(channel).catch(() => {});
    },
  };
}
