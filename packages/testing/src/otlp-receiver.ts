import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** OTLP's span kinds (the wire values: the API's `SpanKind` plus one). */
export const otlpSpanKind = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
} as const;

export type OtlpSpanKindName = keyof typeof otlpSpanKind;

type AttributeValue = string | number | boolean;

/** One span as received, flattened: its resource's `service.name` and plain attribute values. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Absent for a root span. */
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: OtlpSpanKindName;
  readonly serviceName: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Nanoseconds since the epoch, as the decimal string OTLP/JSON sends. */
  readonly startTimeUnixNano: string;
}

/** An OTLP/HTTP trace receiver on a loopback port: a stand-in for a collector in tests. */
export interface OtlpReceiver {
  /** Base URL, the value of `OTEL_EXPORTER_OTLP_ENDPOINT` (spans arrive at `/v1/traces`). */
  readonly url: string;
  /** Every span received so far, in arrival order. */
  spans(): readonly ReceivedSpan[];
  /** Requests that were not an OTLP/JSON trace export (wrong path, protobuf, bad JSON). */
  rejected(): readonly string[];
  /** Polls until `ready(spans)` holds; rejects after `timeoutMs` with what arrived meanwhile. */
  waitFor(
    what: string,
    ready: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs: number,
  ): Promise<readonly ReceivedSpan[]>;
  close(): Promise<void>;
}

/** The parts of an `ExportTraceServiceRequest` in its JSON encoding that tests read. */
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        startTimeUnixNano?: string;
        attributes?: KeyValue[];
      }[];
    }[];
  }[];
}

interface KeyValue {
  key: string;
  value?: {
    stringValue?: string;
    intValue?: number | string;
    doubleValue?: number;
    boolValue?: boolean;
  };
}

const kindNames = Object.fromEntries(
  Object.entries(otlpSpanKind).map(([name, value]) => [value, name as OtlpSpanKindName]),
);

function plainValue(value: KeyValue['value']): AttributeValue | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.doubleValue ?? value.boolValue;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    const plain = plainValue(value);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}

/** Flattens one export request; an empty parent id (some encoders send `""`) means a root. */
export function spansOfExport(request: ExportRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = String(
      attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '',
    );
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span): ReceivedSpan => ({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId && { parentSpanId: span.parentSpanId }),
        name: span.name,
        kind: kindNames[span.kind ?? 0] ?? 'unspecified',
        serviceName,
        attributes: attributesOf(span.attributes),
        startTimeUnixNano: span.startTimeUnixNano ?? '0',
      })),
    );
  });
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Starts an OTLP/HTTP receiver for traces in the JSON encoding (what
 * `@opentelemetry/exporter-trace-otlp-http` sends to `<endpoint>/v1/traces`,
 * gzip or not). Anything else is answered 400/404 and listed by `rejected()`,
 * so a test can tell "nothing was sent" from "something unreadable was sent".
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const refused: string[] = [];
  const answer = (response: ServerResponse, status: number) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}');

  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const where = `${request.method} ${request.url} (${request.headers['content-type']})`;
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        refused.push(where);
        return answer(response, 404);
      }
      try {
        const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        received.push(...spansOfExport(JSON.parse(body.toString()) as ExportRequest));
        answer(response, 200);
      } catch (err) {
        refused.push(`${where}: ${String(err)}`);
        answer(response, 400);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    rejected: () => [...refused],
    async waitFor(what, ready, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (!ready(received)) {
        if (Date.now() > until) {
          const seen = received.map((s) => `${s.serviceName} ${s.kind} ${s.name}`).join('\n  ');
          const bad = refused.length > 0 ? `\nrejected:\n  ${refused.join('\n  ')}` : '';
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; received:\n  ${seen}${bad}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return [...received];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
