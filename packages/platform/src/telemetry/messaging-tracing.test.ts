import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLogs } from '@stratum/testing';
import { currentContext } from '../context.ts';
import { createHttpApp } from '../http/app.ts';
import type { Subscription } from '../messaging/bus.ts';
import { defineEvent, makeEnvelope, type EventEnvelope } from '../messaging/envelope.ts';
import { inProcessEventBus } from '../messaging/in-process-bus.ts';
import { tracedSubscription, withProducerSpan } from './messaging.ts';
import { initTelemetry, type Telemetry } from './telemetry.ts';

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;

beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'messaging-tracing-test', spanExporter: exporter });
});
afterAll(() => telemetry.shutdown());
beforeEach(() => exporter.reset());

const tenantId = '0191f2c4-1111-7000-8000-000000000001';
const orderPlaced = defineEvent('test.order-placed', 1, z.object({ orderId: z.string() }));
const ticketFired = defineEvent('test.ticket-fired', 1, z.object({ orderId: z.string() }));

const only = (kind: SpanKind) => {
  const found = exporter.getFinishedSpans().filter((s) => s.kind === kind);
  expect(found, SpanKind[kind]).toHaveLength(1);
  return found[0]!;
};
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceparentOf = (span: ReadableSpan) =>
  `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

/** An envelope raised inside a request of a platform app, as a use case's outbox would. */
async function envelopeFromRequest(): Promise<EventEnvelope> {
  const app = await createHttpApp({ logger: captureLogs('warn').logger });
  app.post('/api/v1/orders', { config: { access: 'public' } }, () =>
    makeEnvelope(orderPlaced, { orderId: 'o-1' }, tenantId),
  );
  const response = await app.inject({ method: 'POST', url: '/api/v1/orders' });
  await app.close();
  return response.json<EventEnvelope>();
}

/** Waits for a span to end: the server span ends in onResponse, after the answer. */
async function spanOf(kind: SpanKind): Promise<ReadableSpan> {
  const deadline = Date.now() + 5_000;
  while (!exporter.getFinishedSpans().some((s) => s.kind === kind)) {
    if (Date.now() > deadline) throw new Error(`no ${SpanKind[kind]} span ended`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return only(kind);
}

describe('trace context across events', () => {
  it('an envelope raised in a request carries the request span; publish and handler spans hang off it', async () => {
    const envelope = await envelopeFromRequest();
    const server = await spanOf(SpanKind.SERVER);
    expect(envelope.traceparent).toBe(traceparentOf(server));

    const seen: { traceId?: string; raised?: EventEnvelope } = {};
    const bus = inProcessEventBus();
    bus.subscribe({
      name: 'kitchen.fire-ticket',
      types: [orderPlaced.type],
      handle: async (delivered) => {
        seen.traceId = currentContext()?.traceId;
        seen.raised = makeEnvelope(ticketFired, { orderId: 'o-1' }, delivered.tenantId);
        await Promise.resolve();
      },
    });
    // The relay publishes later, outside the request: only the envelope links them.
    await withProducerSpan(envelope, () => bus.publish(envelope));

    const producer = only(SpanKind.PRODUCER);
    const consumer = only(SpanKind.CONSUMER);
    expect(producer.name).toBe('publish test.order-placed');
    expect(producer.parentSpanContext?.spanId).toBe(idOf(server));
    expect(consumer.name).toBe('process test.order-placed');
    expect(consumer.parentSpanContext?.spanId).toBe(idOf(server));
    expect(consumer.attributes).toMatchObject({
      'messaging.consumer.group.name': 'kitchen.fire-ticket',
      'messaging.message.id': envelope.id,
      'stratum.tenant.id': tenantId,
    });
    for (const span of [producer, consumer]) {
      expect(span.spanContext().traceId).toBe(server.spanContext().traceId);
    }
    // The handler's own work runs inside the consumer span.
    expect(seen.traceId).toBe(server.spanContext().traceId);
    expect(seen.raised?.traceparent).toBe(traceparentOf(consumer));
  });

  it('marks the consumer and producer spans failed when a handler fails', async () => {
    const envelope = await envelopeFromRequest();
    await spanOf(SpanKind.SERVER);
    const bus = inProcessEventBus();
    bus.subscribe({
      name: 'reporting.count-orders',
      types: [orderPlaced.type],
      handle: () => Promise.reject(new Error('the projection is locked')),
    });
    await expect(withProducerSpan(envelope, () => bus.publish(envelope))).rejects.toThrow();
    expect(only(SpanKind.CONSUMER).status).toMatchObject({
      code: SpanStatusCode.ERROR,
      message: 'the projection is locked',
    });
    expect(only(SpanKind.PRODUCER).status.code).toBe(SpanStatusCode.ERROR);
  });

  it('does not double the consumer span when both the subscription and the bus trace it', async () => {
    const envelope = await envelopeFromRequest();
    await spanOf(SpanKind.SERVER);
    const handled: string[] = [];
    const subscription: Subscription = tracedSubscription<EventEnvelope>({
      name: 'ordering.inbox-like',
      types: [orderPlaced.type],
      handle: async (delivered) => {
        handled.push(delivered.id);
        await Promise.resolve();
      },
    });
    const bus = inProcessEventBus();
    bus.subscribe(subscription);
    await bus.publish(envelope);
    expect(handled).toEqual([envelope.id]);
    expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER)).toHaveLength(1);
  });

  it('starts a new trace for a message without a traceparent', async () => {
    const bus = inProcessEventBus();
    let traceId: string | undefined;
    bus.subscribe({
      name: 'catalog.listen',
      types: [orderPlaced.type],
      handle: async () => {
        traceId = currentContext()?.traceId;
        await Promise.resolve();
      },
    });
    const envelope = { ...makeEnvelope(orderPlaced, { orderId: 'o-2' }, tenantId) };
    expect(envelope.traceparent).toBeNull();
    await bus.publish(envelope);
    const consumer = only(SpanKind.CONSUMER);
    expect(consumer.parentSpanContext).toBeUndefined();
    expect(traceId).toBe(consumer.spanContext().traceId);
  });
});
