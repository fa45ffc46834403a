import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newId, rowsOf, type CallContext } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  transactionWrites,
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

/** The socket writes to PostgreSQL (at `port`) of each transaction `work` runs: its round trips. */
const writesPerTransaction = async (port: number, work: () => Promise<unknown>) =>
  (await transactionWrites(port, work)).map((writes) => writes.length);

describe.each(testEngines())('the payment event store on %s', (engine) => {
  let h: Harness;
  let postgresPort = 0;
  beforeAll(async () => {
    const postgres = engine === 'postgres' ? await createTestDatabase(postgresUrl()!) : undefined;
    if (postgres) postgresPort = Number(new URL(postgres.url).port || 5432);
    h = await paymentsHarness({ processor, ...(postgres && { postgres }), poolSize: 20 });
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

  it.each([
    ['on their own', false],
    ['sent with the commit', true],
  ])(
    'lets exactly one of many concurrent appends of the same version win, at every version (%s)',
    async (_, last) => {
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
            h.repo(ctx, (repo) => {
              const append = () =>
                repo.append(
                  paymentId,
                  expected,
                  stream.slice(expected, expected + 1),
                  projectPayment(stream.slice(0, expected + 1))!,
                  { at: new Date(), actorId: ctx.actor.id },
                );
              return last ? repo.lastly(append) : append();
            }),
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
    },
  );

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

  it('records racing refunds of one payment whole or not at all, never beyond what was captured', async () => {
    const ctx = h.ctx(newId());
    const payment = await h.api.takePayment(ctx, cashSale(newId(), 1_000, 1_000));
    const refundIds = Array.from({ length: 6 }, () => newId());

    const outcomes = await Promise.allSettled(
      refundIds.map((refundId) =>
        h.api.refundPayment(ctx, { paymentId: payment.id, refundId, amount: 300, reason: 'cold' }),
      ),
    );

    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(['refund-exceeds-captured', 'payment-concurrency-conflict']).toContain(
          (outcome.reason as { code?: string }).code,
        );
      }
    }
    const events = await h.api.paymentEvents(ctx, payment.id);
    const refunds = events.filter((e) => e.type === 'payment.refunded');
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
    expect(refunds.length).toBeGreaterThan(0);
    expect(refunds.length).toBeLessThanOrEqual(3);
    expect(refunds.length).toBe(outcomes.filter((o) => o.status === 'fulfilled').length);
    expect(await h.api.getPayment(ctx, payment.id)).toMatchObject({
      version: events.length,
      refunded: 300 * refunds.length,
    });
    expect(await h.events(ctx.tenantId, 'payments.payment-refunded')).toHaveLength(refunds.length);
    expect(await h.audit(ctx.tenantId)).toHaveLength(refunds.length);
  });

  it('records a refund raced by its own retries once, answering each with the payment', async () => {
    const ctx = h.ctx(newId());
    const payment = await h.api.takePayment(ctx, cashSale(newId(), 1_000, 1_000));
    const input = { paymentId: payment.id, refundId: newId(), amount: 400, reason: 'cold' };

    const results = await Promise.all(
      Array.from({ length: 8 }, () => h.api.refundPayment(ctx, input)),
    );

    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({ refunded: 400, refundable: 600, version: 3 });
    expect(await h.api.paymentEvents(ctx, payment.id)).toHaveLength(3);
    expect(await h.events(ctx.tenantId, 'payments.payment-refunded')).toHaveLength(1);
    expect(await h.audit(ctx.tenantId)).toHaveLength(1);
  });

  if (engine === 'postgres') {
    it('sends each write of a card sale, and a refund’s, in one round trip with its commit', async () => {
      const ctx = h.ctx(newId());
      const input = cardSale(newId(), 2_000);

      // The request, then the processor's answer: statements and commit in one write each.
      const sale = await writesPerTransaction(postgresPort, () => h.api.takePayment(ctx, input));
      expect(sale).toEqual([1, 1]);
      // A refund decides on a read of its own, then once more in the transaction that records
      // it (the stream, the store's limit): the record leaves with its commit.
      const refund = await writesPerTransaction(postgresPort, () =>
        h.api.refundPayment(ctx, {
          paymentId: input.paymentId,
          refundId: newId(),
          amount: 500,
          reason: 'cold',
        }),
      );
      expect(refund).toEqual([3, 3]);
      expect(await h.api.getPayment(ctx, input.paymentId)).toMatchObject({
        status: 'partially-refunded',
        refunded: 500,
      });
    });
  }

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
