import { Agent, get as httpGet } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from '@stratum/testing';
import { currentContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { Authenticator, Principal } from './access.ts';
import { createHttpApp, type StratumApp } from './app.ts';
import type { FastAnswer } from './fast-lane.ts';

const principal = (permissions: string[]): Principal => ({
  tenantId: '0191f2c4-1111-7000-8000-000000000001',
  actor: { kind: 'user', id: 'u1', roles: ['cashier'], permissions, stores: ['*'] },
});

/** The authenticator's calls, and whether the sessions have ended (then nothing stands). */
const seen = { authenticate: 0, stillValid: 0 };
let sessionsEnded = false;

/**
 * 'reader' and 'stranger' were verified before (answered synchronously);
 * 'fresh' is valid but not seen yet (a promise); anything else is refused.
 */
const authenticator: Authenticator = {
  stillValid() {
    seen.stillValid += 1;
    return !sessionsEnded;
  },
  authenticate(bearer) {
    seen.authenticate += 1;
    if (sessionsEnded) {
      return Promise.reject(new DomainError('session-revoked', 'Ended.', 'unauthenticated'));
    }
    if (bearer === 'reader') return principal(['things:read']);
    if (bearer === 'stranger') return principal([]);
    if (bearer === 'fresh') return Promise.resolve(principal(['things:read']));
    return Promise.reject(new DomainError('invalid-token', 'Not valid.', 'unauthenticated'));
  },
};

const cached = new Map<string, string>([['a', '{"thing":"a"}']]);
/** Bodies that are not text: every byte value, in a small body and a large one. */
const binary = {
  bytes: Buffer.from([...Array(512).keys()].map((i) => (i * 7) % 256)),
  manybytes: Buffer.from([...Array(40_000).keys()].map((i) => (i * 13) % 256)),
} as Record<string, Buffer>;
/** How often the route was asked for an answer. */
let asked = 0;
let app: StratumApp | undefined;

async function start(level = 'warn') {
  const logs = captureLogs(level);
  app = await createHttpApp({ logger: logs.logger, authenticator });
  const fullPipeline: string[] = [];
  app.fastRoute({
    pattern: /^\/api\/v1\/things\/([a-z]+)$/,
    access: { permission: 'things:read' },
    varies: ['if-none-match'],
    answer(request, match, who): FastAnswer | undefined {
      asked += 1;
      if (match[1] === 'boom') throw new DomainError('thing-broken', 'Broken.', 'conflict');
      const bytes = binary[match[1]!];
      if (bytes) {
        return {
          status: 200,
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes,
          stillCurrent: () => true,
        };
      }
      const body = cached.get(match[1]!);
      if (!body) return undefined;
      const stillCurrent = () => cached.get(match[1]!) === body;
      if (request.headers['if-none-match'] === `"${match[1]}"`) {
        return {
          status: 304,
          headers: { etag: `"${match[1]}"`, 'cache-control': 'no-cache' },
          stillCurrent,
        };
      }
      return {
        stillCurrent,
        status: 200,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-tenant': who?.tenantId ?? '',
          'x-context-tenant': currentContext()?.tenantId ?? '',
        },
        body: Buffer.from(body),
      };
    },
  });
  app.get(
    '/api/v1/things/:id',
    { config: { access: { permission: 'things:read' } } },
    (request) => {
      fullPipeline.push(request.url);
      const { id } = request.params as { id: string };
      if (id === 'boom') throw new DomainError('thing-broken', 'Broken.', 'conflict');
      return { thing: id, via: 'full' };
    },
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      headers: { ...headers, ...(token && { authorization: `Bearer ${token}` }) },
    });
  return { get, fullPipeline, logs, url };
}

afterEach(async () => {
  await app?.close();
  app = undefined;
  Object.assign(seen, { authenticate: 0, stillValid: 0 });
  sessionsEnded = false;
  asked = 0;
  cached.set('a', '{"thing":"a"}');
});

/** GETs over one kept-alive connection (an agent with a single socket), as a terminal does. */
function connection(url: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string, token: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string; bytes: Buffer; requestId: unknown }>(
      (resolve, reject) => {
        httpGet(
          `${url}${path}`,
          { agent, headers: { ...headers, authorization: `Bearer ${token}` } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const bytes = Buffer.concat(chunks);
              const requestId = res.headers['x-request-id'];
              resolve({ status: res.statusCode ?? 0, body: bytes.toString(), bytes, requestId });
            });
          },
        ).on('error', reject);
      },
    );
  return { get, close: () => agent.destroy() };
}

describe('the fast lane', () => {
  it('sends binary bodies byte for byte, small and large, the first time and when given again', async () => {
    const { url } = await start();
    const till = connection(url);

    for (const name of ['bytes', 'manybytes', 'bytes', 'manybytes']) {
      const res = await till.get(`/api/v1/things/${name}`, 'reader');
      expect(res.status).toBe(200);
      expect(res.bytes.equals(binary[name]!)).toBe(true);
    }
    const again = await till.get('/api/v1/things/manybytes', 'reader');
    expect(again.bytes.equals(binary['manybytes']!)).toBe(true);
    expect(asked).toBe(4);
    till.close();
  });

  it('answers from memory with the request id, the security headers and the answer headers', async () => {
    const { get, fullPipeline } = await start();

    const res = await get('/api/v1/things/a', 'reader', { 'x-request-id': 'till-7' });

    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"thing":"a"}');
    expect(res.headers.get('x-request-id')).toBe('till-7');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-tenant')).toBe(principal([]).tenantId);
    expect(res.headers.get('x-context-tenant')).toBe(principal([]).tenantId);
    expect(fullPipeline).toEqual([]);
  });

  it('answers 304 with the validators and the request id only: the cached 200 keeps its security headers', async () => {
    const { get } = await start();

    const res = await get('/api/v1/things/a', 'reader', {
      'x-request-id': 'till-8',
      'if-none-match': '"a"',
    });

    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe('"a"');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-request-id')).toBe('till-8');
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBeNull();
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('leaves a miss, a query string and a token not verified before to the full pipeline', async () => {
    const { get, fullPipeline } = await start();

    expect(await (await get('/api/v1/things/b', 'reader')).json()).toEqual({
      thing: 'b',
      via: 'full',
    });
    expect(await (await get('/api/v1/things/a?x=1', 'reader')).json()).toMatchObject({
      via: 'full',
    });
    expect(await (await get('/api/v1/things/a', 'fresh')).json()).toMatchObject({ via: 'full' });

    expect(fullPipeline).toEqual(['/api/v1/things/b', '/api/v1/things/a?x=1', '/api/v1/things/a']);
  });

  it('lets the full pipeline refuse a missing token, a bad token and a missing permission with problems', async () => {
    const { get, fullPipeline } = await start();

    const missing = await get('/api/v1/things/a');
    const bad = await get('/api/v1/things/a', 'forged');
    const denied = await get('/api/v1/things/a', 'stranger');

    expect([missing.status, bad.status, denied.status]).toEqual([401, 401, 403]);
    expect(denied.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await denied.json()).toMatchObject({ code: 'permission-denied' });
    expect(fullPipeline).toEqual([]);
  });

  it('authenticates a connection’s token once, then only asks whether it still stands', async () => {
    const { url, fullPipeline } = await start();
    const till = connection(url);

    for (let i = 0; i < 3; i += 1)
      expect((await till.get('/api/v1/things/a', 'reader')).status).toBe(200);
    expect(seen).toEqual({ authenticate: 1, stillValid: 2 });

    // Another connection with the same token is authenticated on its own.
    const other = connection(url);
    expect((await other.get('/api/v1/things/a', 'reader')).status).toBe(200);
    expect(seen.authenticate).toBe(2);

    // Another token on the first connection is authenticated, and judged, afresh.
    expect((await till.get('/api/v1/things/a', 'stranger')).status).toBe(403);

    // A session that no longer stands is refused by the full pipeline, with its problem.
    sessionsEnded = true;
    const ended = await till.get('/api/v1/things/a', 'reader');
    expect(ended.status).toBe(401);
    expect(JSON.parse(ended.body)).toMatchObject({ code: 'session-revoked' });
    expect(fullPipeline).toEqual([]);
    till.close();
    other.close();
  });

  it('gives a connection the answer it gave last for the same request, while that answer stands', async () => {
    const { url, fullPipeline } = await start();
    const till = connection(url);

    const first = await till.get('/api/v1/things/a', 'reader');
    const again = await till.get('/api/v1/things/a', 'reader');
    expect([first.status, again.status, again.body]).toEqual([200, 200, '{"thing":"a"}']);
    expect(asked).toBe(1);
    expect(again.requestId).toEqual(expect.any(String));
    expect(again.requestId).not.toBe(first.requestId);

    // A header the answer varies on, another path: the route is asked.
    expect((await till.get('/api/v1/things/a', 'reader', { 'if-none-match': '"a"' })).status).toBe(
      304,
    );
    expect((await till.get('/api/v1/things/a', 'reader', { 'if-none-match': '"a"' })).status).toBe(
      304,
    );
    expect(asked).toBe(2);
    expect((await till.get('/api/v1/things/b', 'reader')).body).toContain('"via":"full"');
    expect(asked).toBe(3);

    // The answer no longer stands: asked again, and the new answer is given.
    await till.get('/api/v1/things/a', 'reader');
    cached.set('a', '{"thing":"a, changed"}');
    expect((await till.get('/api/v1/things/a', 'reader')).body).toBe('{"thing":"a, changed"}');
    expect(asked).toBe(5);

    // Another connection is answered on its own.
    const other = connection(url);
    await other.get('/api/v1/things/a', 'reader');
    expect(asked).toBe(6);

    // A session that ended is refused by the full pipeline, not answered from memory.
    sessionsEnded = true;
    const ended = await till.get('/api/v1/things/a', 'reader');
    expect(ended.status).toBe(401);
    expect(JSON.parse(ended.body)).toMatchObject({ code: 'session-revoked' });
    expect(fullPipeline).toEqual(['/api/v1/things/b']);
    till.close();
    other.close();
  });

  it('turns an answer that throws into the full pipeline’s problem', async () => {
    const { get } = await start();

    const res = await get('/api/v1/things/boom', 'reader');

    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'thing-broken' });
  });

  it('writes the same request-completed line as the full pipeline when info is on', async () => {
    const { get, logs } = await start('info');

    await (await get('/api/v1/things/a', 'reader', { 'x-request-id': 'log-1' })).text();

    const line = logs.lines().find((l) => l['msg'] === 'request completed');
    expect(line).toMatchObject({
      requestId: 'log-1',
      tenantId: principal([]).tenantId,
      statusCode: 200,
      fastLane: true,
    });
  });
});
