import { describe, expect, it } from 'vitest';
import type { CallContext } from '@stratum/platform';
import { paymentErrors } from '../contract.ts';
import type { PaymentEvent } from '../domain/payment.ts';
import type { PaymentRepository, PaymentsDeps, StoredEvent } from './ports.ts';
import { fold, write } from './stream.ts';

const ctx: CallContext = {
  tenantId: '0191f2c4-1111-7000-8000-000000000001',
  actor: { kind: 'user', id: 'u-1', roles: ['cashier'], permissions: [], stores: ['*'] },
};
const opening: PaymentEvent = {
  type: 'payment.authorized',
  version: 1,
  tender: 'cash',
  amount: 500,
  currency: 'EUR',
  orderId: 'o-1',
  storeId: 's-1',
};

/**
 * A stream in memory whose next `conflicts` appends fail as if another
 * writer had taken the version first (that writer's events appear in
 * `rival`, committed before the next read).
 */
function fakeDeps(conflicts: number, rival: PaymentEvent[] = []) {
  const stream: StoredEvent[] = [];
  let failures = conflicts;
  const repo = {
    readStream: () => Promise.resolve([...stream]),
    append(_id: string, expected: number, events: readonly PaymentEvent[]) {
      if (failures > 0) {
        failures -= 1;
        for (const event of rival) stream.push({ event, occurredAt: new Date(), actorId: 'rival' });
        rival = [];
        return Promise.reject(paymentErrors.error('payment-concurrency-conflict'));
      }
      if (expected !== stream.length) throw new Error('stale append');
      for (const event of events) stream.push({ event, occurredAt: new Date(), actorId: 'u-1' });
      return Promise.resolve();
    },
    lastly: <T>(writes: () => Promise<T>) => writes(),
    emit: () => Promise.resolve(),
    audit: () => Promise.resolve(),
  } as unknown as PaymentRepository;
  const deps = {
    store: { inTenant: (_ctx: CallContext, fn: (r: PaymentRepository) => unknown) => fn(repo) },
    clock: { now: () => new Date() },
  } as unknown as PaymentsDeps;
  return { deps, stream };
}

describe('writing to a payment stream', () => {
  it('decides once more on a fresh read after losing the race, and then may find nothing to do', async () => {
    const { deps, stream } = fakeDeps(1, [opening]);
    const seen: number[] = [];

    const after = await write(deps, ctx, 'p-1', ({ state }) => {
      seen.push(state.version);
      return state.version === 0 ? [opening] : [];
    });

    expect(seen).toEqual([0, 1]);
    expect(after.state.stage).toBe('authorized');
    expect(stream.map((s) => s.actorId)).toEqual(['rival']);
  });

  it('gives up with payment-concurrency-conflict after losing twice', async () => {
    const { deps } = fakeDeps(2, [opening]);
    let decisions = 0;

    const attempt = write(deps, ctx, 'p-1', ({ state }) => {
      decisions += 1;
      return state.version === 0
        ? [opening]
        : [{ type: 'payment.captured', version: 2, amount: 1 }];
    });

    await expect(attempt).rejects.toMatchObject({ code: 'payment-concurrency-conflict' });
    expect(decisions).toBe(2);
  });

  it('calls the id another tenant’s when it stays invisible after two lost races', async () => {
    const { deps } = fakeDeps(2);
    await expect(write(deps, ctx, 'p-1', () => [opening])).rejects.toMatchObject({
      code: 'payment-id-reused',
    });
  });

  it('decides on the stream the caller knows without reading it, and reads it when that was stale', async () => {
    const reads = (deps: PaymentsDeps) => {
      let n = 0;
      const repo = deps.store as unknown as {
        inTenant: (c: CallContext, f: (r: PaymentRepository) => unknown) => unknown;
      };
      const inTenant = repo.inTenant;
      repo.inTenant = (c, f) =>
        inTenant(c, (r) =>
          f({
            ...r,
            readStream: (id: string) => ((n += 1), r.readStream(id)),
          }),
        );
      return () => n;
    };
    const fresh = fakeDeps(0);
    const freshReads = reads(fresh.deps);
    const written = await write(fresh.deps, ctx, 'p-1', () => [opening], fold('p-1', []));
    expect(written.state.version).toBe(1);
    expect(freshReads()).toBe(0);

    // Someone else opened the stream meanwhile: the known (empty) stream was stale.
    const raced = fakeDeps(1, [opening]);
    const racedReads = reads(raced.deps);
    const seen: number[] = [];
    const after = await write(
      raced.deps,
      ctx,
      'p-1',
      ({ state }) => {
        seen.push(state.version);
        return state.version === 0 ? [opening] : [];
      },
      fold('p-1', []),
    );
    expect(seen).toEqual([0, 1]);
    expect(racedReads()).toBe(1);
    expect(after.state.stage).toBe('authorized');
    expect(raced.stream.map((s) => s.actorId)).toEqual(['rival']);
  });
});
