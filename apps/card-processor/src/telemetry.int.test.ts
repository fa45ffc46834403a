import { startCardProcessor, startOtlpReceiver, type OtlpReceiver } from '@stratum/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A stand-in for an OpenTelemetry collector: keeps the OTLP/JSON spans that arrive at /v1/traces.
let collector: OtlpReceiver;

beforeAll(async () => {
  collector = await startOtlpReceiver();
});
afterAll(() => collector.close());

describe('the card processor with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('continues the caller’s trace in a server span and exports it as card-processor', async () => {
    const processor = await startCardProcessor({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
    });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const answer = await fetch(`${processor.url}/health`, {
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(answer.status).toBe(200);
    // Stopping flushes the batch of spans before the process exits.
    await processor.stop();

    // Anything but an OTLP/JSON export to /v1/traces would be listed here.
    expect(collector.rejected()).toEqual([]);
    const health = collector.spans().find((s) => s.name === 'GET /health');
    expect(health).toMatchObject({
      traceId,
      parentSpanId: callerSpan,
      kind: 'server',
      serviceName: 'card-processor',
    });
  });
});
