import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StratumServer } from '@stratum/server';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { auditOf, collectEvents, storeOpsClient } from '../support/store-ops.ts';

describe.each(testEngines())('store-ops cash drawers on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof storeOpsClient>;
  let events: ReturnType<typeof collectEvents>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = storeOpsClient(server);
    events = collectEvents(server, `test.store-ops-drawers-${engine}`);
  });
  afterAll(() => t?.close());

  const sale = (registerId: string, tender: string, amountMinor: number, reference: string) => ({
    registerId,
    kind: 'sale',
    tender,
    amountMinor,
    reference,
  });

  it('runs a shift: float, cash in/out, sales and refunds, X report, Z close', async () => {
    const { owner, token, store, register } = await c.tenantWithRegister('GBP');
    const cashier = await c.staff(token, ['cashier']);
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, cashier, {
      openingFloatMinor: 10_000,
    });
    expect(session).toMatchObject({ status: 'open', currency: 'GBP', openingFloatMinor: 10_000 });
    const s = `/drawer-sessions/${session.id}`;
    await c.ok(
      201,
      'POST',
      `${s}/cash-in`,
      cashier,
      { amountMinor: 2_000, reason: 'change' },
      c.keyed(),
    );
    await c.ok(
      201,
      'POST',
      `${s}/cash-out`,
      cashier,
      { amountMinor: 500, reason: 'milk' },
      c.keyed(),
    );
    await c.ok(201, 'POST', '/drawer-movements', token, sale(register.id, 'cash', 1_500, 'p1'));
    await c.ok(201, 'POST', '/drawer-movements', token, sale(register.id, 'card', 3_000, 'p2'));
    await c.ok(201, 'POST', '/drawer-movements', token, {
      ...sale(register.id, 'cash', 300, 'r1'),
      kind: 'refund',
    });
    const x = await c.ok(200, 'GET', `${s}/x-report`, cashier);
    expect(x).toMatchObject({
      currency: 'GBP',
      status: 'open',
      openingFloatMinor: 10_000,
      cashInMinor: 2_000,
      cashOutMinor: 500,
      cashSalesMinor: 1_500,
      cashRefundsMinor: 300,
      expectedCashMinor: 12_700,
      movementCount: 6,
      tenders: [
        { tender: 'card', salesMinor: 3_000, refundsMinor: 0, netMinor: 3_000, count: 1 },
        { tender: 'cash', salesMinor: 1_500, refundsMinor: 300, netMinor: 1_200, count: 2 },
      ],
    });

    const byCashier = await c.call('POST', `${s}/close`, cashier, { countedCashMinor: 12_700 });
    expect(byCashier.statusCode).toBe(403);
    const unexplained = await c.call('POST', `${s}/close`, token, { countedCashMinor: 12_650 });
    expect(unexplained.json().code).toBe('reason-required');
    const z = await c.ok(201, 'POST', `${s}/close`, token, {
      countedCashMinor: 12_650,
      reason: 'fifty short, recounted twice',
    });
    expect(z).toMatchObject({
      expectedCashMinor: 12_700,
      countedCashMinor: 12_650,
      overShortMinor: -50,
      currency: 'GBP',
      closedBy: owner.userId,
    });
    expect(await c.ok(200, 'GET', `${s}/z-report`, cashier)).toEqual(z);
    expect((await c.ok(200, 'GET', s, cashier)).status).toBe('closed');
    await expect
      .poll(() => events.of(owner.tenantId, 'store-ops.drawer-closed'))
      .toEqual([
        {
          sessionId: session.id,
          storeId: store.id,
          registerId: register.id,
          expectedCashMinor: 12_700,
          countedCashMinor: 12_650,
          overShortMinor: -50,
          currency: 'GBP',
        },
      ]);
  });

  it('keeps a closed session closed: no second Z, no more cash movements', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 1_000,
    });
    const s = `/drawer-sessions/${session.id}`;
    await c.ok(201, 'POST', `${s}/close`, token, { countedCashMinor: 1_000 });
    const again = await c.call('POST', `${s}/close`, token, { countedCashMinor: 1_000 });
    expect(again.json().code).toBe('drawer-not-open');
    const cash = await c.call(
      'POST',
      `${s}/cash-in`,
      token,
      { amountMinor: 1, reason: 'late' },
      c.keyed(),
    );
    expect(cash.json().code).toBe('drawer-not-open');
    const late = await c.call(
      'POST',
      '/drawer-movements',
      token,
      sale(register.id, 'cash', 1, 'x'),
    );
    expect(late.json().code).toBe('drawer-not-open');
    // The register can start a new session once the old one is closed.
    await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, { openingFloatMinor: 0 });
  });

  it('writes the Z close to the audit log and makes the Z report unchangeable', async () => {
    const { owner, token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 500,
    });
    await c.ok(201, 'POST', `/drawer-sessions/${session.id}/close`, token, {
      countedCashMinor: 600,
      reason: 'tip jar mixed in',
    });
    const audit = await auditOf(server, owner.tenantId, session.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'drawer.z-close',
      actor_id: owner.userId,
      reason: 'tip jar mixed in',
      before: { status: 'open', expectedCashMinor: 500 },
      after: { status: 'closed', countedCashMinor: 600 },
    });
    for (const statement of [
      sql`update store_ops.z_reports set counted_cash_minor = 500`,
      sql`delete from store_ops.z_reports`,
      sql`delete from store_ops.drawer_movements`,
      sql`update store_ops.audit_log set reason = null`,
    ]) {
      const error = await server.database
        .transaction((tx) => tx.execute(statement), { tenantId: owner.tenantId })
        .then(
          () => undefined,
          (err: Error) => err,
        );
      expect(`${error?.message} ${String((error?.cause as Error | undefined)?.message)}`).toMatch(
        /permission denied/,
      );
    }
  });

  it('refuses to pay out more cash than the drawer should hold', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 1_000,
    });
    const s = `/drawer-sessions/${session.id}`;
    const out = await c.call(
      'POST',
      `${s}/cash-out`,
      token,
      { amountMinor: 1_001, reason: 'x' },
      c.keyed(),
    );
    expect(out.statusCode).toBe(422);
    expect(out.json().code).toBe('insufficient-cash');
    const refund = await c.call('POST', '/drawer-movements', token, {
      ...sale(register.id, 'cash', 1_001, 'r9'),
      kind: 'refund',
    });
    expect(refund.json().code).toBe('insufficient-cash');
    await c.ok(
      201,
      'POST',
      `${s}/cash-out`,
      token,
      { amountMinor: 1_000, reason: 'bank run' },
      c.keyed(),
    );
    expect((await c.ok(200, 'GET', `${s}/x-report`, token)).expectedCashMinor).toBe(0);
  });

  it('records a cash-out once per Idempotency-Key and replays it to a retry', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 1_000,
    });
    const s = `/drawer-sessions/${session.id}`;
    const body = { amountMinor: 400, reason: 'bank run' };
    const first = await c.call('POST', `${s}/cash-out`, token, body, c.keyed('k'));
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.json()).toMatchObject({ kind: 'cash-out', amountMinor: 400, reference: 'k' });
    const retry = await c.call('POST', `${s}/cash-out`, token, body, c.keyed('k'));
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await c.ok(200, 'GET', `${s}/x-report`, token)).expectedCashMinor).toBe(600);
    const ledger = await c.ok(200, 'GET', `${s}/movements?kind=cash-out`, token);
    expect(ledger.items).toEqual([first.json()]);

    // The same key for another request is refused, whatever differs.
    for (const [path, other] of [
      ['cash-out', { amountMinor: 401, reason: 'bank run' }],
      ['cash-out', { amountMinor: 400, reason: 'float top-up' }],
    ] as const) {
      const res = await c.call('POST', `${s}/${path}`, token, other, c.keyed('k'));
      expect([res.statusCode, res.json().code]).toEqual([422, 'idempotency-key-reused']);
    }
    // A key names a movement of one session: reused in the register's next session, it is refused.
    await c.ok(201, 'POST', `${s}/close`, token, { countedCashMinor: 600 });
    const next = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 1_000,
    });
    const reused = await c.call(
      'POST',
      `/drawer-sessions/${next.id}/cash-out`,
      token,
      body,
      c.keyed('k'),
    );
    expect([reused.statusCode, reused.json().code]).toEqual([422, 'idempotency-key-reused']);
    // The first request, retried after its session closed, still gets its movement back.
    const late = await c.call('POST', `${s}/cash-out`, token, body, c.keyed('k'));
    expect([late.statusCode, late.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(late.json()).toEqual(first.json());
    expect((await c.ok(200, 'GET', `${s}/z-report`, token)).expectedCashMinor).toBe(600);
  });

  it('keeps cash-in and cash-out keys apart, and needs a key to move cash', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    const s = `/drawer-sessions/${session.id}`;
    const body = { amountMinor: 250, reason: 'change' };
    const cashIn = await c.ok(201, 'POST', `${s}/cash-in`, token, body, c.keyed('shift-1'));
    const again = await c.call('POST', `${s}/cash-in`, token, body, c.keyed('shift-1'));
    expect([again.statusCode, again.json().id]).toEqual([201, cashIn.id]);
    const cashOut = await c.ok(201, 'POST', `${s}/cash-out`, token, body, c.keyed('shift-1'));
    expect(cashOut.id).not.toBe(cashIn.id);
    for (const path of ['cash-in', 'cash-out']) {
      const res = await c.call('POST', `${s}/${path}`, token, body);
      expect([path, res.statusCode, res.json().code]).toEqual([
        path,
        400,
        'idempotency-key-required',
      ]);
    }
    const x = await c.ok(200, 'GET', `${s}/x-report`, token);
    expect(x).toMatchObject({ cashInMinor: 250, cashOutMinor: 250, expectedCashMinor: 0 });
  });

  it('records a posted sale once per reference and rejects a changed replay', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    const first = await c.ok(
      201,
      'POST',
      '/drawer-movements',
      token,
      sale(register.id, 'card', 990, 'pay-1'),
    );
    const replay = await c.ok(
      201,
      'POST',
      '/drawer-movements',
      token,
      sale(register.id, 'card', 990, 'pay-1'),
    );
    expect(replay).toEqual(first);
    const changed = await c.call(
      'POST',
      '/drawer-movements',
      token,
      sale(register.id, 'card', 991, 'pay-1'),
    );
    expect(changed.json().code).toBe('movement-reference-conflict');
    const ledger = await c.ok(
      200,
      'GET',
      `/drawer-sessions/${session.id}/movements?kind=sale`,
      token,
    );
    expect(ledger.items).toEqual([first]);
  });

  it('lets a cashier run the drawer but not post sales by hand; kitchen staff not at all', async () => {
    const { token, register } = await c.tenantWithRegister();
    const cashier = await c.staff(token, ['cashier']);
    const kitchen = await c.staff(token, ['kitchen']);
    const denied = await c.call('POST', `/registers/${register.id}/drawer`, kitchen, {
      openingFloatMinor: 0,
    });
    expect(denied.statusCode).toBe(403);
    await c.ok(201, 'POST', `/registers/${register.id}/drawer`, cashier, { openingFloatMinor: 0 });
    const posted = await c.call(
      'POST',
      '/drawer-movements',
      cashier,
      sale(register.id, 'cash', 5, 'c'),
    );
    expect(posted.statusCode).toBe(403);
  });

  it('opens one session per register: a second open is a 409 problem', async () => {
    const { token, register } = await c.tenantWithRegister();
    const first = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    const second = await c.call('POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    expect(second.statusCode).toBe(409);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.json().code).toBe('drawer-already-open');
    expect(await c.ok(200, 'GET', `/registers/${register.id}/drawer`, token)).toEqual(first);
  });

  it('lists sessions newest first, filtered by register and status', async () => {
    const { token, store, register } = await c.tenantWithRegister();
    const other = await c.ok(201, 'POST', '/registers', token, { storeId: store.id, name: 'T2' });
    const a = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    await c.ok(201, 'POST', `/drawer-sessions/${a.id}/close`, token, { countedCashMinor: 0 });
    const b = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    const o = await c.ok(201, 'POST', `/registers/${other.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    const ids = async (query: string) =>
      (await c.ok(200, 'GET', `/drawer-sessions?${query}`, token)).items.map(
        (s: { id: string }) => s.id,
      );
    expect(await ids(`registerId=${register.id}`)).toEqual([b.id, a.id]);
    expect(await ids(`registerId=${register.id}&sort=openedAt&limit=1`)).toEqual([a.id]);
    expect(await ids('status=open')).toEqual([o.id, b.id]);
    expect(await ids(`storeId=${store.id}&status=closed`)).toEqual([a.id]);
  });
});
