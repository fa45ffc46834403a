import { z } from 'zod';
import type { OutgoingHttpHeaders } from 'node:http';
import { callContextOf, type StratumApp } from '@stratum/platform';
import type { OrderingApi } from '../../contract.ts';
import type { KitchenBroadcaster, KitchenFeedMessage } from '../bus/kitchen-broadcaster.ts';
import { base, kitchenRead, kitchenTags, storeParams } from './shared.ts';

export interface KitchenFeedOptions {
  /** Comment lines that keep proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** How often a stream checks that its caller's token and session still stand (default 2 s). */
  callerCheckMs?: number;
}

const frame = (m: KitchenFeedMessage) =>
  `id: ${m.id}\nevent: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`;

/**
 * The kitchen display's live feed, as Server-Sent Events: first a `snapshot`
 * of the store's open tickets, then `ticket-fired`, `ticket-changed` (a fired
 * line or order voided, or a line reduced: `{ ticket, change }`) and
 * `ticket-bumped` as this process hears them on the bus. A reconnecting
 * display gets a fresh snapshot, so `Last-Event-ID` is not needed to catch
 * up. Streams end when the client goes away and when the app closes, so they
 * never hold a shutdown up, and when the caller's token expires or their
 * session ends (a logout): a feed is read with the rights of who opened it,
 * and the display reconnects with a fresh token.
 */
export function kitchenFeedRoute(
  app: StratumApp,
  api: OrderingApi,
  broadcaster: KitchenBroadcaster,
  options: KitchenFeedOptions = {},
): void {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const callerCheckMs = options.callerCheckMs ?? 2_000;
  const open = new Set<() => void>();
  // Before the server stops accepting: an open stream is an in-flight response
  // that server.close() would otherwise wait for until the deadline.
  app.addHook('preClose', (done) => {
    for (const close of [...open]) close();
    done();
  });

  app.get(
    `${base}/stores/:storeId/kitchen/feed`,
    {
      config: kitchenRead,
      schema: {
        tags: kitchenTags,
        summary:
          'Live kitchen feed (text/event-stream): snapshot, ticket-fired, ticket-changed, ticket-bumped',
        params: storeParams,
        produces: ['text/event-stream'],
        response: {
          200: z
            .string()
            .describe(
              'An endless event stream: `snapshot` ({ tickets }) first, then `ticket-fired`, ' +
                '`ticket-changed` and `ticket-bumped` as they happen, and heartbeat comments',
            ),
        },
      },
    },
    async (request, reply) => {
      const ctx = callContextOf(request);
      const { storeId } = request.params;
      // Listen before reading the snapshot, so nothing fired meanwhile is lost; a
      // ticket in both is the same ticket, which the display keys by id.
      const pending: KitchenFeedMessage[] = [];
      let deliver: (m: KitchenFeedMessage) => void = (m) => pending.push(m);
      const stop = broadcaster.listen(ctx.tenantId, storeId, (m) => deliver(m));
      let tickets;
      try {
        tickets = await api.getKitchenTickets(ctx, storeId, { status: 'open' });
      } catch (err) {
        stop();
        throw err;
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
      const write = (chunk: string) => {
        if (!res.writableEnded && !res.destroyed) res.write(chunk);
      };
      /** Whether the caller still stands; a stream whose caller is gone is closed. */
      const stands = (): boolean => {
        const answer = app.callerStands(request);
        if (answer === true) return true;
        if (answer === false) close();
        else void answer.then((yes) => yes || close(), close);
        return answer !== false;
      };
      write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify({ tickets })}\n\n`);
      for (const m of pending.splice(0)) write(frame(m));
      deliver = (m) => {
        if (stands()) write(frame(m));
      };
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      const check = setInterval(stands, callerCheckMs);
      check.unref();

      const close = () => {
        if (!open.delete(close)) return;
        clearInterval(heartbeat);
        clearInterval(check);
        stop();
        if (!res.writableEnded) res.end();
      };
      open.add(close);
      // The response's 'close' also fires when the client hangs up first.
      res.on('close', close);
      res.on('error', close);
    },
  );
}
