import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLogs } from '@stratum/testing';
import { currentContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { createHttpApp, type HttpAppOptions, type StratumApp } from '../http/app.ts';
import { tracedRequest, withClientSpan } from './http-client.ts';
import { currentTraceparent } from './messaging.ts';
import { initTelemetry, type Telemetry } from './telemetry.ts';

// One tracer provider per process (vitest forks one per file): made once here.
const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
const apps: StratumApp[] = [];

beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'http-tracing-test', spanExporter: exporter });
});
afterAll(() => telemetry.shutdown());
beforeEach(() => exporter.reset());
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpan = '00f067aa0ba902b7';
const traceparent = `00-${callerTrace}-${callerSpan}-01`;

/** Waits until `count` spans have ended (a span ends in onResponse, which may follow the answer). */
async function finishedSpans(count: number): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 5_000;
  while (exporter.getFinishedSpans().length < count) {
    if (Date.now() > deadline) {
      const names = exporter.getFinishedSpans().map((s) => s.name);
      throw new Error(`expected ${count} spans, have ${JSON.stringify(names)}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return exporter.getFinishedSpans();
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const only = (spans: ReadableSpan[], kind: SpanKind, name?: string) => {
  const found = spans.filter((s) => s.kind === kind && (!name || s.name === name));
  expect(found, `${SpanKind[kind]} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
};

async function buildApp(options: Partial<HttpAppOptions> = {}) {
  const logs = captureLogs('info');
  const app = await createHttpApp({ logger: logs.logger, ...options });
  apps.push(app);
  app.get('/api/v1/things/:id', { config: { access: 'public' } }, (request) => {
    const { id } = request.params as { id: string };
    if (id === 'missing') throw new DomainError('thing-not-found', 'No such thing.', 'not-found');
    if (id === 'broken') throw new Error('the disk is on fire');
    request.log.info('looking at a thing');
    return { traceId: currentContext()?.traceId, traceparent: currentTraceparent() };
  });
  app.post(
    '/api/v1/things',
    { config: { access: 'public' }, schema: { body: z.object({ name: z.string() }) } },
    () => ({ traceId: currentContext()?.traceId, traceparent: currentTraceparent() }),
  );
  return { app, logs };
}

describe('server spans', () => {
  it('continues an incoming traceparent: the server span is its child and the context carries its trace id', async () => {
    const { app, logs } = await buildApp();
    const response = await app.inject({ url: '/api/v1/things/42', headers: { traceparent } });
    expect(response.statusCode).toBe(200);

    const server = only(await finishedSpans(1), SpanKind.SERVER);
    expect(server.name).toBe('GET /api/v1/things/:id');
    expect(server.spanContext().traceId).toBe(callerTrace);
    expect(parentOf(server)).toBe(callerSpan);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/v1/things/:id',
      'http.response.status_code': 200,
    });
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    const body = response.json<{ traceId: string; traceparent: string }>();
    expect(body.traceId).toBe(callerTrace);
    expect(body.traceparent).toBe(`00-${callerTrace}-${server.spanContext().spanId}-01`);
    const logged = logs.lines().find((line) => line.msg === 'looking at a thing');
    expect(logged?.traceId).toBe(callerTrace);
  });

  it('starts a new trace without a traceparent, and the context trace id is the span’s', async () => {
    const { app } = await buildApp();
    const response = await app.inject({ url: '/api/v1/things/42' });
    const server = only(await finishedSpans(1), SpanKind.SERVER);
    expect(server.parentSpanContext).toBeUndefined();
    expect(response.json<{ traceId: string }>().traceId).toBe(server.spanContext().traceId);
  });

  it('keeps the span active through body parsing', async () => {
    const { app } = await buildApp();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { traceparent },
      payload: { name: 'a thing' },
    });
    const server = only(await finishedSpans(1), SpanKind.SERVER);
    expect(server.name).toBe('POST /api/v1/things');
    expect(response.json<{ traceparent: string }>().traceparent).toBe(
      `00-${callerTrace}-${server.spanContext().spanId}-01`,
    );
  });

  it('marks the span failed on an unexpected error, but not on a refusal', async () => {
    const { app } = await buildApp();
    expect((await app.inject({ url: '/api/v1/things/broken' })).statusCode).toBe(500);
    expect((await app.inject({ url: '/api/v1/things/missing' })).statusCode).toBe(404);
    const spans = await finishedSpans(2);
    const failed = spans.find((s) => s.attributes['http.response.status_code'] === 500)!;
    expect(failed.status).toMatchObject({
      code: SpanStatusCode.ERROR,
      message: 'the disk is on fire',
    });
    expect(failed.events.map((e) => e.name)).toContain('exception');
    const refused = spans.find((s) => s.attributes['http.response.status_code'] === 404)!;
    expect(refused.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('names an unmatched request by its method only', async () => {
    const { app } = await buildApp();
    await app.inject({ url: '/api/v1/nothing/here' });
    const server = only(await finishedSpans(1), SpanKind.SERVER);
    expect(server.name).toBe('GET');
    expect(server.attributes['http.route']).toBeUndefined();
  });
});

describe('outgoing calls', () => {
  it('are client spans under the server span, and the callee’s server span is their child', async () => {
    const { app: callee } = await buildApp();
    const calleeUrl = await callee.listen({ host: '127.0.0.1', port: 0 });
    const { app: caller } = await buildApp();
    caller.get('/api/v1/relayed', { config: { access: 'public' } }, async () => {
      const answer = await tracedRequest(
        `${calleeUrl}/api/v1/things/7?verbose=1`,
        {},
        { route: '/api/v1/things/{id}' },
      );
      return answer.json();
    });

    const response = await caller.inject({ url: '/api/v1/relayed', headers: { traceparent } });
    expect(response.statusCode).toBe(200);

    const spans = await finishedSpans(3);
    const callerServer = only(spans, SpanKind.SERVER, 'GET /api/v1/relayed');
    const client = only(spans, SpanKind.CLIENT);
    const calleeServer = only(spans, SpanKind.SERVER, 'GET /api/v1/things/:id');
    expect(client.name).toBe('GET /api/v1/things/{id}');
    expect(parentOf(callerServer)).toBe(callerSpan);
    expect(parentOf(client)).toBe(callerServer.spanContext().spanId);
    expect(parentOf(calleeServer)).toBe(client.spanContext().spanId);
    for (const span of spans) expect(span.spanContext().traceId).toBe(callerTrace);
    expect(client.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.full': `${calleeUrl}/api/v1/things/7`,
    });
    expect(response.json<{ traceId: string }>().traceId).toBe(callerTrace);
  });

  it('mark the client span failed when the callee answers an error or cannot be reached', async () => {
    const { app: callee } = await buildApp();
    const calleeUrl = await callee.listen({ host: '127.0.0.1', port: 0 });
    const answer = await tracedRequest(`${calleeUrl}/api/v1/things/broken`);
    expect(answer.status).toBe(500);
    await callee.close();
    await expect(
      withClientSpan('call a closed port', () => fetch(`${calleeUrl}/api/v1/things/1`)),
    ).rejects.toThrow();

    const spans = await finishedSpans(3);
    const answered = only(spans, SpanKind.CLIENT, 'GET');
    expect(answered.status.code).toBe(SpanStatusCode.ERROR);
    expect(answered.attributes['http.response.status_code']).toBe(500);
    const unreachable = only(spans, SpanKind.CLIENT, 'call a closed port');
    expect(unreachable.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('the fast lane and /metrics', () => {
  it('creates no span for a fast-lane answer', async () => {
    const { app } = await buildApp();
    app.fastRoute({
      pattern: /^\/api\/v1\/menu$/,
      access: 'public',
      answer: () => ({ status: 200, headers: {}, body: Buffer.from('{"menu":[]}') }),
    });
    app.get('/api/v1/menu', { config: { access: 'public' } }, () => ({ menu: 'slow' }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });

    const fast = await fetch(`${url}/api/v1/menu`, { headers: { traceparent } });
    expect(await fast.json()).toEqual({ menu: [] });
    // A request after it through the full pipeline: once its span is in, the
    // fast-lane request (answered before it) would have been too.
    await fetch(`${url}/api/v1/things/1`);
    const spans = await finishedSpans(1);
    expect(spans.map((s) => s.name)).toEqual(['GET /api/v1/things/:id']);
  });

  it('serves the request duration histogram as Prometheus text, untraced', async () => {
    const { app } = await buildApp({
      metrics: telemetry,
      openapi: { title: 'tracing test', version: '1' },
    });
    // Counts are cumulative for the process: compare a scrape before and after.
    const scrape = async () => {
      const metrics = await app.inject({ url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
      return (status: string) =>
        Number(
          new RegExp(
            `^http_server_request_duration_count\\{http_request_method="GET",http_route="/api/v1/things/:id",http_response_status_class="${status}"\\} (\\d+)$`,
            'm',
          ).exec(metrics.body)?.[1] ?? 0,
        );
    };
    const before = await scrape();
    await app.inject({ url: '/api/v1/things/1' });
    await app.inject({ url: '/api/v1/things/2' });
    await app.inject({ url: '/api/v1/things/missing' });
    await finishedSpans(3);
    const after = await scrape();
    expect(after('2xx') - before('2xx')).toBe(2);
    expect(after('4xx') - before('4xx')).toBe(1);

    await app.inject({ url: '/api/v1/things/3' });
    await finishedSpans(4);
    expect(exporter.getFinishedSpans().some((s) => s.name.includes('/metrics'))).toBe(false);
    const { paths } = (await app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(paths)).toContain('/api/v1/things/{id}');
    expect(Object.keys(paths)).not.toContain('/metrics');
  });
});
