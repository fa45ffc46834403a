import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProcessor } from '@stratum/card-processor';
import { createHttpApp, initTelemetry, traceFastify, type Telemetry } from '@stratum/platform';
import { captureLogs } from '@stratum/testing';
import { httpCardProcessor } from './http-card-processor.ts';

// One tracer provider per process; the processor runs in this process on a
// real port, so its server spans land in the same exporter.
const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let processor: ReturnType<typeof buildProcessor>;
let processorUrl: string;

beforeAll(async () => {
  telemetry = initTelemetry({ serviceName: 'payments-tracing-test', spanExporter: exporter });
  processor = buildProcessor({ instrument: (app) => traceFastify(app) });
  processorUrl = await processor.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await processor?.close();
  await telemetry?.shutdown();
});

async function finishedSpans(count: number): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 5_000;
  while (exporter.getFinishedSpans().length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} spans`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return exporter.getFinishedSpans();
}

describe('card processor calls in a trace', () => {
  it('each processor call is a client span under the request, continued by the processor', async () => {
    const cards = httpCardProcessor({ baseUrl: processorUrl, apiKey: 'sk_sandbox_stratum' });
    const app = await createHttpApp({ logger: captureLogs('warn').logger });
    app.post('/api/v1/payments', { config: { access: 'public' } }, async () => {
      const result = await cards.authorize({
        amount: 1_250,
        currency: 'EUR',
        card: { number: '4242424242424242' },
        reference: `pay-${randomUUID()}`,
        idempotencyKey: randomUUID(),
      });
      return { outcome: result.outcome };
    });

    const response = await app.inject({ method: 'POST', url: '/api/v1/payments' });
    expect(response.json()).toEqual({ outcome: 'approved' });

    const spans = await finishedSpans(3);
    const [request, client, processorSide] = [
      spans.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /api/v1/payments'),
      spans.find((s) => s.kind === SpanKind.CLIENT),
      spans.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /v1/payments'),
    ];
    expect(client?.name).toBe('POST /v1/payments');
    expect(client?.attributes['peer.service']).toBe('card-processor');
    expect(client?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(processorSide?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
    expect(processorSide?.attributes['http.response.status_code']).toBe(201);
    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    await app.close();
  });
});
