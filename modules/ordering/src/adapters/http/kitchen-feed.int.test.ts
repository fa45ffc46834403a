import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type StratumApp } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { orderingHarness, type Harness, type Shop } from '../../test-harness.ts';

interface Frame {
  event?: string;
  data?: string;
  id?: string;
  comment?: string;
}

/**
 * Reads Server-Sent Events off a real HTTP response, frame by frame. A
 * connection of its own (no agent), so hanging up closes exactly that socket.
 */
function openFeed(url: string, token?: string) {
  return new Promise<{
    res: IncomingMessage;
    next: () => Promise<Frame | null>;
    until: (match: (f: Frame) => boolean) => Promise<Frame>;
    cancel: () => void;
  }>((resolve, reject) => {
    const req = request(
      url,
      {
        agent: false,
        headers: {
          accept: 'text/event-stream',
          ...(token && { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        res.setEncoding('utf8');
        const chunks = res[Symbol.asyncIterator]() as AsyncIterator<string>;
        let buffer = '';
        const next = async (): Promise<Frame | null> => {
          for (;;) {
            const end = buffer.indexOf('\n\n');
            if (end >= 0) {
              const raw = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const frame: Frame = {};
              for (const line of raw.split('\n')) {
                if (line.startsWith(':')) frame.comment = line.slice(1).trim();
                const [, field, value] = /^(event|data|id): (.*)$/.exec(line) ?? [];
                if (field) frame[field as 'event' | 'data' | 'id'] = value;
              }
              return frame;
            }
            const chunk = await chunks.next();
            if (chunk.done) return null;
            buffer += chunk.value;
          }
        };
        /** The first frame that matches, skipping others; fails if the stream ends first. */
        const until = async (match: (f: Frame) => boolean): Promise<Frame> => {
          for (;;) {
            const frame = await next();
            if (!frame) throw new Error('the feed ended');
            if (match(frame)) return frame;
          }
        };
        resolve({ res, next, until, cancel: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const data = <T>(f: Frame) => JSON.parse(f.data!) as T;
type Ticket = { ticketId: string; station: string; storeId: string };

describe.each(testEngines())('the kitchen feed over a real socket on %s', (engine) => {
  let h: Harness;
  let app: StratumApp;
  let origin: string;
  beforeAll(async () => {
    h = await orderingHarness({
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      kitchenFeed: { heartbeatMs: 40, callerCheckMs: 40 },
    });
    app = await h.http();
    await app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => h?.close());

  const feedUrl = (storeId: string) => `${origin}/api/v1/ordering/stores/${storeId}/kitchen/feed`;

  async function fire(s: Shop, storeId: string, variantId: string) {
    const { orderId } = await h.api.createOrder(s.cashier.ctx, {
      storeId,
      registerId: storeId === s.storeId ? s.registerId : h.stores.addRegister(storeId),
      fulfilment: { type: 'takeaway' },
    });
    await h.api.addLine(s.cashier.ctx, orderId, { variantId, quantity: 1 });
    return (await h.api.fireCourse(s.cashier.ctx, orderId, 1)).tickets;
  }

  it('sends the open tickets first, then tickets fired and bumped as they happen', async () => {
    const s = h.shop();
    const [waiting] = await fire(s, s.storeId, s.menu.soup.variantId);
    const feed = await openFeed(feedUrl(s.storeId), s.kitchen.token);
    expect(feed.res.statusCode).toBe(200);
    expect(feed.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const snapshot = await feed.until((f) => f.event === 'snapshot');
    expect(data<{ tickets: Ticket[] }>(snapshot).tickets).toEqual([waiting]);

    // Another store of the same business fires first: its ticket must not reach this display.
    const otherStore = h.stores.add().id;
    await fire(s, otherStore, s.menu.fries.variantId);
    const [grill] = await fire(s, s.storeId, s.menu.burger.variantId);
    // The waiting ticket's own event may still be on its way: the display keys tickets by id.
    const seen: Ticket[] = [];
    const fired = await feed.until((f) => {
      if (f.event === 'ticket-fired') seen.push(data<Ticket>(f));
      return f.event === 'ticket-fired' && data<Ticket>(f).ticketId === grill!.ticketId;
    });
    expect(data<Ticket>(fired)).toEqual(grill);
    expect(fired.id).toMatch(/^[\da-f-]{36}$/);
    expect(seen.every((t) => t.storeId === s.storeId)).toBe(true);

    await h.api.bumpTicket(s.kitchen.ctx, waiting!.ticketId);
    const bumped = await feed.until((f) => f.event === 'ticket-bumped');
    expect(data(bumped)).toMatchObject({ ticketId: waiting!.ticketId, storeId: s.storeId });
    feed.cancel();
  });

  it('sends a change to a fired ticket to that store’s displays only, and nothing for an unfired line', async () => {
    const s = h.shop();
    const otherStore = h.stores.add().id;
    /** A burger fired in course 1, a soup waiting for course 2. */
    async function burgerAndSoup(storeId: string) {
      const { orderId } = await h.api.createOrder(s.cashier.ctx, {
        storeId,
        registerId: storeId === s.storeId ? s.registerId : h.stores.addRegister(storeId),
        fulfilment: { type: 'takeaway' },
      });
      const soup = { variantId: s.menu.soup.variantId, quantity: 1, course: 2 };
      await h.api.addLine(s.cashier.ctx, orderId, soup);
      const order = await h.api.addLine(s.cashier.ctx, orderId, {
        variantId: s.menu.burger.variantId,
        quantity: 1,
      });
      const [ticket] = (await h.api.fireCourse(s.cashier.ctx, orderId, 1)).tickets;
      const lineOf = (name: string) => order.lines.find((l) => l.name === name)!.lineId;
      return { orderId, ticket: ticket!, burger: lineOf('Burger'), soup: lineOf('Soup') };
    }
    const here = await openFeed(feedUrl(s.storeId), s.kitchen.token);
    const there = await openFeed(feedUrl(otherStore), s.kitchen.token);
    await here.until((f) => f.event === 'snapshot');
    await there.until((f) => f.event === 'snapshot');
    const theirs = await burgerAndSoup(otherStore);
    const ours = await burgerAndSoup(s.storeId);
    const voidBurger = (o: typeof ours, reason: string) =>
      h.api.removeLine(s.cashier.ctx, o.orderId, o.burger, { reason, approval: s.manager.token });

    // The other store's void goes out first: it must not reach this display.
    await voidBurger(theirs, 'sent back');
    await voidBurger(ours, 'cold');
    type Changed = { ticket: Ticket & { items: unknown[] }; change: { kind: string } };
    const seen: Changed[] = [];
    const changed = await here.until((f) => {
      if (f.event === 'ticket-changed') seen.push(data<Changed>(f));
      return (
        f.event === 'ticket-changed' && data<Changed>(f).ticket.ticketId === ours.ticket.ticketId
      );
    });
    const [shown] = await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId);
    expect(data(changed)).toEqual({
      ticket: shown,
      change: expect.objectContaining({ kind: 'line-voided', reason: 'cold' }) as unknown,
    });
    expect(shown!.items).toEqual([
      expect.objectContaining({ voided: expect.anything() as unknown }),
    ]);
    expect(seen.map((c) => c.ticket.storeId)).toEqual([s.storeId]);
    const elsewhere = await there.until((f) => f.event === 'ticket-changed');
    expect(data<Changed>(elsewhere).ticket).toMatchObject({
      ticketId: theirs.ticket.ticketId,
      storeId: otherStore,
    });

    // The soup was never fired: taking it off tells the kitchen nothing. The bump shows the feed moved on.
    await h.api.removeLine(s.cashier.ctx, ours.orderId, ours.soup, {});
    await h.api.bumpTicket(s.kitchen.ctx, ours.ticket.ticketId);
    const events: string[] = [];
    await here.until((f) => {
      if (f.event) events.push(f.event);
      return f.event === 'ticket-bumped';
    });
    expect(events).toEqual(['ticket-bumped']);
    here.cancel();
    there.cancel();
  });

  it('keeps an idle stream alive with heartbeat comments', async () => {
    const s = h.shop();
    const feed = await openFeed(feedUrl(s.storeId), s.cashier.token);
    await feed.until((f) => f.event === 'snapshot');
    expect(await feed.until((f) => f.comment !== undefined)).toEqual({ comment: 'heartbeat' });
    feed.cancel();
  });

  it('answers a caller without a token or outside the store, or an unknown store, with a problem, not a stream', async () => {
    const s = h.shop();
    const anonymous = await fetch(feedUrl(s.storeId));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await anonymous.json()).toMatchObject({ code: 'unauthenticated' });
    const elsewhere = h.tokens.user(s.tenant, ['kitchen'], [newId()]);
    const refused = await fetch(feedUrl(s.storeId), {
      headers: { authorization: `Bearer ${elsewhere.token}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'store-not-allowed' });
    const nowhere = await fetch(feedUrl(newId()), {
      headers: { authorization: `Bearer ${s.kitchen.token}` },
    });
    expect(nowhere.status).toBe(404);
    expect(nowhere.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await nowhere.json()).toMatchObject({ code: 'store-not-found' });
  });

  it('ends a stream once its caller’s session ends, and sends it nothing more', async () => {
    const s = h.shop();
    const listening = h.module.kitchenFeed.size;
    const quiet = h.tokens.user(s.tenant, ['kitchen']);
    const idle = await openFeed(feedUrl(s.storeId), quiet.token);
    await idle.until((f) => f.event === 'snapshot');
    const busy = h.tokens.user(s.tenant, ['kitchen']);
    const live = await openFeed(feedUrl(s.storeId), busy.token);
    await live.until((f) => f.event === 'snapshot');

    h.tokens.revoke(quiet.token);
    h.tokens.revoke(busy.token);
    await fire(s, s.storeId, s.menu.soup.variantId);
    for (const feed of [idle, live]) {
      const after: Frame[] = [];
      for (let f = await feed.next(); f; f = await feed.next()) after.push(f);
      expect(after.filter((f) => f.event !== undefined)).toEqual([]);
    }
    // Another display of the store, still signed in, hears the ticket.
    const other = await openFeed(feedUrl(s.storeId), s.kitchen.token);
    const snapshot = await other.until((f) => f.event === 'snapshot');
    expect(data<{ tickets: Ticket[] }>(snapshot).tickets).toHaveLength(1);
    other.cancel();
    await expect.poll(() => h.module.kitchenFeed.size).toBe(listening);
  });

  it('stops listening when the display hangs up', async () => {
    const s = h.shop();
    const before = h.module.kitchenFeed.size;
    const feed = await openFeed(feedUrl(s.storeId), s.kitchen.token);
    await feed.until((f) => f.event === 'snapshot');
    expect(h.module.kitchenFeed.size).toBe(before + 1);
    feed.cancel();
    await expect.poll(() => h.module.kitchenFeed.size).toBe(before);
  });

  it('ends open streams when the app closes, so they never hold a shutdown up', async () => {
    const s = h.shop();
    const closing = await h.http();
    await closing.listen({ port: 0, host: '127.0.0.1' });
    const port = (closing.server.address() as AddressInfo).port;
    const feed = await openFeed(
      `http://127.0.0.1:${port}/api/v1/ordering/stores/${s.storeId}/kitchen/feed`,
      s.kitchen.token,
    );
    await feed.until((f) => f.event === 'snapshot');
    await closing.close();
    let frame = await feed.next();
    while (frame?.comment) frame = await feed.next();
    expect(frame).toBeNull();
  });
});
