import { describe, expect, it, vi } from 'vitest';
import { createCallPolicy, type CallPolicyEvent } from './call-policy.ts';
import { dependency, fast, rejectionOf, status } from './scripted-dependency.ts';

describe('bulkhead', () => {
  it('queues up to its queue size and rejects further calls at once with dependency-busy', async () => {
    const dep = dependency('gate');
    const policy = createCallPolicy('processor', {
      ...fast,
      bulkhead: { maxConcurrent: 2, maxQueued: 1 },
    });
    const running = [1, 2, 3].map(() => policy.execute(dep.call, { idempotent: false }));

    const error = await rejectionOf(policy.execute(dep.call, { idempotent: false }));

    expect(error).toMatchObject({ code: 'dependency-busy', kind: 'unavailable' });
    expect(error.details).toEqual({ dependency: 'processor' });
    expect(policy.state()).toMatchObject({ bulkheadActive: 2, bulkheadQueued: 1 });
    expect(dep.calls).toBe(2);
    dep.open();
    await vi.waitFor(() => expect(dep.calls).toBe(3));
    dep.open();
    await expect(Promise.all(running)).resolves.toEqual(['opened', 'opened', 'opened']);
    expect(policy.state()).toMatchObject({ bulkheadActive: 0, bulkheadQueued: 0 });
  });
});

describe('timeouts', () => {
  it('aborts the attempt’s signal and rejects with dependency-timeout when an attempt is too slow', async () => {
    const dep = dependency('hang');
    const policy = createCallPolicy('processor', { ...fast, attemptTimeoutMs: 20 });

    const error = await rejectionOf(policy.execute(dep.call, { idempotent: false }));

    expect(error).toMatchObject({ code: 'dependency-timeout', kind: 'unavailable' });
    expect(dep.signals[0]?.aborted).toBe(true);
  });

  it('leaves the signal of a call that returned alone, so what it handed on keeps going', async () => {
    const policy = createCallPolicy('processor', fast);
    const signals: AbortSignal[] = [];
    const answer = await policy.execute(
      (signal) => {
        signals.push(signal);
        return Promise.resolve('headers');
      },
      { idempotent: true },
    );

    expect(answer).toBe('headers');
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  it('rejects on time even when the call ignores its signal', async () => {
    const dep = dependency('hang-deaf');
    const policy = createCallPolicy('processor', { ...fast, attemptTimeoutMs: 20 });
    const started = performance.now();

    expect((await rejectionOf(policy.execute(dep.call, { idempotent: false }))).code).toBe(
      'dependency-timeout',
    );
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('retries an idempotent attempt that timed out', async () => {
    const dep = dependency('hang', { ok: 'paid' });
    const policy = createCallPolicy('processor', { ...fast, attemptTimeoutMs: 20 });

    await expect(policy.execute(dep.call, { idempotent: true })).resolves.toBe('paid');
    // The attempt that timed out was told to stop; the one that answered was not.
    expect(dep.signals.map((s) => s.aborted)).toEqual([true, false]);
  });

  it('ends the whole call at the deadline, retries and backoff included', async () => {
    const dep = dependency('hang');
    const policy = createCallPolicy('processor', {
      ...fast,
      attemptTimeoutMs: 30,
      deadlineMs: 80,
      retry: { maxRetries: 50, initialDelayMs: 10, maxDelayMs: 10 },
      breaker: { consecutiveFailures: 100 },
    });
    const started = performance.now();

    const error = await rejectionOf(policy.execute(dep.call, { idempotent: true }));

    expect(error.code).toBe('dependency-timeout');
    expect(performance.now() - started).toBeLessThan(500);
    expect(dep.calls).toBeLessThanOrEqual(3);
    expect(dep.signals.every((s) => s.aborted)).toBe(true);
  });

  it('rejects with the caller’s own reason when the caller aborts', async () => {
    const dep = dependency('hang');
    const policy = createCallPolicy('processor', fast);
    const caller = new AbortController();
    const call = policy.execute(dep.call, { idempotent: true, signal: caller.signal });
    await vi.waitFor(() => expect(dep.calls).toBe(1));

    caller.abort(new Error('client went away'));

    await expect(call).rejects.toThrow('client went away');
    expect(dep.signals[0]?.aborted).toBe(true);
  });
});

describe('events', () => {
  it('reports retries and the circuit opening as they happen', async () => {
    const events: CallPolicyEvent[] = [];
    const dep = dependency({ fail: status(503) });
    const policy = createCallPolicy('processor', {
      ...fast,
      retry: { maxRetries: 1, initialDelayMs: 1 },
      breaker: { consecutiveFailures: 2 },
      onEvent: (e) => events.push(e),
    });

    await rejectionOf(policy.execute(dep.call, { idempotent: true }));

    expect(events.map((e) => e.type)).toEqual(['retry', 'circuit-opened']);
    expect(events[1]).toEqual({ type: 'circuit-opened', dependency: 'processor' });
  });

  it('stops reporting after dispose, while calls keep their protection', async () => {
    const events: CallPolicyEvent[] = [];
    const dep = dependency({ fail: status(503) }, { ok: 'a' }, { fail: status(503) }, { ok: 'b' });
    const policy = createCallPolicy('processor', { ...fast, onEvent: (e) => events.push(e) });
    await policy.execute(dep.call, { idempotent: true });
    expect(events).toHaveLength(1);

    policy.dispose();

    await expect(policy.execute(dep.call, { idempotent: true })).resolves.toBe('b');
    expect(dep.calls).toBe(4);
    expect(events).toHaveLength(1);
  });
});
