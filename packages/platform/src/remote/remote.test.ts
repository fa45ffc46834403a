import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet } from 'jose';
import { z } from 'zod';
import { captureLogs } from '@stratum/testing';
import { generateSigningKey, jwtAuthenticator, signAccessToken } from '../auth/tokens.ts';
import { currentContext, runWithContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { createHttpApp, type StratumApp } from '../http/app.ts';
import type { CallContext } from '../module.ts';
import { remoteClient } from './client.ts';
import { defineRemoteContract, INTERNAL_CALL } from './contract.ts';
import { serveRemoteContract } from './server.ts';
import { cachedServiceTokens, type ServiceTokens } from './service-tokens.ts';

/** A small module API, to carry every kind of answer across the wire. */
interface CounterApi {
  add(ctx: CallContext, input: { counterId: string; by: number }): Promise<{ total: number }>;
  get(ctx: CallContext, counterId: string, options?: { strict?: boolean }): Promise<CounterView>;
  /** Fails with a transport error the first `failures` times (a flaky network). */
  flaky(ctx: CallContext, key: string): Promise<{ attempts: number }>;
  /** Reports what the callee saw of the call. */
  whoami(ctx: CallContext): Promise<{ tenantId: string; actorId: string; budgetMs: number | null }>;
}
interface CounterView {
  counterId: string;
  total: number;
  strict: boolean;
}

const counterView = z.object({ counterId: z.string(), total: z.number(), strict: z.boolean() });
const counterRemote = defineRemoteContract<CounterApi>()('counter', {
  add: {
    args: z.tuple([z.object({ counterId: z.string().min(1), by: z.number().int().positive() })]),
    result: z.object({ total: z.number() }),
    idempotent: false,
  },
  get: {
    args: z.tuple([z.string().min(1), z.object({ strict: z.boolean().optional() }).optional()]),
    result: counterView,
    idempotent: true,
  },
  flaky: {
    args: z.tuple([z.string()]),
    result: z.object({ attempts: z.number() }),
    idempotent: (args) => args[0] !== 'not-idempotent',
  },
  whoami: {
    args: z.tuple([]),
    result: z.object({
      tenantId: z.string(),
      actorId: z.string(),
      budgetMs: z.number().nullable(),
    }),
    idempotent: true,
  },
});

const tenantId = '0191f2c4-1111-7000-8000-000000000001';
const cashier: CallContext = {
  tenantId,
  actor: {
    kind: 'user',
    id: 'user-7',
    roles: ['cashier'],
    permissions: ['counter:write'],
    stores: ['*'],
    name: 'Ana',
  },
};
const settings = { issuer: 'stratum', audience: 'stratum-api', accessTtlSeconds: 300 };

describe('remote module contracts over HTTP', () => {
  let app: StratumApp;
  let baseUrl: string;
  let serviceToken: () => Promise<string>;
  let userToken: string;
  let tokensIssued = 0;
  const counters = new Map<string, number>();
  const flakyAttempts = new Map<string, number>();
  let failNextWith: number | undefined;

  const api: CounterApi = {
    add(_ctx, input) {
      const total = (counters.get(input.counterId) ?? 0) + input.by;
      counters.set(input.counterId, total);
      return Promise.resolve({ total });
    },
    get(_ctx, counterId, options) {
      const total = counters.get(counterId);
      if (total === undefined) {
        return Promise.reject(
          new DomainError('counter-not-found', `No counter ${counterId}.`, 'not-found', {
            counterId,
          }),
        );
      }
      return Promise.resolve({ counterId, total, strict: options?.strict ?? false });
    },
    flaky(_ctx, key) {
      const attempts = (flakyAttempts.get(key) ?? 0) + 1;
      flakyAttempts.set(key, attempts);
      return Promise.resolve({ attempts });
    },
    whoami(ctx) {
      const deadline = currentContext()?.deadline;
      return Promise.resolve({
        tenantId: ctx.tenantId,
        actorId: ctx.actor.id,
        budgetMs: deadline === undefined ? null : deadline - Date.now(),
      });
    },
  };

  beforeAll(async () => {
    const key = await generateSigningKey('k1');
    const sign = (claims: Parameters<typeof signAccessToken>[1]) =>
      signAccessToken(key, claims, settings).then((t) => t.token);
    serviceToken = () => {
      tokensIssued++;
      return sign({
        sub: 'service:test',
        tid: '00000000-0000-0000-0000-000000000000',
        roles: ['service'],
        perms: [INTERNAL_CALL],
        stores: ['*'],
        sid: `svc-${tokensIssued}`,
        act: 'service',
      });
    };
    userToken = await sign({
      sub: 'user-7',
      tid: tenantId,
      roles: ['owner'],
      perms: ['counter:write'],
      stores: ['*'],
      sid: 'session-1',
      act: 'user',
    });
    app = await createHttpApp({
      logger: captureLogs('warn').logger,
      authenticator: jwtAuthenticator({
        keys: createLocalJWKSet({ keys: [key.publicJwk] }),
        issuer: settings.issuer,
        audience: settings.audience,
      }),
    });
    // A transport failure on demand: what a proxy or a dying process answers.
    app.addHook('onRequest', (request, reply, done) => {
      if (failNextWith !== undefined && request.url.includes('/flaky')) {
        const status = failNextWith;
        failNextWith = undefined;
        void reply.status(status).send('upstream trouble');
        return;
      }
      done();
    });
    serveRemoteContract(app, counterRemote, api);
    await app.ready();
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  const tokens = (): ServiceTokens =>
    cachedServiceTokens(async () => ({
      token: await serviceToken(),
      expiresAt: new Date(Date.now() + 300_000),
    }));
  const client = (options: Partial<Parameters<typeof remoteClient>[1]> = {}) =>
    remoteClient(counterRemote, {
      baseUrl,
      tokens: tokens(),
      policy: { retry: { initialDelayMs: 1, maxDelayMs: 5 }, ...options.policy },
      ...options,
    });

  it('carries arguments, results and the call context across the wire', async () => {
    const { api: counter } = client();
    await expect(counter.add(cashier, { counterId: 'a', by: 2 })).resolves.toEqual({ total: 2 });
    await expect(counter.get(cashier, 'a')).resolves.toEqual({
      counterId: 'a',
      total: 2,
      strict: false,
    });
    await expect(counter.get(cashier, 'a', { strict: true })).resolves.toMatchObject({
      strict: true,
    });
    await expect(counter.whoami(cashier)).resolves.toMatchObject({ tenantId, actorId: 'user-7' });
  });

  it('brings domain errors back as the same DomainError: code, kind and details', async () => {
    const { api: counter } = client();
    const error = await counter.get(cashier, 'missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'counter-not-found',
      kind: 'not-found',
      message: 'No counter missing.',
      details: { counterId: 'missing' },
    });
  });

  it('answers arguments the contract refuses with a validation error, not a crash', async () => {
    const { api: counter } = client();
    const error = await counter.add(cashier, { counterId: '', by: -1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation-failed', kind: 'invalid' });
    expect((error as DomainError).details?.['errors']).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'body.args.0.by' })]),
    );
  });

  it('refuses calls without a service token: none, a user token, or a forged one', async () => {
    const body = JSON.stringify({
      tenantId,
      actor: cashier.actor,
      args: [{ counterId: 'x', by: 1 }],
    });
    const post = (authorization?: string) =>
      fetch(`${baseUrl}/internal/v1/counter/add`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
        body,
      });
    const none = await post();
    expect(none.status).toBe(401);
    const user = await post(`Bearer ${userToken}`);
    expect(user.status).toBe(403);
    expect(await user.json()).toMatchObject({ code: 'permission-denied' });
    const forged = await post(`Bearer ${userToken.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(counters.has('x')).toBe(false);
  });

  it('sends the caller’s remaining budget, so the callee’s deadline is the caller’s', async () => {
    const { api: counter } = client();
    const seen = await runWithContext({ requestId: 'r-1', deadline: Date.now() + 1_500 }, () =>
      counter.whoami(cashier),
    );
    expect(seen.budgetMs).not.toBeNull();
    expect(seen.budgetMs!).toBeGreaterThan(0);
    expect(seen.budgetMs!).toBeLessThanOrEqual(1_500);
    // Without a deadline of its own, the caller grants one attempt's timeout.
    const free = await counter.whoami(cashier);
    expect(free.budgetMs!).toBeLessThanOrEqual(2_000);
  });

  it('does not call at all once the caller’s deadline has passed', async () => {
    const { api: counter } = client();
    const before = flakyAttempts.get('late') ?? 0;
    const error = await runWithContext({ requestId: 'r-2', deadline: Date.now() - 1 }, () =>
      counter.flaky(cashier, 'late'),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'dependency-timeout', kind: 'unavailable' });
    expect(flakyAttempts.get('late') ?? 0).toBe(before);
  });

  it('retries a transport failure for idempotent operations only', async () => {
    const { api: counter } = client();
    failNextWith = 502;
    await expect(counter.flaky(cashier, 'retry-me')).resolves.toEqual({ attempts: 1 });
    expect(failNextWith).toBeUndefined();

    failNextWith = 502;
    const error = await counter.flaky(cashier, 'not-idempotent').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'dependency-unavailable', kind: 'unavailable' });
    expect(flakyAttempts.has('not-idempotent')).toBe(false);
  });

  it('opens the circuit after repeated failures to reach the module, and says so', async () => {
    const dead = remoteClient(counterRemote, {
      baseUrl: 'http://127.0.0.1:1',
      tokens: tokens(),
      policy: { retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2 } },
    });
    for (let i = 0; i < 2; i++) {
      await expect(dead.api.whoami(cashier)).rejects.toMatchObject({
        code: 'dependency-unavailable',
      });
    }
    expect(dead.policy.state().circuit).toBe('open');
    await expect(dead.api.whoami(cashier)).rejects.toMatchObject({
      code: 'dependency-circuit-open',
      details: { dependency: 'module counter' },
    });
  });

  it('does not count the module’s own answers, errors included, against the circuit', async () => {
    const { api: counter, policy } = client({ policy: { breaker: { consecutiveFailures: 2 } } });
    for (let i = 0; i < 4; i++) {
      await expect(counter.get(cashier, 'nope')).rejects.toMatchObject({
        code: 'counter-not-found',
      });
    }
    expect(policy.state().circuit).toBe('closed');
  });

  it('fetches a fresh service token once when the module refuses the cached one', async () => {
    let handedOut = 0;
    const stale = cachedServiceTokens(async () => {
      handedOut++;
      return {
        token: handedOut === 1 ? 'expired-or-rotated' : await serviceToken(),
        expiresAt: new Date(Date.now() + 300_000),
      };
    });
    const { api: counter } = remoteClient(counterRemote, { baseUrl, tokens: stale });
    await expect(counter.whoami(cashier)).resolves.toMatchObject({ actorId: 'user-7' });
    expect(handedOut).toBe(2);
  });
});
