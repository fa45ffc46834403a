import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Span,
  type TextMapSetter,
} from '@opentelemetry/api';
import { activeTracer, runInSpan } from './state.ts';

/** Handed to `fn` while tracing is off: accepts attributes and status and drops them. */
const noSpan = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

const headersSetter: TextMapSetter<Headers> = {
  set: (headers, name, value) => headers.set(name, value),
};

/**
 * Adds the current trace context (`traceparent`, and `tracestate` when there
 * is one) to a plain header object and returns it. Inside `withClientSpan`
 * that makes the callee's span a child of the client span. Leaves the headers
 * untouched while tracing is off.
 */
export function injectTraceHeaders<H extends Record<string, string>>(headers: H): H {
  propagation.inject(context.active(), headers);
  return headers;
}

/**
 * Runs `fn` inside a CLIENT span named `name`, active for everything `fn`
 * starts (so `injectTraceHeaders` inside it sends this span as the parent).
 * A thrown error is recorded on the span and rethrown. While tracing is off
 * `fn` runs directly, with a span that records nothing.
 */
export function withClientSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T>,
  attributes?: Attributes,
): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return fn(noSpan);
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind.CLIENT, ...(attributes && { attributes }) },
    (span) => runInSpan(span, () => fn(span)),
  );
}

export interface TracedFetchOptions {
  /**
   * The path as a template (`/v1/payments/{id}/capture`): names the span
   * `METHOD template` instead of just `METHOD`, without ids in span names.
   */
  route?: string;
  /** Extra span attributes, e.g. `{ 'peer.service': 'card-processor' }`. */
  attributes?: Attributes;
}

/**
 * `fetch` as one CLIENT span per request, sending the span in `traceparent`
 * so the callee continues the trace. A 4xx or 5xx answer marks the span
 * failed (from the caller's side, the call did not do what it asked). While
 * tracing is off it is plain `fetch`.
 */
export function tracedFetch(
  input: string | URL,
  init: RequestInit = {},
  options: TracedFetchOptions = {},
): Promise<Response> {
  if (!activeTracer()) return fetch(input, init);
  const url = new URL(input);
  const method = (init.method ?? 'GET').toUpperCase();
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const attributes: Attributes = {
    'http.request.method': method,
    // Without the query string or credentials: references and keys stay out of traces.
    'url.full': `${url.origin}${url.pathname}`,
    'server.address': url.hostname,
    'server.port': url.port ? Number(url.port) : defaultPort,
    ...(options.route && { 'url.template': options.route }),
    ...options.attributes,
  };
  const name = options.route ? `${method} ${options.route}` : method;
  return withClientSpan(
    name,
    async (span) => {
      const headers = new Headers(init.headers);
      propagation.inject(context.active(), headers, headersSetter);
      const response = await fetch(url, { ...init, headers });
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
      return response;
    },
    attributes,
  );
}
