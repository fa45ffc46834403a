import { describe, expect, it } from 'vitest';
import { makeEnvelope, newId } from '@stratum/platform';
import { orderingEvents } from '../../contract.ts';
import { kitchenBroadcaster, type KitchenFeedMessage } from './kitchen-broadcaster.ts';

const tenant = newId();
const store = newId();
const bumped = (storeId: string, tenantId = tenant) =>
  makeEnvelope(
    orderingEvents.kitchenTicketBumped,
    {
      storeId,
      ticketId: newId(),
      orderId: newId(),
      station: 'grill',
      course: 1,
      bumpedAt: new Date().toISOString(),
      bumpedBy: 'cook',
    },
    tenantId,
  );

describe('the kitchen broadcaster', () => {
  it('hands a store’s kitchen events to that store’s displays only', async () => {
    const feed = kitchenBroadcaster();
    const here: KitchenFeedMessage[] = [];
    const there: KitchenFeedMessage[] = [];
    feed.listen(tenant, store, (m) => here.push(m));
    feed.listen(tenant, newId(), (m) => there.push(m));
    const envelope = bumped(store);
    await feed.subscription.handle(envelope);
    await feed.subscription.handle(bumped(store, newId()));
    expect(here).toEqual([{ id: envelope.id, event: 'ticket-bumped', data: envelope.payload }]);
    expect(there).toEqual([]);
  });

  it('stops when a display stops listening', async () => {
    const feed = kitchenBroadcaster();
    const heard: KitchenFeedMessage[] = [];
    const stop = feed.listen(tenant, store, (m) => heard.push(m));
    expect(feed.size).toBe(1);
    stop();
    expect(feed.size).toBe(0);
    await feed.subscription.handle(bumped(store));
    expect(heard).toEqual([]);
  });

  it('does not fail the bus over a display that cannot take a message, nor over other versions', async () => {
    const feed = kitchenBroadcaster();
    const heard: string[] = [];
    feed.listen(tenant, store, () => {
      throw new Error('socket gone');
    });
    feed.listen(tenant, store, (m) => heard.push(m.event));
    await expect(feed.subscription.handle(bumped(store))).resolves.toBeUndefined();
    await feed.subscription.handle({ ...bumped(store), version: 2 });
    expect(heard).toEqual(['ticket-bumped']);
  });

  it('hands a changed ticket and what changed to that store’s displays only', async () => {
    const feed = kitchenBroadcaster();
    const here: KitchenFeedMessage[] = [];
    const there: KitchenFeedMessage[] = [];
    feed.listen(tenant, store, (m) => here.push(m));
    feed.listen(tenant, newId(), (m) => there.push(m));
    const at = new Date().toISOString();
    const ticket = {
      ticketId: newId(),
      storeId: store,
      orderId: newId(),
      orderNumber: '7',
      station: 'grill',
      course: 1,
      fulfilment: { type: 'takeaway' as const },
      orderNotes: null,
      items: [
        {
          lineId: 'l1',
          name: 'Burger',
          variantName: 'Classic',
          quantity: 1,
          modifiers: [],
          notes: null,
          voided: { reason: 'sent back', at },
        },
      ],
      status: 'open' as const,
      firedAt: at,
      bumpedAt: null,
      bumpedBy: null,
    };
    const change = {
      kind: 'line-voided' as const,
      reason: 'sent back',
      at,
      items: [{ lineId: 'l1', name: 'Burger', variantName: 'Classic', from: 1, to: 0 }],
    };
    const envelope = makeEnvelope(
      orderingEvents.kitchenTicketChanged,
      { storeId: store, ticket, change },
      tenant,
    );
    await feed.subscription.handle(envelope);
    expect(here).toEqual([{ id: envelope.id, event: 'ticket-changed', data: { ticket, change } }]);
    expect(there).toEqual([]);
  });
});
