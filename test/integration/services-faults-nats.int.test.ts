import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl, postgresUrl, redisUrl } from '@stratum/testing';
import type { CheckoutView } from '@stratum/ordering/contract';
import type { XReport } from '@stratum/store-ops/contract';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import { apiOf, eventually, type Api } from '../support/checkout-till.ts';
import { startNatsServer, type EngineProcess } from '../support/engines.ts';
import {
  launchServicesShape,
  openFaultTill,
  query,
  sellEspresso,
  type ServicesShape,
} from '../support/services-shape.ts';

/** The outage: NATS is away this long while cashiers keep checking out. */
const outageMs = 30_000;
const cashiers = 3;
/**
 * A cashier's quickest pace: keeps a fast machine from selling the demo
 * café's beans out (12 kg, 9 g an espresso) within the test.
 */
const saleEveryMs = 250;
/** How long every event may take to arrive once NATS is back. */
const deliveryDeadlineMs = 90_000;
const openingFloat = 10_000;
const completedHandler = 'store-ops.on-ordering-checkout-completed';

type Phase = 'before' | 'outage' | 'after';

interface Sale {
  phase: Phase;
  status: number;
  view: CheckoutView;
}

/** What the drawer must show: per tender, the sum taken in (card tips included) and the count. */
function expectedTenders(sales: readonly Sale[]) {
  const totals = new Map<string, { salesMinor: number; count: number }>();
  for (const { view } of sales) {
    for (const t of view.tenders) {
      const line = totals.get(t.kind) ?? { salesMinor: 0, count: 0 };
      line.salesMinor += t.amount + t.tip;
      line.count += 1;
      totals.set(t.kind, line);
    }
  }
  return [...totals]
    .map(([tender, t]) => ({ tender, ...t }))
    .sort((a, b) => a.tender.localeCompare(b.tender));
}

function drawerTenders(report: XReport) {
  return report.tenders
    .map((t) => ({ tender: t.tender, salesMinor: t.salesMinor, count: t.count }))
    .sort((a, b) => a.tender.localeCompare(b.tender));
}

interface OutboxState {
  module: string;
  pending: number;
  dead: number;
}

/** Rows of the checkout process's outboxes not yet published, and those set aside as dead. */
function outboxState(url: string): Promise<OutboxState[]> {
  return query<OutboxState>(
    url,
    `select 'ordering' as module,
            count(*) filter (where published_at is null and dead_at is null)::int as pending,
            count(*) filter (where dead_at is not null)::int as dead
       from ordering.outbox
     union all
     select 'payments',
            count(*) filter (where published_at is null and dead_at is null)::int,
            count(*) filter (where dead_at is not null)::int
       from payments.outbox`,
  );
}

describe.runIf(postgresUrl() && redisUrl() && natsUrl())(
  'the services shape while NATS is down for 30 s',
  () => {
    let nats: EngineProcess;
    let shape: ServicesShape;
    let api: Api;

    beforeAll(async () => {
      nats = await startNatsServer();
      try {
        shape = await launchServicesShape({ natsUrl: nats.url, redisUrl: redisUrl()! });
      } catch (err) {
        await nats.dispose();
        throw err;
      }
      api = apiOf(shape.url);
    }, 180_000);

    afterAll(async () => {
      await shape?.close();
      await nats?.dispose();
    }, 60_000);

    it('keeps checking out during the outage and delivers every event exactly once afterwards', async () => {
      await seedDemo(shape.url);
      const till = await openFaultTill(api, openingFloat);

      let phase: Phase = 'before';
      let running = true;
      const sales: Sale[] = [];
      const failures: string[] = [];
      const cashier = async (n: number) => {
        for (let i = 0; running; i++) {
          const started = phase;
          const pace = new Promise((r) => setTimeout(r, saleEveryMs));
          const tender = (n + i) % 2 === 0 ? 'cash' : 'card';
          try {
            const { checkout } = await sellEspresso(api, till, tender, `outage-${n}-${i}`);
            sales.push({ phase: started, status: checkout.status, view: checkout.body });
          } catch (err) {
            failures.push(`${started} #${n}/${i}: ${String(err)}`);
          }
          await pace;
        }
      };
      const load = Array.from({ length: cashiers }, (_, n) => cashier(n));
      const count = (p: Phase) => sales.filter((s) => s.phase === p).length;

      await eventually(
        'checkouts before the outage',
        async () => count('before') >= cashiers || undefined,
        30_000,
      );
      await nats.stop();
      const down = Date.now();
      phase = 'outage';
      await new Promise((r) => setTimeout(r, Math.max(0, down + outageMs - Date.now())));
      await nats.start();
      const outage = Date.now() - down;
      phase = 'after';
      await eventually(
        'checkouts after the outage',
        async () => count('after') >= cashiers || undefined,
        30_000,
      );
      running = false;
      await Promise.all(load);

      expect(failures).toEqual([]);
      expect(outage).toBeGreaterThanOrEqual(outageMs);
      expect(count('outage')).toBeGreaterThan(cashiers);
      const unexpected = sales.filter((s) => s.status !== 201 || s.view.status !== 'completed');
      expect(unexpected.map((s) => ({ phase: s.phase, status: s.status, body: s.view }))).toEqual(
        [],
      );

      // Every completed checkout reaches the drawer in the other process once: sums and counts per tender.
      const expected = expectedTenders(sales);
      const back = Date.now();
      const report = await eventually(
        'the drawer to show every checkout',
        async () => {
          const x = await api.ok<XReport>(
            200,
            'GET',
            `/api/v1/store-ops/drawer-sessions/${till.sessionId}/x-report`,
            till.token,
          );
          return JSON.stringify(drawerTenders(x)) === JSON.stringify(expected) ? x : undefined;
        },
        deliveryDeadlineMs,
        250,
      ).catch(async (err: unknown) => {
        const x = await api.ok<XReport>(
          200,
          'GET',
          `/api/v1/store-ops/drawer-sessions/${till.sessionId}/x-report`,
          till.token,
        );
        expect(drawerTenders(x), `${String(err)}\n${shape.output()}`).toEqual(expected);
        throw err;
      });
      const delivered = Date.now() - back;
      expect(drawerTenders(report)).toEqual(expected);
      // The opening float is a movement too, and the only cash besides the sales.
      expect(report.movementCount).toBe(1 + expected.reduce((n, t) => n + t.count, 0));
      const cash = expected.find((t) => t.tender === 'cash')?.salesMinor ?? 0;
      expect(report.expectedCashMinor).toBe(openingFloat + cash);

      // Nothing left behind in the producer's outboxes: all published, none dead.
      const checkoutDb = shape.databases['checkout']!;
      const outboxes = await eventually(
        'the outboxes to drain',
        async () => {
          const state = await outboxState(checkoutDb);
          return state.every((s) => s.pending === 0) ? state : undefined;
        },
        30_000,
        250,
      );
      expect(outboxes).toEqual([
        { module: 'ordering', pending: 0, dead: 0 },
        { module: 'payments', pending: 0, dead: 0 },
      ]);

      // While the bus is known to be down the relay waits instead of spending attempts: a row
      // pays at most for the moment the connection dropped under a publish and a first try on
      // reconnection, where a relay that kept claiming would be at its 6th attempt with a 32 s
      // backoff for events from the start of the outage.
      const [attempts] = await query<{ max: number }>(
        checkoutDb,
        `select max(attempts)::int as max from ordering.outbox`,
      );
      expect(attempts!.max).toBeLessThanOrEqual(3);

      // The consumer's inbox holds exactly the completions the producer published, each once.
      const published = await query<{ id: string }>(
        checkoutDb,
        `select id from ordering.outbox where type = 'ordering.checkout-completed' order by id`,
      );
      const handled = await query<{ message_id: string }>(
        shape.databases['catalog']!,
        `select message_id from store_ops.inbox where handler = '${completedHandler}' order by message_id`,
      );
      expect(published).toHaveLength(sales.length);
      expect(handled.map((r) => r.message_id)).toEqual(published.map((r) => r.id));

      console.info(
        JSON.stringify({
          outageMs: outage,
          checkouts: { before: count('before'), outage: count('outage'), after: count('after') },
          deliveredAfterRestartMs: delivered,
        }),
      );
    }, 300_000);
  },
);
