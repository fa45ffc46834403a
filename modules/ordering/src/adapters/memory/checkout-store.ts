import type { CheckoutRecord, CheckoutStore } from '../../application/checkout/ports.ts';

/**
 * Sagas in memory, for unit tests of the orchestrator: the same contract as
 * the PostgreSQL store (leases, one live checkout per order, keys per tenant).
 */
export function memoryCheckoutStore(clock: { now(): Date }): CheckoutStore & {
  steps(id: string): string[];
} {
  const rows = new Map<string, CheckoutRecord>();
  const log = new Map<string, string[]>();
  const live = (r: CheckoutRecord) => r.status === 'running' || r.status === 'compensating';
  const lease = (ms: number) => new Date(clock.now().getTime() + ms);
  const save = (r: CheckoutRecord) => (rows.set(r.id, r), r);
  return {
    steps: (id) => log.get(id) ?? [],
    async create(_ctx, plan, leaseMs) {
      // No transaction here: the fakes' unit of work is nothing.
      const { checkout: record, write } = await plan(undefined);
      const taken = [...rows.values()].some(
        (r) =>
          r.tenantId === record.tenantId &&
          (r.idempotencyKey === record.idempotencyKey || (r.orderId === record.orderId && live(r))),
      );
      if (taken) return undefined;
      await write?.();
      log.set(record.id, ['forward:place']);
      return save({
        ...record,
        attempts: 0,
        leaseUntil: lease(leaseMs),
        receiptNumber: null,
        createdAt: clock.now(),
        finishedAt: null,
      });
    },
    get: (tenantId, id) => {
      const r = rows.get(id);
      return Promise.resolve(r?.tenantId === tenantId ? r : undefined);
    },
    byKey: (tenantId, key) =>
      Promise.resolve(
        [...rows.values()].find((r) => r.tenantId === tenantId && r.idempotencyKey === key),
      ),
    claim(tenantId, id, leaseMs) {
      const r = rows.get(id);
      const free = !r?.leaseUntil || r.leaseUntil.getTime() < clock.now().getTime();
      if (!r || r.tenantId !== tenantId || !live(r) || !free) return Promise.resolve(undefined);
      return Promise.resolve(save({ ...r, attempts: r.attempts + 1, leaseUntil: lease(leaseMs) }));
    },
    async advanceWith(_ctx, record, done, next, leaseMs, extra, work) {
      // No transaction here: the fakes' unit of work is nothing.
      await work(undefined);
      return this.advance(record, done, next, leaseMs, extra);
    },
    advance(record, done, next, leaseMs, extra = {}) {
      for (const d of done) {
        const entries = log.get(record.id) ?? [];
        const entry = `${d.direction}:${d.step}`;
        if (!entries.includes(entry)) log.set(record.id, [...entries, entry]);
      }
      const finished = next.status === 'completed' || next.status === 'compensated';
      const current = rows.get(record.id) ?? record;
      return Promise.resolve(
        save({
          ...current,
          step: next.step,
          status: next.status,
          leaseUntil: finished ? null : lease(leaseMs),
          finishedAt: finished ? clock.now() : null,
          ...(extra.receiptNumber !== undefined && { receiptNumber: extra.receiptNumber }),
          ...(extra.failure && { failure: extra.failure }),
        }),
      );
    },
    release: (record, retryAt) =>
      Promise.resolve(save({ ...(rows.get(record.id) ?? record), leaseUntil: retryAt })),
    due(now, limit) {
      return Promise.resolve(
        [...rows.values()]
          .filter((r) => live(r) && (!r.leaseUntil || r.leaseUntil.getTime() < now.getTime()))
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
          .slice(0, limit)
          .map((r) => ({ tenantId: r.tenantId, id: r.id })),
      );
    },
  };
}
