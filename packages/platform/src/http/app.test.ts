import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLogs } from '@stratum/testing';
import { currentContext } from '../context.ts';
import { DomainError, defineErrors } from '../errors.ts';
import { inMemoryRateLimiter, rateLimited } from '../auth/rate-limit.ts';
import type { Authenticator, Principal } from './access.ts';
import { createHttpApp, type HttpAppOptions, type StratumApp } from './app.ts';

const uuidPattern = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;
const traceIdPattern = /^[\da-f]{32}$/;
const problemJson = /^application\/problem\+json/;

async function buildApp(
  register: (app: StratumApp) => unknown = () => {},
  options: Partial<HttpAppOptions> = {},
) {
  const logs = captureLogs('debug');
  const app = await createHttpApp({ logger: logs.logger, ...options });
  await register(app);
  await app.ready();
  return { app, logs };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const principal: Principal = {
  tenantId: '0191f2c4-1111-7000-8000-000000000001',
  actor: {
    kind: 'user',
    id: 'user-1',
    roles: ['cashier'],
    permissions: ['catalog.read'],
    stores: ['*'],
    sessionId: 'session-1',
  },
};

/** Accepts the bearer 'good-token' only, like a real authenticator would. */
const fakeAuthenticator: Authenticator = {
  authenticate(bearer) {
    if (bearer === 'good-token') return Promise.resolve(principal);
    return Promise.reject(
      new DomainError('invalid-token', 'The access token is not valid.', 'unauthenticated'),
    );
  },
};

const itemBody = z.object({
  name: z.string().min(1),
  quantity: z.number().int().positive(),
  address: z.object({ city: z.string() }),
});

function registerItems(app: StratumApp) {
  app.post(
    '/api/v1/things/items',
    { config: { access: 'public' }, schema: { body: itemBody } },
    (request) => ({ received: request.body.name }),
  );
}

describe('request ids', () => {
  it('echoes an incoming X-Request-Id and uses it in the request context', async () => {
    const { app } = await buildApp((a) =>
      a.get('/ctx', () => ({ requestId: currentContext()?.requestId })),
    );

    const res = await app.inject({ url: '/ctx', headers: { 'x-request-id': 'edge-42.a:b_c' } });

    expect(res.headers['x-request-id']).toBe('edge-42.a:b_c');
    expect(res.json()).toEqual({ requestId: 'edge-42.a:b_c' });
  });

  it('generates a distinct UUID request id when none is sent', async () => {
    const { app } = await buildApp((a) => a.get('/ping', () => ({ ok: true })));

    const first = await app.inject({ url: '/ping' });
    const second = await app.inject({ url: '/ping' });

    expect(first.headers['x-request-id']).toMatch(uuidPattern);
    expect(second.headers['x-request-id']).toMatch(uuidPattern);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it.each([
    ['spaces and angle brackets', 'id with <script>'],
    ['a value longer than 128 characters', 'a'.repeat(129)],
    ['an empty value', ''],
  ])('replaces a malformed X-Request-Id (%s) with a generated one', async (_case, header) => {
    const { app } = await buildApp((a) => a.get('/ping', () => ({ ok: true })));

    const res = await app.inject({ url: '/ping', headers: { 'x-request-id': header } });

    expect(res.headers['x-request-id']).toMatch(uuidPattern);
  });

  it('puts the request id on every log line written while handling the request', async () => {
    const { app, logs } = await buildApp((a) =>
      a.get('/work', (request) => {
        request.log.info('doing work');
        return { ok: true };
      }),
    );

    await app.inject({ url: '/work?token=query-secret', headers: { 'x-request-id': 'req-log-1' } });

    const work = logs.lines().find((l) => l['msg'] === 'doing work');
    const completed = logs.lines().find((l) => l['msg'] === 'request completed');
    expect(work).toMatchObject({ requestId: 'req-log-1' });
    expect(completed).toMatchObject({
      requestId: 'req-log-1',
      method: 'GET',
      url: '/work',
      statusCode: 200,
    });
    expect(logs.text()).not.toContain('query-secret');
  });

  it('keeps the contexts of concurrent requests apart', async () => {
    const gate = deferred();
    const { app } = await buildApp((a) =>
      a.get('/slow', async () => {
        await gate.promise;
        return { requestId: currentContext()?.requestId };
      }),
    );

    const a = app.inject({ url: '/slow', headers: { 'x-request-id': 'req-a' } });
    const b = app.inject({ url: '/slow', headers: { 'x-request-id': 'req-b' } });
    gate.resolve();

    expect((await a).json()).toEqual({ requestId: 'req-a' });
    expect((await b).json()).toEqual({ requestId: 'req-b' });
  });

  it('names the module of an /api/v<n>/<module>/ route in the context', async () => {
    const { app, logs } = await buildApp((a) =>
      a.get('/api/v1/store-ops/shifts', { config: { access: 'public' } }, (request) => {
        request.log.info('listing shifts');
        return { module: currentContext()?.module };
      }),
    );

    const res = await app.inject({ url: '/api/v1/store-ops/shifts' });

    expect(res.json()).toEqual({ module: 'store-ops' });
    expect(logs.lines().find((l) => l['msg'] === 'listing shifts')).toMatchObject({
      module: 'store-ops',
    });
  });
});

describe('trace ids', () => {
  it('takes the trace id from an incoming traceparent header', async () => {
    const { app, logs } = await buildApp((a) =>
      a.get('/boom', () => {
        throw new DomainError('order-not-open', 'The order is closed.', 'conflict');
      }),
    );

    const res = await app.inject({
      url: '/boom',
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });

    expect(res.json()).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c' });
    expect(logs.lines().find((l) => l['msg'] === 'request completed')).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
  });

  it('generates a fresh trace id when traceparent is missing or malformed', async () => {
    const { app } = await buildApp((a) =>
      a.get('/trace', () => ({ traceId: currentContext()?.traceId })),
    );

    const missing = (await app.inject({ url: '/trace' })).json<{ traceId: string }>();
    const malformed = (
      await app.inject({ url: '/trace', headers: { traceparent: '00-not-a-trace-01' } })
    ).json<{ traceId: string }>();

    expect(missing.traceId).toMatch(traceIdPattern);
    expect(malformed.traceId).toMatch(traceIdPattern);
    expect(malformed.traceId).not.toBe(missing.traceId);
  });

  it("takes a new request id's digits as the trace id, and a fresh one beside a caller's id", async () => {
    const { app } = await buildApp((a) =>
      a.get('/trace', () => ({ traceId: currentContext()?.traceId })),
    );

    const fresh = await app.inject({ url: '/trace' });
    const ids = await Promise.all(
      ['till-1', 'till-1'].map((id) =>
        app.inject({ url: '/trace', headers: { 'x-request-id': id } }),
      ),
    );

    const requestId = fresh.headers['x-request-id'] as string;
    expect(fresh.json<{ traceId: string }>().traceId).toBe(requestId.replaceAll('-', ''));
    const [first, second] = ids.map((res) => res.json<{ traceId: string }>().traceId);
    expect(first).toMatch(traceIdPattern);
    expect(second).toMatch(traceIdPattern);
    expect(first).not.toBe(second);
  });
});

describe('validation', () => {
  it('answers 400 problem+json naming every failing body field', async () => {
    const { app } = await buildApp(registerItems);

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/items',
      headers: { 'x-request-id': 'req-val' },
      payload: { name: 42, quantity: -1, address: {} },
    });

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(problemJson);
    const body = res.json<{ errors: { path: string; message: string }[] }>();
    expect(body).toMatchObject({
      type: 'urn:stratum:problem:validation-failed',
      title: 'Bad Request',
      status: 400,
      code: 'validation-failed',
      instance: '/api/v1/things/items',
      requestId: 'req-val',
    });
    expect(body.errors.map((e) => e.path).sort()).toEqual([
      'body.address.city',
      'body.name',
      'body.quantity',
    ]);
    for (const error of body.errors) expect(error.message).toEqual(expect.any(String));
  });

  it('names a missing top-level field by its own name', async () => {
    const { app } = await buildApp(registerItems);

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/items',
      payload: { name: 'Espresso', address: { city: 'Lyon' } },
    });

    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      'body.quantity',
    ]);
  });

  it('prefixes query-string and path-parameter failures with where they came from', async () => {
    const { app } = await buildApp((a) =>
      a.get(
        '/items/:id',
        {
          schema: {
            params: z.object({ id: z.uuid() }),
            querystring: z.object({ limit: z.coerce.number().int().max(100) }),
          },
        },
        () => ({ ok: true }),
      ),
    );

    const badParam = await app.inject({ url: '/items/not-a-uuid?limit=10' });
    const badQuery = await app.inject({
      url: '/items/0191f2c4-1111-7000-8000-000000000001?limit=1000',
    });

    expect(badParam.json()).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ path: 'params.id' })],
    });
    expect(badQuery.json()).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ path: 'querystring.limit' })],
    });
  });

  it('passes a valid body to the handler', async () => {
    const { app } = await buildApp(registerItems);

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/items',
      payload: { name: 'Espresso', quantity: 2, address: { city: 'Lyon' } },
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 'Espresso' });
  });

  it('leaves out of the response any field its response schema does not declare', async () => {
    const { app } = await buildApp((a) =>
      a.get(
        '/me',
        { schema: { response: { 200: z.object({ id: z.string() }) } } },
        () => ({ id: 'user-1', passwordHash: '$argon2id$secret-hash' }) as { id: string },
      ),
    );

    const res = await app.inject({ url: '/me' });

    expect(res.json()).toEqual({ id: 'user-1' });
    expect(res.body).not.toContain('argon2id');
  });
});

describe('errors as problem documents', () => {
  it('answers a DomainError with the status of its kind, its code, message and details', async () => {
    const { app } = await buildApp((a) =>
      a.post('/orders/:id/close', () => {
        throw new DomainError('order-not-open', 'The order is already closed.', 'conflict', {
          orderId: 'o-1',
        });
      }),
    );

    const res = await app.inject({
      method: 'POST',
      url: '/orders/o-1/close?x=1',
      headers: { 'x-request-id': 'req-dom' },
    });

    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(problemJson);
    expect(res.json()).toEqual({
      type: 'urn:stratum:problem:order-not-open',
      title: 'Conflict',
      status: 409,
      code: 'order-not-open',
      detail: 'The order is already closed.',
      instance: '/orders/o-1/close',
      orderId: 'o-1',
      requestId: 'req-dom',
      traceId: expect.stringMatching(traceIdPattern),
    });
  });

  it('keeps the DomainError’s own status and code when its details carry members of the same name', async () => {
    const { app } = await buildApp((a) =>
      a.post('/orders/:id/close', () => {
        throw new DomainError('order-not-open', 'The order is already closed.', 'conflict', {
          status: 'closed',
          code: 'other',
          orderStatus: 'closed',
        });
      }),
    );

    const res = await app.inject({ method: 'POST', url: '/orders/o-1/close' });

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      type: 'urn:stratum:problem:order-not-open',
      title: 'Conflict',
      status: 409,
      code: 'order-not-open',
      orderStatus: 'closed',
    });
  });

  it('never lets DomainError details replace a standard problem member', async () => {
    const { app } = await buildApp((a) =>
      a.get('/orders/:id', () => {
        throw new DomainError('order-not-found', 'No such order.', 'not-found', {
          type: 'https://evil.test/problem',
          title: 'Fine',
          status: 200,
          code: 'ok',
          detail: 'Nothing to see.',
          instance: '/elsewhere',
          traceId: 'forged-trace',
          requestId: 'forged-request',
          errors: [{ path: 'body.x', message: 'forged' }],
          orderId: 'o-9',
        });
      }),
    );

    const res = await app.inject({ url: '/orders/o-9', headers: { 'x-request-id': 'req-real' } });

    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      type: 'urn:stratum:problem:order-not-found',
      title: 'Not Found',
      status: 404,
      code: 'order-not-found',
      detail: 'No such order.',
      instance: '/orders/o-9',
      requestId: 'req-real',
      traceId: expect.stringMatching(traceIdPattern),
      orderId: 'o-9',
    });
  });

  it.each([
    ['invalid', 400],
    ['not-found', 404],
    ['unprocessable', 422],
    ['unavailable', 503],
  ] as const)('maps an error of kind %s declared with defineErrors to %i', async (kind, status) => {
    const errors = defineErrors({ 'thing-failed': kind });
    const { app } = await buildApp((a) => a.get('/thing', () => errors.raise('thing-failed')));

    const res = await app.inject({ url: '/thing' });

    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code: 'thing-failed', status });
  });

  it('answers an unexpected throw with a bare 500 and logs the real error', async () => {
    const sqlText = 'duplicate key value violates unique constraint "users_email_key"';
    const { app, logs } = await buildApp((a) =>
      a.get('/explode', () => {
        throw new Error(
          `${sqlText}: insert into identity.users (email, password_hash) values ($1)`,
        );
      }),
    );

    const res = await app.inject({ url: '/explode', headers: { 'x-request-id': 'req-500' } });

    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(problemJson);
    const body = res.json<Record<string, unknown>>();
    expect(body).toEqual({
      type: 'urn:stratum:problem:internal-error',
      title: 'Internal Server Error',
      status: 500,
      code: 'internal-error',
      detail: 'An unexpected error occurred.',
      instance: '/explode',
      requestId: 'req-500',
      traceId: expect.stringMatching(traceIdPattern),
    });
    for (const leak of ['insert into', 'identity.users', 'users_email_key', 'stack', '.ts:']) {
      expect(res.body).not.toContain(leak);
    }
    const logged = logs.lines().find((l) => l['msg'] === 'unhandled error');
    expect(logged).toMatchObject({
      level: 'error',
      requestId: 'req-500',
      traceId: body['traceId'],
      err: expect.objectContaining({ message: expect.stringContaining(sqlText) }),
    });
  });

  it('answers an error with a non-numeric statusCode with a bare 500', async () => {
    const { app } = await buildApp((a) =>
      a.get('/odd', () => {
        throw Object.assign(new Error('odd status text'), { statusCode: 'nope' });
      }),
    );

    const res = await app.inject({ url: '/odd' });

    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal-error' });
    expect(res.body).not.toContain('odd status text');
  });

  it('answers a thrown string with a bare 500', async () => {
    const { app } = await buildApp((a) =>
      a.get('/odd', () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'select password_hash from identity.users';
      }),
    );

    const res = await app.inject({ url: '/odd' });

    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal-error' });
    expect(res.body).not.toContain('password_hash');
  });

  it('answers an unknown route with 404 route-not-found', async () => {
    const { app } = await buildApp();

    const res = await app.inject({
      method: 'DELETE',
      url: '/nowhere?q=1',
      headers: { 'x-request-id': 'req-404' },
    });

    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(problemJson);
    expect(res.json()).toMatchObject({
      type: 'urn:stratum:problem:route-not-found',
      status: 404,
      code: 'route-not-found',
      detail: 'No route for DELETE /nowhere.',
      requestId: 'req-404',
    });
    expect(res.headers['x-request-id']).toBe('req-404');
  });

  it('answers a body over the limit with 413 body-too-large', async () => {
    const { app } = await buildApp(registerItems, { bodyLimit: 64 });

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/items',
      headers: { 'x-request-id': 'req-413' },
      payload: { name: 'x'.repeat(200), quantity: 1, address: { city: 'Lyon' } },
    });

    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(problemJson);
    expect(res.json()).toMatchObject({ status: 413, code: 'body-too-large', requestId: 'req-413' });
  });

  it('answers malformed JSON with 400 malformed-json', async () => {
    const { app } = await buildApp(registerItems);

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/items',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-bad-json' },
      payload: '{"name": "Espresso",',
    });

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(problemJson);
    expect(res.json()).toMatchObject({
      status: 400,
      code: 'malformed-json',
      requestId: 'req-bad-json',
      traceId: expect.stringMatching(traceIdPattern),
    });
  });

  it('refuses a NUL character anywhere in a JSON body with 400, naming where it is', async () => {
    let handled = 0;
    const { app } = await buildApp((a) =>
      a.post('/api/v1/things/raw', { config: { access: 'public' } }, (request) => {
        handled += 1;
        return { received: request.body };
      }),
    );
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/things/raw',
        headers: { 'content-type': 'application/json' },
        payload,
      });

    for (const [payload, field] of [
      ['{"name":"a\\u0000b"}', 'body.name'],
      ['{"lines":[{"note":"ok"},{"note":"\\u0000"}]}', 'body.lines.1.note'],
      ['{"a\\u0000":1}', 'body.a\u0000'],
      ['"\\u0000"', 'body'],
    ] as const) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(problemJson);
      expect(res.json()).toMatchObject({ code: 'validation-failed', field });
    }
    expect(handled).toBe(0);
    // An escaped backslash followed by "u0000" is six ordinary characters.
    const text = await post('{"name":"a\\\\u0000b"}');
    expect(text.statusCode).toBe(200);
    expect(text.json()).toEqual({ received: { name: 'a\\u0000b' } });
    // The rest of Fastify's JSON parsing stands: a prototype key is still refused.
    expect((await post('{"__proto__":{"admin":true}}')).json()).toMatchObject({
      code: 'malformed-json',
    });
  });

  it('refuses a NUL character in the path or the query with 400', async () => {
    let handled = 0;
    const { app } = await buildApp((a) =>
      a.get('/api/v1/things/:name', { config: { access: 'public' } }, () => {
        handled += 1;
        return { ok: true };
      }),
    );

    for (const url of ['/api/v1/things/a%00b', '/api/v1/things/ok?q=a%00b']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation-failed', field: 'url' });
    }
    expect(handled).toBe(0);
    expect((await app.inject({ url: '/api/v1/things/ok?q=a%20b' })).statusCode).toBe(200);
  });

  it('takes no plain-text bodies: text/plain is an unsupported media type', async () => {
    const { app } = await buildApp(registerItems);

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/items',
      headers: { 'content-type': 'text/plain' },
      payload: '{"name":"Espresso"}',
    });

    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'unsupported-media-type' });
  });

  it('answers an unsupported content type with 415 unsupported-media-type', async () => {
    const { app } = await buildApp(registerItems);

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/items',
      headers: { 'content-type': 'application/xml' },
      payload: '<item/>',
    });

    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'unsupported-media-type' });
  });

  it('sets Retry-After from a 429 DomainError carrying retryAfterSeconds', async () => {
    const { app } = await buildApp((a) =>
      a.post('/login', () => {
        throw rateLimited(12_400, 'login-ip');
      }),
    );

    const res = await app.inject({ method: 'POST', url: '/login' });

    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('13');
    expect(res.json()).toMatchObject({
      code: 'rate-limited',
      retryAfterSeconds: 13,
      limit: 'login-ip',
    });
  });

  it('sets Retry-After on a 503 from a dependency whose circuit is open', async () => {
    const { app } = await buildApp((a) =>
      a.get('/charge', () => {
        throw new DomainError(
          'dependency-circuit-open',
          'The card processor is unavailable.',
          'unavailable',
          {
            dependency: 'card-processor',
            retryAfterSeconds: 5,
          },
        );
      }),
    );

    const res = await app.inject({ url: '/charge' });

    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ code: 'dependency-circuit-open' });
  });

  it('turns an exhausted in-memory rate limit into a 429 with Retry-After', async () => {
    const limiter = inMemoryRateLimiter();
    const limit = { name: 'pin-ip', points: 1, durationSeconds: 60 };
    const { app } = await buildApp((a) =>
      a.post('/pin', async () => {
        await limiter.consume([{ limit, key: '10.0.0.1' }]);
        return { ok: true };
      }),
    );

    const first = await app.inject({ method: 'POST', url: '/pin' });
    const second = await app.inject({ method: 'POST', url: '/pin' });

    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(429);
    const retryAfter = Number(second.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(second.json()).toMatchObject({ retryAfterSeconds: retryAfter });
  });

  it('sends no Retry-After for a 429 without retryAfterSeconds', async () => {
    const { app } = await buildApp((a) =>
      a.get('/busy', () => {
        throw new DomainError('too-busy', 'Slow down.', 'rate-limited');
      }),
    );

    const res = await app.inject({ url: '/busy' });

    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});

describe('client address', () => {
  function registerIp(app: StratumApp) {
    app.get('/ip', (request) => ({ ip: request.ip }));
  }
  const forwarded = { remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.7' } };

  it('ignores X-Forwarded-For by default and takes the address of the connection', async () => {
    const { app } = await buildApp(registerIp);

    const res = await app.inject({ url: '/ip', ...forwarded });

    expect(res.json()).toEqual({ ip: '10.0.0.2' });
  });

  it('takes the client address from X-Forwarded-For when trustProxy is true', async () => {
    const { app } = await buildApp(registerIp, { trustProxy: true });

    const res = await app.inject({ url: '/ip', ...forwarded });

    expect(res.json()).toEqual({ ip: '203.0.113.7' });
  });
});

describe('closing', () => {
  it('tells the client to close its connection on a response sent while the app is closing', async () => {
    const started = deferred();
    const release = deferred();
    const { app } = await buildApp((a) => {
      a.get('/slow', async () => {
        started.resolve();
        await release.promise;
        return { finished: true };
      });
      a.get('/fast', () => ({ fast: true }));
    });

    const before = await app.inject({ url: '/fast' });
    const inFlight = app.inject({ url: '/slow' });
    await started.promise;
    await app.close();
    release.resolve();
    const during = await inFlight;

    expect(before.headers['connection']).toBe('keep-alive');
    expect(during.statusCode).toBe(200);
    expect(during.headers['connection']).toBe('close');
  });
});

describe('security headers', () => {
  it('sets the REST API security headers on successful and problem responses alike', async () => {
    const { app } = await buildApp((a) => a.get('/ping', () => ({ ok: true })));

    for (const url of ['/ping', '/missing']) {
      const res = await app.inject({ url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toContain('max-age=');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('gives the docs page a policy that lets its own scripts run', async () => {
    const app = await createHttpApp({
      logger: captureLogs('silent').logger,
      openapi: { title: 'Test', version: '1.0.0' },
    });
    const res = await app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    await app.close();
  });
});

describe('access rules', () => {
  it('refuses to register an /api/ route that declares no access rule', async () => {
    const { app } = await buildApp();

    expect(() => app.get('/api/v1/things/secret', () => ({ secret: true }))).toThrow(
      /GET \/api\/v1\/things\/secret declares no access rule/,
    );
  });

  it('fails ready when a plugin registers an /api/ route under a prefix without an access rule', async () => {
    const logs = captureLogs('silent');
    const app = await createHttpApp({ logger: logs.logger });
    void app.register(
      async (scope) => {
        scope.get('/', () => ({ secret: true }));
      },
      { prefix: '/api/v1/things' },
    );

    await expect(app.ready()).rejects.toThrow(/declares no access rule/);
  });

  it('allows a route outside /api/ without an access rule and serves it publicly', async () => {
    const { app } = await buildApp((a) => a.get('/status', () => ({ ok: true })));

    expect((await app.inject({ url: '/status' })).statusCode).toBe(200);
  });

  it('answers an authenticated route called without a bearer token with 401 unauthenticated', async () => {
    let called = false;
    const { app } = await buildApp(
      (a) =>
        a.get('/api/v1/things/mine', { config: { access: 'authenticated' } }, () => {
          called = true;
          return { ok: true };
        }),
      { authenticator: fakeAuthenticator },
    );

    const none = await app.inject({ url: '/api/v1/things/mine' });
    const basic = await app.inject({
      url: '/api/v1/things/mine',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    const empty = await app.inject({
      url: '/api/v1/things/mine',
      headers: { authorization: 'Bearer ' },
    });

    for (const res of [none, basic, empty]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(problemJson);
      expect(res.json()).toMatchObject({ code: 'unauthenticated' });
    }
    expect(called).toBe(false);
  });

  it('answers 401 on a protected route when the app has no authenticator at all', async () => {
    const { app } = await buildApp((a) =>
      a.get('/api/v1/things/mine', { config: { access: 'authenticated' } }, () => ({ ok: true })),
    );

    const res = await app.inject({
      url: '/api/v1/things/mine',
      headers: { authorization: 'Bearer good-token' },
    });

    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('passes the authenticator’s own 401 through for a bad token', async () => {
    const { app } = await buildApp(
      (a) =>
        a.get('/api/v1/things/mine', { config: { access: 'authenticated' } }, () => ({
          ok: true,
        })),
      { authenticator: fakeAuthenticator },
    );

    const res = await app.inject({
      url: '/api/v1/things/mine',
      headers: { authorization: 'Bearer forged-token' },
    });

    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'invalid-token' });
  });

  it('answers 403 permission-denied when the principal lacks the route’s permission', async () => {
    let called = false;
    const { app } = await buildApp(
      (a) =>
        a.post(
          '/api/v1/catalog/products',
          { config: { access: { permission: 'catalog.write' } } },
          () => {
            called = true;
            return { ok: true };
          },
        ),
      { authenticator: fakeAuthenticator },
    );

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/products',
      headers: { authorization: 'Bearer good-token' },
    });

    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'permission-denied', permission: 'catalog.write' });
    expect(called).toBe(false);
  });

  it('runs the handler with request.principal and the tenant in the context when the permission is held', async () => {
    const { app, logs } = await buildApp(
      (a) =>
        a.get(
          '/api/v1/catalog/products',
          { config: { access: { permission: 'catalog.read' } } },
          (request) => {
            request.log.info('listing products');
            return {
              principal: request.principal,
              tenantId: currentContext()?.tenantId,
              actorId: currentContext()?.actor?.id,
            };
          },
        ),
      { authenticator: fakeAuthenticator },
    );

    const res = await app.inject({
      url: '/api/v1/catalog/products',
      headers: { authorization: 'bearer good-token' },
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      principal,
      tenantId: principal.tenantId,
      actorId: 'user-1',
    });
    expect(logs.lines().find((l) => l['msg'] === 'listing products')).toMatchObject({
      tenantId: principal.tenantId,
      module: 'catalog',
    });
  });

  it('lets an authenticated route through with any verified principal', async () => {
    const { app } = await buildApp(
      (a) =>
        a.get('/api/v1/things/mine', { config: { access: 'authenticated' } }, (request) => ({
          id: request.principal?.actor.id,
        })),
      { authenticator: fakeAuthenticator },
    );

    const res = await app.inject({
      url: '/api/v1/things/mine',
      headers: { authorization: 'Bearer good-token' },
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'user-1' });
  });

  it('never calls the authenticator for a public route', async () => {
    let calls = 0;
    const counting: Authenticator = {
      authenticate(bearer) {
        calls += 1;
        return fakeAuthenticator.authenticate(bearer);
      },
    };
    const { app } = await buildApp(
      (a) => a.get('/api/v1/things/open', { config: { access: 'public' } }, () => ({ ok: true })),
      { authenticator: counting },
    );

    const res = await app.inject({
      url: '/api/v1/things/open',
      headers: { authorization: 'Bearer forged-token' },
    });

    expect(res.statusCode).toBe(200);
    expect(calls).toBe(0);
  });

  describe('before validation', () => {
    const productId = '0191f2c4-2222-7000-8000-000000000002';
    /** A write route with rules on its params, query and body; the test principal lacks its permission. */
    function registerProductWrite(permission: string) {
      return (app: StratumApp) =>
        app.put(
          '/api/v1/catalog/products/:id',
          {
            config: { access: { permission } },
            schema: {
              params: z.object({ id: z.uuid() }),
              querystring: z.object({ dryRun: z.enum(['yes', 'no']).optional() }),
              body: itemBody,
            },
          },
          (request) => ({
            received: request.body.name,
            tenantId: currentContext()?.tenantId,
          }),
        );
    }
    const asCashier = { authorization: 'Bearer good-token' };

    /** Like `fakeAuthenticator`, but answers a known token synchronously, as a cached one is. */
    const syncAuthenticator: Authenticator = {
      authenticate: (bearer) =>
        bearer === 'good-token' ? principal : fakeAuthenticator.authenticate(bearer),
    };

    it.each([
      ['a token verified just now', fakeAuthenticator],
      ['a token verified before', syncAuthenticator],
    ])(
      'refuses a caller without the route’s permission with 403, whatever params, query and body they send (%s)',
      async (_, authenticator) => {
        const { app } = await buildApp(registerProductWrite('catalog.write'), { authenticator });

        const answers = await Promise.all([
          app.inject({
            method: 'PUT',
            url: `/api/v1/catalog/products/${productId}`,
            headers: asCashier,
            payload: {},
          }),
          app.inject({
            method: 'PUT',
            url: `/api/v1/catalog/products/${productId}`,
            headers: asCashier,
            payload: { name: '', quantity: -1, address: {} },
          }),
          app.inject({
            method: 'PUT',
            url: '/api/v1/catalog/products/not-a-uuid?dryRun=maybe',
            headers: asCashier,
            payload: { name: 'Espresso', quantity: 1, address: { city: 'Lyon' } },
          }),
          app.inject({
            method: 'PUT',
            url: `/api/v1/catalog/products/${productId}`,
            headers: asCashier,
            payload: { name: 'Espresso', quantity: 1, address: { city: 'Lyon' } },
          }),
        ]);

        for (const res of answers) {
          expect(res.statusCode).toBe(403);
          expect(res.headers['content-type']).toMatch(problemJson);
          const body = res.json<Record<string, unknown>>();
          expect(body).toMatchObject({ code: 'permission-denied', permission: 'catalog.write' });
          expect(body).not.toHaveProperty('errors');
        }
      },
    );

    it('refuses a caller without the route’s permission before reading the body at all', async () => {
      const { app } = await buildApp(registerProductWrite('catalog.write'), {
        authenticator: fakeAuthenticator,
        bodyLimit: 64,
      });
      const url = `/api/v1/catalog/products/${productId}`;

      const malformed = await app.inject({
        method: 'PUT',
        url,
        headers: { ...asCashier, 'content-type': 'application/json' },
        payload: '{"name": "Espresso",',
      });
      const plainText = await app.inject({
        method: 'PUT',
        url,
        headers: { ...asCashier, 'content-type': 'text/plain' },
        payload: 'Espresso',
      });
      const tooLarge = await app.inject({
        method: 'PUT',
        url,
        headers: asCashier,
        payload: { name: 'x'.repeat(200), quantity: 1, address: { city: 'Lyon' } },
      });

      for (const res of [malformed, plainText, tooLarge]) {
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ code: 'permission-denied' });
      }
    });

    it('answers 401 to a missing or bad token before it validates anything', async () => {
      const { app } = await buildApp(registerProductWrite('catalog.write'), {
        authenticator: fakeAuthenticator,
      });
      const url = '/api/v1/catalog/products/not-a-uuid';

      const none = await app.inject({ method: 'PUT', url, payload: {} });
      const forged = await app.inject({
        method: 'PUT',
        url,
        headers: { authorization: 'Bearer forged-token' },
        payload: {},
      });

      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ code: 'unauthenticated' });
      expect(forged.statusCode).toBe(401);
      expect(forged.json()).toMatchObject({ code: 'invalid-token' });
    });

    it('still validates the input of a caller who holds the permission, then runs the handler in their tenant', async () => {
      const { app } = await buildApp(registerProductWrite('catalog.read'), {
        authenticator: fakeAuthenticator,
      });
      const url = `/api/v1/catalog/products/${productId}`;

      const invalid = await app.inject({
        method: 'PUT',
        url,
        headers: asCashier,
        payload: { name: 'Espresso', quantity: 0, address: { city: 'Lyon' } },
      });
      const valid = await app.inject({
        method: 'PUT',
        url,
        headers: asCashier,
        payload: { name: 'Espresso', quantity: 1, address: { city: 'Lyon' } },
      });

      expect(invalid.statusCode).toBe(400);
      expect(invalid.json()).toMatchObject({
        code: 'validation-failed',
        errors: [expect.objectContaining({ path: 'body.quantity' })],
      });
      expect(valid.statusCode).toBe(200);
      expect(valid.json()).toEqual({ received: 'Espresso', tenantId: principal.tenantId });
    });
  });
});

describe('OpenAPI document', () => {
  async function buildDocumentedApp() {
    return buildApp(
      (a) => {
        registerItems(a);
        a.get(
          '/api/v1/catalog/products/:id',
          {
            config: { access: { permission: 'catalog.read' } },
            schema: {
              params: z.object({ id: z.uuid() }),
              response: { 200: z.object({ id: z.uuid(), name: z.string() }) },
            },
          },
          (request) => ({ id: request.params.id, name: 'Espresso' }),
        );
        a.get('/api/v1/things/mine', { config: { access: 'authenticated' } }, () => ({}));
      },
      {
        openapi: { title: 'Test API', version: '9.9.9', description: 'For tests.' },
        authenticator: fakeAuthenticator,
      },
    );
  }

  interface OpenApiDocument {
    openapi: string;
    info: { title: string; version: string };
    paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown }>>;
    components: { securitySchemes: Record<string, unknown> };
  }

  it('serves an OpenAPI 3.1.0 document at /openapi.json describing the registered routes', async () => {
    const { app } = await buildDocumentedApp();

    const res = await app.inject({ url: '/openapi.json' });

    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApiDocument>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Test API', version: '9.9.9' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/catalog/products/{id}',
      '/api/v1/things/items',
      '/api/v1/things/mine',
    ]);
    expect(doc.paths['/api/v1/things/items']?.['post']?.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: expect.arrayContaining(['name', 'quantity', 'address']),
          },
        },
      },
    });
  });

  it('marks non-public routes with bearerAuth security and leaves public ones open', async () => {
    const { app } = await buildDocumentedApp();

    const doc = (await app.inject({ url: '/openapi.json' })).json<OpenApiDocument>();

    expect(doc.components.securitySchemes['bearerAuth']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.paths['/api/v1/catalog/products/{id}']?.['get']?.security).toEqual([
      { bearerAuth: [] },
    ]);
    expect(doc.paths['/api/v1/things/mine']?.['get']?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/things/items']?.['post']?.security).toBeUndefined();
  });

  it('serves no OpenAPI document when the option is not given', async () => {
    const { app } = await buildApp(registerItems);

    const res = await app.inject({ url: '/openapi.json' });

    expect(res.statusCode).toBe(404);
  });
});
