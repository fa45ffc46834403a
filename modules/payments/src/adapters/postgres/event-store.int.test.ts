import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newId, rowsOf, type CallContext } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import type { PaymentEvent } from '../../domain/payment.ts';
import { projectPayment } from '../../domain/projection.ts';
import { cardSale, cashSale, paymentsHarness, type Harness } from '../../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

/** The message of what `promise` rejected with, down its causes (drizzle wraps driver errors). */
async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  const messages: string[] = [];
  for (
    let e = error as { message?: string; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    messages.push(String(e.message));
  }
  if (messages.length === 0) throw new Error('expected the statement to fail');
  return messages.join(' / ');
}

describe.each(testEngines())('the payment event store on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      poolSize: 20,
    });
  });
  afterAll(() => h?.close());

  const asTenant = <T>(ctx: CallContext, statement: ReturnType<typeof sql>) =>
    h.database.transaction(async (tx) => rowsOf<T>(await tx.execute(statement)), {
      tenantId: ctx.tenantId,
    });
  // The session user is the owner on both engines (ADR 0003): a deliberate escalation.
  const asOwner = (ctx: CallContext, statement: ReturnType<typeof sql>) =>
    h.database.transaction(
      async (tx) => {
        await tx.execute(sql`set local role postgres`);
        await tx.execute(statement);
      },
      { tenantId: ctx.tenantId },
    );

  it('refuses UPDATE and DELETE of events to the application role', async () => {
    const ctx = h.ctx(newId());
    const payment = await h.api.takePayment(ctx, cashSale(newId(), 500, 500));

    // One at a time: a statement started early could fail before anyone awaits it.
    const update = () =>
      asTenant(
        ctx,
        sql`update payments.payment_events set data = '{}' where stream_id = ${payment.id}`,
      );
    const remove = () =>
      asTenant(ctx, sql`delete from payments.payment_events where stream_id = ${payment.id}`);

    expect(await failureOf(update())).toMatch(/permission denied/);
    expect(await failureOf(remove())).toMatch(/permission denied/);
    expect(await h.api.paymentEvents(ctx, payment.id)).toHaveLength(2);
  });

  it('refuses them to the schema owner too, through the append-only trigger', async () => {
    const ctx = h.ctx(newId());
    const payment = await h.api.takePayment(ctx, cashSale(newId(), 500, 500));

    const statements = [
      sql`update payments.payment_events set version = version + 10`,
      sql`delete from payments.payment_events where stream_id = ${payment.id}`,
      sql`truncate payments.payment_events`,
    ];

    // One at a time: a statement started early could fail before anyone awaits it.
    for (const statement of statements) {
      expect(await failureOf(asOwner(ctx, statement))).toMatch(/append-only/);
    }
    expect(await h.api.paymentEvents(ctx, payment.id)).toHaveLength(2);
  });

  it('lets exactly one of many concurrent appends of the same version win, at every version', async () => {
    const ctx = h.ctx(newId());
    const paymentId = newId();
    const opening: PaymentEvent = {
      type: 'payment.authorized',
      version: 1,
      tender: 'cash',
      amount: 1_000,
      currency: 'EUR',
      orderId: newId(),
      storeId: newId(),
    };
    const capture: PaymentEvent = { type: 'payment.captured', version: 2, amount: 1_000 };
    const stream = [opening, capture];
    const race = (expected: number) =>
      Promise.allSettled(
        Array.from({ length: 10 }, () =>
          h.repo(ctx, (repo) =>
            repo.append(
              paymentId,
              expected,
              stream.slice(expected, expected + 1),
              projectPayment(stream.slice(0, expected + 1))!,
              { at: new Date(), actorId: ctx.actor.id },
            ),
          ),
        ),
      );

    const first = await race(0);
    const second = await race(1);

    for (const round of [first, second]) {
      expect(round.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const losers = round.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(losers).toHaveLength(9);
      for (const loser of losers) {
        expect(loser).toMatchObject({ code: 'payment-concurrency-conflict', kind: 'conflict' });
      }
    }
    const stored = await h.api.paymentEvents(ctx, paymentId);
    expect(stored.map((e) => e.version)).toEqual([1, 2]);
    expect(await h.api.getPayment(ctx, paymentId)).toMatchObject({
      version: 2,
      status: 'captured',
    });
  });

  it('settles concurrent takes of one payment id on one stream, each caller seeing the payment', async () => {
    const ctx = h.ctx(newId());
    const input = cashSale(newId(), 800, 1_000);

    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.api.takePayment(ctx, input)),
    );

    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({ status: 'captured', cash: { change: 200 } });
    expect(await h.api.paymentEvents(ctx, input.paymentId)).toHaveLength(2);
  });

  it.each([
    ['moved on', 'update payments.payments set version = version + 5'],
    ['removed', 'delete from payments.payments'],
  ])(
    'appends nothing to a stream whose read model was %s by hand, and says the payment changed',
    async (_, edit) => {
      const ctx = h.ctx(newId());
      const payment = await h.api.takePayment(ctx, cashSale(newId(), 500, 500));
      await asOwner(ctx, sql`${sql.raw(edit)} where id = ${payment.id}`);

      // The events would go in first: only the projection's own statement can refuse them.
      await expect(
        h.api.refundPayment(ctx, {
          paymentId: payment.id,
          refundId: newId(),
          amount: 200,
          reason: 'cold',
        }),
      ).rejects.toMatchObject({ code: 'payment-concurrency-conflict' });
      expect(await h.api.paymentEvents(ctx, payment.id)).toHaveLength(2);
      expect(await h.events(ctx.tenantId, 'payments.payment-refunded')).toEqual([]);
      expect(await h.audit(ctx.tenantId)).toEqual([]);
    },
  );

  it('keeps the read model equal to the fold of the stream', async () => {
    const ctx = h.ctx(newId());
    const payment = await h.api.takePayment(ctx, cardSale(newId(), 4_000, { tip: 400 }));
    await h.api.refundPayment(ctx, {
      paymentId: payment.id,
      refundId: newId(),
      amount: 1_000,
      reason: 'cold',
    });

    const stored = await h.api.getPayment(ctx, payment.id);
    const events = (await h.api.paymentEvents(ctx, payment.id)).map(
      (e) => ({ ...e.data, type: e.type, version: e.version }) as PaymentEvent,
    );

    const folded = projectPayment(events)!;
    const { processorRef, last4, ...same } = folded;
    expect(stored).toMatchObject({ ...same, card: { processorRef, last4 } });
    expect(stored).toMatchObject({
      version: 4,
      captured: 4_400,
      refunded: 1_000,
      refundable: 3_400,
    });
  });
});
