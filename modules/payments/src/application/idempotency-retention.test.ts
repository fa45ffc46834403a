import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLogs } from '@stratum/testing';
import {
  idempotencyKeySweeper,
  idempotencyRetentionSettings,
  type IdempotencyRetentionSettings,
} from './idempotency-retention.ts';
import type { IdempotencyKeyRetention } from './ports.ts';

const settings: IdempotencyRetentionSettings = {
  retentionMs: 86_400_000,
  intervalMs: 1_000,
  batchSize: 3,
};

/** A table of `expired` keys that a batch deletes from, as the SQL function does. */
function expiredKeys(expired: number) {
  let left = expired;
  const calls: { retentionMs: number; limit: number }[] = [];
  const retention: IdempotencyKeyRetention = {
    pruneExpired(retentionMs, limit) {
      calls.push({ retentionMs, limit });
      const deleted = Math.min(left, limit);
      left -= deleted;
      return Promise.resolve(deleted);
    },
  };
  return { retention, calls, left: () => left };
}

/** A batch the test finishes when it chooses, to catch the sweeper mid-round. */
function heldBatches() {
  const pending: ((deleted: number) => void)[] = [];
  const retention: IdempotencyKeyRetention = {
    pruneExpired: () => new Promise<number>((resolve) => pending.push(resolve)),
  };
  return { retention, pending };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the Idempotency-Key sweeper', () => {
  it('deletes in batches of the configured size until a batch comes back short', async () => {
    const keys = expiredKeys(7);
    const { logger, lines } = captureLogs('info');
    const sweeper = idempotencyKeySweeper(keys.retention, settings, logger);

    expect(await sweeper.runOnce()).toBe(7);

    expect(keys.calls).toEqual([
      { retentionMs: 86_400_000, limit: 3 },
      { retentionMs: 86_400_000, limit: 3 },
      { retentionMs: 86_400_000, limit: 3 },
    ]);
    expect(keys.left()).toBe(0);
    expect(lines()).toEqual([
      expect.objectContaining({ msg: 'pruned expired Idempotency-Keys', deleted: 7 }),
    ]);
  });

  it('stops after one batch when it is short, and logs nothing when nothing expired', async () => {
    const keys = expiredKeys(0);
    const { logger, lines } = captureLogs('info');

    expect(await idempotencyKeySweeper(keys.retention, settings, logger).runOnce()).toBe(0);
    expect(keys.calls).toHaveLength(1);
    expect(lines()).toEqual([]);
  });

  it('never runs two rounds at once: a second call joins the round in progress', async () => {
    const held = heldBatches();
    const sweeper = idempotencyKeySweeper(held.retention, settings, captureLogs().logger);

    const first = sweeper.runOnce();
    const second = sweeper.runOnce();
    expect(second).toBe(first);
    expect(held.pending).toHaveLength(1);

    held.pending[0]!(1);
    expect(await first).toBe(1);
    expect(held.pending).toHaveLength(1);
  });

  it('logs a failed round and carries on with the next one', async () => {
    let failures = 1;
    const retention: IdempotencyKeyRetention = {
      pruneExpired: () =>
        failures-- > 0 ? Promise.reject(new Error('connection lost')) : Promise.resolve(2),
    };
    const { logger, lines } = captureLogs('info');
    const sweeper = idempotencyKeySweeper(retention, settings, logger);

    expect(await sweeper.runOnce()).toBe(0);
    expect(await sweeper.runOnce()).toBe(2);

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'Idempotency-Key sweep failed',
        err: expect.objectContaining({ message: 'connection lost' }),
      }),
      expect.objectContaining({ msg: 'pruned expired Idempotency-Keys', deleted: 2 }),
    ]);
  });

  it('sweeps on its interval once started, skipping ticks while a round is still running', async () => {
    vi.useFakeTimers();
    const held = heldBatches();
    const sweeper = idempotencyKeySweeper(held.retention, settings, captureLogs().logger);

    sweeper.start();
    sweeper.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(held.pending).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(held.pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(held.pending).toHaveLength(1);

    held.pending[0]!(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.pending).toHaveLength(2);
    held.pending[1]!(0);
    await sweeper.stop();
  });

  it('stops cleanly: waits for the batch in progress, deletes no further batch, and fires no more', async () => {
    vi.useFakeTimers();
    const held = heldBatches();
    const sweeper = idempotencyKeySweeper(held.retention, settings, captureLogs().logger);
    sweeper.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.pending).toHaveLength(1);

    let stopped = false;
    const stopping = sweeper.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    // A full batch: the round would go on, but the sweeper is stopping.
    held.pending[0]!(settings.batchSize);
    await vi.advanceTimersByTimeAsync(0);
    expect(held.pending).toHaveLength(1);
    await stopping;
    expect(stopped).toBe(true);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(held.pending).toHaveLength(1);

    // Stopping is not for good: a later round sweeps to the end again.
    const keys = expiredKeys(4);
    const again = idempotencyKeySweeper(keys.retention, settings, captureLogs().logger);
    await again.stop();
    expect(await again.runOnce()).toBe(4);
  });
});

describe('the Idempotency-Key retention settings', () => {
  it('default to 24 hours, swept every 10 minutes, 500 keys per delete', () => {
    expect(idempotencyRetentionSettings({})).toEqual({
      retentionMs: 86_400_000,
      intervalMs: 600_000,
      batchSize: 500,
    });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a retention of %s ms',
    (retentionMs) => {
      expect(() => idempotencyRetentionSettings({ idempotencyRetentionMs: retentionMs })).toThrow(
        /idempotencyRetentionMs must be a positive integer/,
      );
    },
  );

  it('refuses a retention shorter than the lease of an in-flight claim', () => {
    expect(() =>
      idempotencyRetentionSettings({ idempotencyRetentionMs: 60_000, idempotencyLeaseMs: 60_001 }),
    ).toThrow(/must not be shorter than idempotencyLeaseMs/);
    expect(
      idempotencyRetentionSettings({ idempotencyRetentionMs: 60_000, idempotencyLeaseMs: 60_000 })
        .retentionMs,
    ).toBe(60_000);
  });

  it('refuses a sweep interval or batch size that is not a positive integer', () => {
    expect(() => idempotencyRetentionSettings({ idempotencySweepIntervalMs: 0 })).toThrow(
      /idempotencySweepIntervalMs/,
    );
    expect(() => idempotencyRetentionSettings({ idempotencySweepIntervalMs: 2 ** 31 })).toThrow(
      /idempotencySweepIntervalMs/,
    );
    expect(() => idempotencyRetentionSettings({ idempotencySweepBatchSize: 0 })).toThrow(
      /idempotencySweepBatchSize/,
    );
  });
});
