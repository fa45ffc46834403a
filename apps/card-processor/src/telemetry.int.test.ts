import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCardProcessor } from '@stratum/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The parts of an OTLP/JSON trace export this test reads. */
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: {
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
      }[];
    }[];
  }[];
}

// A stand-in for an OpenTelemetry collector: keeps what arrives at /v1/traces.
const received: { path: string; contentType: string; body: string }[] = [];
let collector: Server;
let collectorUrl: string;

beforeAll(async () => {
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
});

describe('the card processor with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('continues the caller’s trace in a server span and exports it as card-processor', async () => {
    const processor = await startCardProcessor({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl },
    });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const answer = await fetch(`${processor.url}/health`, {
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(answer.status).toBe(200);
    // Stopping flushes the batch of spans before the process exits.
    await processor.stop();

    const exports = received.filter((r) => r.path === '/v1/traces');
    expect(exports.length).toBeGreaterThan(0);
    expect(exports[0]!.contentType).toMatch(/json/);
    const batches = exports.flatMap((r) => (JSON.parse(r.body) as OtlpExport).resourceSpans);
    const service = batches[0]!.resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value.stringValue).toBe('card-processor');
    const spans = batches.flatMap((b) => b.scopeSpans.flatMap((s) => s.spans));
    const health = spans.find((s) => s.name === 'GET /health');
    expect(health).toMatchObject({ traceId, parentSpanId: callerSpan, kind: 2 });
  });
});
