import type { Subscription } from '@stratum/platform';
import { orderingEvents } from '../../contract.ts';

/** One message of the kitchen feed, named as the SSE stream names it. */
export interface KitchenFeedMessage {
  /** The event's envelope id: unique, and time-ordered (UUIDv7). */
  readonly id: string;
  readonly event: 'ticket-fired' | 'ticket-bumped' | 'ticket-changed';
  readonly data: unknown;
}

export type KitchenListener = (message: KitchenFeedMessage) => void;

export interface KitchenBroadcaster {
  /** Ordering's own kitchen events, as the bus delivers them to this process. */
  readonly subscription: Subscription;
  /** Hears the store's kitchen events from now on; call the answer to stop. */
  listen(tenantId: string, storeId: string, listener: KitchenListener): () => void;
  /** Open listeners, for health and tests. */
  readonly size: number;
}

const fired = orderingEvents.kitchenTicketFired;
const bumped = orderingEvents.kitchenTicketBumped;
const changed = orderingEvents.kitchenTicketChanged;

/**
 * Fans ordering's kitchen events out to the kitchen displays connected to
 * this process. A plain subscription, not an inbox: it touches no table, and
 * a display that missed a message reloads the open tickets when it
 * reconnects. In the services shape every process serving displays needs
 * every message: a broadcast (ephemeral) consumer, not a shared durable one.
 */
export function kitchenBroadcaster(): KitchenBroadcaster {
  const listeners = new Map<string, Set<KitchenListener>>();
  const keyOf = (tenantId: string, storeId: string) => `${tenantId}/${storeId}`;
  const send = (tenantId: string, storeId: string, message: KitchenFeedMessage) => {
    for (const listener of listeners.get(keyOf(tenantId, storeId)) ?? []) {
      // A display that cannot take a message must not make the relay retry it for everyone.
      try {
        listener(message);
      } catch {
        /* the stream's own error handling closes it */
      }
    }
  };
  return {
    subscription: {
      name: 'ordering.kitchen-feed',
      // Every process serves its own displays: each gets every ticket event.
      broadcast: true,
      types: [fired.type, bumped.type, changed.type],
      handle(envelope) {
        if (envelope.type === fired.type && envelope.version === fired.version) {
          const payload = fired.payload.parse(envelope.payload);
          send(envelope.tenantId, payload.storeId, {
            id: envelope.id,
            event: 'ticket-fired',
            data: payload.ticket,
          });
        } else if (envelope.type === bumped.type && envelope.version === bumped.version) {
          const payload = bumped.payload.parse(envelope.payload);
          send(envelope.tenantId, payload.storeId, {
            id: envelope.id,
            event: 'ticket-bumped',
            data: payload,
          });
        } else if (envelope.type === changed.type && envelope.version === changed.version) {
          const { storeId, ...data } = changed.payload.parse(envelope.payload);
          send(envelope.tenantId, storeId, { id: envelope.id, event: 'ticket-changed', data });
        }
        return Promise.resolve();
      },
    },
    listen(tenantId, storeId, listener) {
      const key = keyOf(tenantId, storeId);
      const set = listeners.get(key) ?? new Set();
      set.add(listener);
      listeners.set(key, set);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
      };
    },
    get size() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
  };
}
