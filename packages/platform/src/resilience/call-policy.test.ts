import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../errors.ts';
import { createCallPolicy, type CallPolicyEvent } from './call-policy.ts';
import { dependency, fast, rejectionOf, status } from './scripted-dependency.ts';

describe('retries', () => {
  it('retries transient failures of an idempotent call until one succeeds', async () => {
    const dep = dependency({ fail: status(503) }, { fail: status(502) }, { ok: 'paid' });
    const policy = createCallPolicy('processor', fast);

    await expect(policy.execute(dep.call, { idempotent: true })).resolves.toBe('paid');
    expect(dep.calls).toBe(3);
  });

  it('never retries a call that is not idempotent', async () => {
    const dep = dependency({ fail: status(503) }, { ok: 'paid' });
    const policy = createCallPolicy('processor', fast);

    const error = await rejectionOf(policy.execute(dep.call, { idempotent: false }));

    expect(error).toMatchObject({ code: 'dependency-unavailable', kind: 'unavailable' });
    expect(dep.calls).toBe(1);
  });

  it('does not retry a 4xx failure and hands it to the caller unchanged', async () => {
    const conflict = status(409);
    const dep = dependency({ fail: conflict }, { ok: 'paid' });
    const policy = createCallPolicy('processor', fast);

    await expect(policy.execute(dep.call, { idempotent: true })).rejects.toBe(conflict);
    expect(dep.calls).toBe(1);
  });

  it('passes a DomainError from the call through without retrying it', async () => {
    const declined = new DomainError('idempotency-key-reused', undefined, 'unprocessable');
    const dep = dependency({ fail: declined }, { ok: 'paid' });
    const policy = createCallPolicy('processor', fast);

    await expect(policy.execute(dep.call, { idempotent: true })).rejects.toBe(declined);
    expect(dep.calls).toBe(1);
  });

  it('gives up after the allowed retries with dependency-unavailable naming the dependency', async () => {
    const dep = dependency({ fail: status(500) });
    const policy = createCallPolicy('processor', { ...fast, breaker: { consecutiveFailures: 10 } });

    const error = await rejectionOf(policy.execute(dep.call, { idempotent: true }));

    expect(error.code).toBe('dependency-unavailable');
    expect(error.details).toEqual({ dependency: 'processor' });
    expect(dep.calls).toBe(3);
  });

  it('reports each retry with its attempt number', async () => {
    const events: CallPolicyEvent[] = [];
    const dep = dependency({ fail: status(503) }, { fail: status(503) }, { ok: 'paid' });
    const policy = createCallPolicy('processor', { ...fast, onEvent: (e) => events.push(e) });

    await policy.execute(dep.call, { idempotent: true });

    expect(
      events.filter((e) => e.type === 'retry').map((e) => 'attempt' in e && e.attempt),
    ).toEqual([1, 2]);
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive transient failures and then fails fast without calling', async () => {
    const dep = dependency({ fail: status(503) });
    const policy = createCallPolicy('processor', fast);
    for (let i = 0; i < 3; i += 1)
      await rejectionOf(policy.execute(dep.call, { idempotent: false }));

    const error = await rejectionOf(policy.execute(dep.call, { idempotent: false }));

    expect(policy.state().circuit).toBe('open');
    expect(error).toMatchObject({ code: 'dependency-circuit-open', kind: 'unavailable' });
    expect(error.details).toMatchObject({ dependency: 'processor', retryAfterSeconds: 60 });
    expect(dep.calls).toBe(3);
  });

  it('stops retrying an idempotent call as soon as the circuit opens', async () => {
    const dep = dependency({ fail: status(503) });
    const policy = createCallPolicy('processor', {
      ...fast,
      retry: { maxRetries: 5, initialDelayMs: 1 },
    });

    const error = await rejectionOf(policy.execute(dep.call, { idempotent: true }));

    expect(error.code).toBe('dependency-circuit-open');
    expect(dep.calls).toBe(3);
  });

  it('does not count 4xx failures towards opening the circuit', async () => {
    const dep = dependency({ fail: status(422) });
    const policy = createCallPolicy('processor', fast);

    for (let i = 0; i < 5; i += 1) {
      await expect(policy.execute(dep.call, { idempotent: false })).rejects.toMatchObject({
        status: 422,
      });
    }

    expect(policy.state().circuit).toBe('closed');
    expect(dep.calls).toBe(5);
  });

  it('lets one trial call through after the cool-down and closes again when it succeeds', async () => {
    const dep = dependency({ fail: status(503) }, { fail: status(503) }, { ok: 'back' });
    const policy = createCallPolicy('processor', {
      ...fast,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 40 },
    });
    for (let i = 0; i < 2; i += 1)
      await rejectionOf(policy.execute(dep.call, { idempotent: false }));
    expect(policy.state().circuit).toBe('open');

    await vi.waitFor(() => expect(policy.state().circuit).toBe('half-open'), { interval: 5 });

    await expect(policy.execute(dep.call, { idempotent: false })).resolves.toBe('back');
    expect(policy.state().circuit).toBe('closed');
  });

  it('opens again for a new cool-down when the trial call fails', async () => {
    const dep = dependency({ fail: status(503) });
    const policy = createCallPolicy('processor', {
      ...fast,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 40 },
    });
    for (let i = 0; i < 2; i += 1)
      await rejectionOf(policy.execute(dep.call, { idempotent: false }));
    await vi.waitFor(() => expect(policy.state().circuit).toBe('half-open'), { interval: 5 });

    expect((await rejectionOf(policy.execute(dep.call, { idempotent: false }))).code).toBe(
      'dependency-unavailable',
    );
    expect(policy.state().circuit).toBe('open');
    expect((await rejectionOf(policy.execute(dep.call, { idempotent: false }))).code).toBe(
      'dependency-circuit-open',
    );
    expect(dep.calls).toBe(3);
  });
});
