import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLogs } from '@stratum/testing';
import { currentContext, runWithContext } from '../context.ts';
import { createHttpApp } from '../http/app.ts';
import { defineEvent, makeEnvelope } from '../messaging/envelope.ts';
import { injectTraceHeaders, tracedRequest, withClientSpan } from './http-client.ts';
import { withConsumerSpan, withProducerSpan } from './messaging.ts';
import { initTelemetry } from './telemetry.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
const event = defineEvent('test.something-happened', 1, z.object({ n: z.number() }));
const tenantId = '0191f2c4-1111-7000-8000-000000000001';

describe('with telemetry never initialised', () => {
  it('serves requests with the caller’s trace id and no /metrics route', async () => {
    const app = await createHttpApp({ logger: captureLogs('warn').logger });
    app.get('/api/v1/here', { config: { access: 'public' } }, () => ({
      traceId: currentContext()?.traceId,
    }));
    const answer = await app.inject({ url: '/api/v1/here', headers: { traceparent } });
    expect(answer.json()).toEqual({ traceId });
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
    await app.close();
  });

  it('calls out without a span and adds no trace headers', async () => {
    const callee = await createHttpApp({ logger: captureLogs('warn').logger });
    callee.get('/api/v1/headers', { config: { access: 'public' } }, (request) => ({
      traceparent: request.headers.traceparent ?? null,
    }));
    const url = await callee.listen({ host: '127.0.0.1', port: 0 });
    const answer = await tracedRequest(`${url}/api/v1/headers`);
    expect(answer.json()).toEqual({ traceparent: null });
    expect(injectTraceHeaders({ accept: 'application/json' })).toEqual({
      accept: 'application/json',
    });
    const recording = await withClientSpan('a call', (span) => Promise.resolve(span.isRecording()));
    expect(recording).toBe(false);
    await callee.close();
  });

  it('still carries the trace id through events, for the logs', async () => {
    const envelope = runWithContext({ requestId: 'r-1', traceId }, () =>
      makeEnvelope(event, { n: 1 }, tenantId),
    );
    expect(envelope.traceparent).toMatch(new RegExp(`^00-${traceId}-[\\da-f]{16}-01$`));
    const published = await withProducerSpan(envelope, () => Promise.resolve('published'));
    expect(published).toBe('published');
    const seen = await withConsumerSpan(envelope, 'reporting.count', () =>
      Promise.resolve(currentContext()?.traceId),
    );
    expect(seen).toBe(traceId);
  });
});

describe('initTelemetry', () => {
  it('takes one provider per process: a second call fails until the first shuts down', async () => {
    const exporter = new InMemorySpanExporter();
    const first = initTelemetry({ serviceName: 'first', spanExporter: exporter });
    expect(first.tracing).toBe(true);
    expect(() => initTelemetry({ serviceName: 'second' })).toThrow(/already initialised/);
    first.tracer.startSpan('before shutdown').end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['before shutdown']);
    await first.shutdown();

    const again = new InMemorySpanExporter();
    const second = initTelemetry({ serviceName: 'second', spanExporter: again });
    await withClientSpan('after restart', () => Promise.resolve());
    expect(again.getFinishedSpans().map((s) => s.name)).toEqual(['after restart']);
    await second.shutdown();
  });
});
