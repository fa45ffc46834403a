import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Context,
  type Histogram,
  type Meter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { activeMeter, activeTracer } from './state.ts';

/** A request's SERVER span and the context that makes it the parent of the request's work. */
export interface ServerSpan {
  readonly span: Span;
  readonly context: Context;
  readonly traceId: string;
  failed: boolean;
  ended: boolean;
}

export interface ServerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Starts the SERVER span of a request, named `METHOD route-pattern`, as a
 * child of the caller's `traceparent` when it sent one. The route pattern
 * (never the raw URL) keeps span names few; unmatched requests get the method alone.
 */
export function startServerSpan(
  tracer: Tracer,
  request: ServerRequest,
  route: string | undefined,
): ServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const query = request.url.indexOf('?');
  const span = tracer.startSpan(
    route ? `${request.method} ${route}` : request.method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'url.path': query < 0 ? request.url : request.url.slice(0, query),
        ...(route && { 'http.route': route }),
      },
    },
    parent,
  );
  const traceId = span.spanContext().traceId;
  return { span, context: trace.setSpan(parent, span), traceId, failed: false, ended: false };
}

/** Records an unexpected error on the span: the request failed on our side. */
export function failServerSpan(server: ServerSpan, error: unknown): void {
  if (error instanceof Error) server.span.recordException(error);
  server.span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
  server.failed = true;
}

/**
 * Ends the span with the status code sent. A 5xx marks it failed; a 4xx does
 * not (the server did its job: the client asked for something wrong).
 */
export function endServerSpan(server: ServerSpan, statusCode: number, tenantId?: string): void {
  if (server.ended) return;
  server.ended = true;
  server.span.setAttribute('http.response.status_code', statusCode);
  if (tenantId) server.span.setAttribute('stratum.tenant.id', tenantId);
  if (statusCode >= 500 && !server.failed) server.span.setStatus({ code: SpanStatusCode.ERROR });
  server.span.end();
}

/** Ends the span of a request whose client hung up before the answer. */
export function abortServerSpan(server: ServerSpan): void {
  if (server.ended) return;
  server.span.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the connection' });
  server.failed = true;
  endServerSpan(server, 499);
}

/** Seconds, with the bucket bounds OpenTelemetry's HTTP semantic conventions advise. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const histograms = new WeakMap<Meter, Histogram>();

/** The `http.server.request.duration` histogram of a meter (made once per meter). */
export function requestDurationHistogram(meter: Meter): Histogram {
  let histogram = histograms.get(meter);
  if (!histogram) {
    histogram = meter.createHistogram('http.server.request.duration', {
      description: 'Time to answer an HTTP request, by method, route and status class.',
      unit: 's',
      advice: { explicitBucketBoundaries: durationBuckets },
    });
    histograms.set(meter, histogram);
  }
  return histogram;
}

/** `2xx`, `4xx`…: one series per class rather than per status code. */
export function statusClass(statusCode: number): string {
  return `${Math.floor(statusCode / 100)}xx`;
}

/**
 * Server spans and the duration histogram for a plain Fastify app (the
 * sandbox card processor, a gateway) — the platform's own app does the same
 * inside its single request hook. Does nothing while telemetry is off. Call
 * it before the routes are registered.
 */
export function traceFastify(app: FastifyInstance, tracer = activeTracer()): void {
  const meter = activeMeter();
  const duration = meter && requestDurationHistogram(meter);
  const spans = new WeakMap<FastifyRequest, ServerSpan>();
  if (tracer) {
    app.addHook('onRequest', (request, _reply, done) => {
      const server = startServerSpan(tracer, request, request.routeOptions.url);
      spans.set(request, server);
      context.with(server.context, done);
    });
    app.addHook('onRequestAbort', (request, done) => {
      const server = spans.get(request);
      if (server) abortServerSpan(server);
      done();
    });
  }
  if (tracer || duration) {
    app.addHook('onResponse', (request, reply, done) => {
      const server = spans.get(request);
      if (server) endServerSpan(server, reply.statusCode);
      duration?.record(reply.elapsedTime / 1000, {
        'http.request.method': request.method,
        'http.route': request.routeOptions.url ?? '',
        'http.response.status_class': statusClass(reply.statusCode),
      });
      done();
    });
  }
}
