import { gzipSync } from 'node:zlib';
import { initTelemetry, withClientSpan, withConsumerSpan } from '@stratum/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.ts';

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(() => receiver.close());

describe('the OTLP receiver', () => {
  it('flattens what the platform’s exporter sends: service, kind, parent and attributes', async () => {
    const telemetry = initTelemetry({ serviceName: 'till', otlpEndpoint: receiver.url });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const message = {
      id: 'm-1',
      type: 'ordering.order-placed',
      tenantId: 't-1',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    };
    await withConsumerSpan(message, 'kitchen', () =>
      withClientSpan('POST /reserve', () => Promise.resolve(), { 'server.port': 4102 }),
    );
    // Shutting down flushes the batch.
    await telemetry.shutdown();

    const spans = await receiver.waitFor('both spans', (s) => s.length === 2, 5_000);
    const consumer = spans.find((s) => s.kind === 'consumer');
    expect(consumer).toMatchObject({
      traceId,
      parentSpanId: '00f067aa0ba902b7',
      name: 'process ordering.order-placed',
      serviceName: 'till',
      attributes: { 'messaging.consumer.group.name': 'kitchen', 'stratum.tenant.id': 't-1' },
    });
    expect(spans.find((s) => s.kind === 'client')).toMatchObject({
      traceId,
      parentSpanId: consumer!.spanId,
      name: 'POST /reserve',
      attributes: { 'server.port': 4102 },
    });
    expect(receiver.rejected()).toEqual([]);
  });

  it('reads a gzip body and lists what it cannot read instead of dropping it silently', async () => {
    const batch = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gateway' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'a'.repeat(32),
                  spanId: 'b'.repeat(16),
                  parentSpanId: '',
                  name: 'GET',
                  kind: 2,
                },
              ],
            },
          ],
        },
      ],
    };
    const gzipped = await fetch(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(batch)),
    });
    expect(gzipped.status).toBe(200);
    const [root] = receiver.spans();
    expect(root).toMatchObject({ serviceName: 'gateway', kind: 'server', name: 'GET' });
    // An empty parent id means a root.
    expect(root!.parentSpanId).toBeUndefined();

    const protobuf = await fetch(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([10, 3, 1, 2, 3]),
    });
    const metrics = await fetch(`${receiver.url}/v1/metrics`, { method: 'POST', body: '{}' });
    expect([protobuf.status, metrics.status]).toEqual([400, 404]);
    expect(receiver.rejected()).toHaveLength(2);
    expect(receiver.spans()).toHaveLength(1);
  });
});
