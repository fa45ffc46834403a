import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { request } from 'undici';
import { activeTracer, runInSpan } from './state.ts';

/** Handed to `fn` while tracing is off: accepts attributes and status and drops them. */
const noSpan = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

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

export interface TracedRequestOptions {
  /**
   * The path as a template (`/v1/payments/{id}/capture`): names the span
   * `METHOD template` instead of just `METHOD`, without ids in span names.
   */
  route?: string;
  /** Extra span attributes, e.g. `{ 'peer.service': 'card-processor' }`. */
  attributes?: Attributes;
}

/** What an outgoing call sends. */
export interface HttpCall {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** An answer read in full: its status, its headers and its body as text. */
export interface HttpAnswer {
  readonly status: number;
  /** A 2xx status. */
  readonly ok: boolean;
  /** A response header by its lower-case name (the first value of a repeated one). */
  header(name: string): string | undefined;
  readonly text: string;
  /** The body parsed as JSON (a SyntaxError when it is not). */
  json<T = unknown>(): T;
}

async function send(url: URL, call: HttpCall, headers: Record<string, string>) {
  const response = await request(url, {
    method: call.method ?? 'GET',
    headers,
    ...(call.body !== undefined && { body: call.body }),
    ...(call.signal && { signal: call.signal }),
  });
  const text = await response.body.text();
  const received = response.headers;
  return {
    status: response.statusCode,
    ok: response.statusCode >= 200 && response.statusCode < 300,
    header(name: string) {
      const value = received[name];
      return Array.isArray(value) ? value[0] : value;
    },
    text,
    json: <T>() => JSON.parse(text) as T,
  } satisfies HttpAnswer;
}

/**
 * One HTTP call between Stratum's processes (a module's remote client, the
 * card processor, the BFF), over undici's `request`: `fetch` builds WHATWG
 * streams and headers for every call, which cost the caller about four times
 * the CPU (ADR 0016). The answer's body is read in full. With tracing on, the
 * call is one CLIENT span whose context goes in `traceparent`, so the callee
 * continues the trace; a 4xx or 5xx answer marks the span failed (from the
 * caller's side, the call did not do what it asked). Network failures reject
 * with undici's errors, which carry the socket's code (`ECONNREFUSED`,
 * `UND_ERR_SOCKET`…); an aborted call rejects with the signal's reason.
 */
export function tracedRequest(
  input: string | URL,
  call: HttpCall = {},
  options: TracedRequestOptions = {},
): Promise<HttpAnswer> {
  const url = typeof input === 'string' ? new URL(input) : input;
  if (!activeTracer()) return send(url, call, call.headers ?? {});
  const method = call.method ?? 'GET';
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
      const answer = await send(url, call, injectTraceHeaders({ ...call.headers }));
      span.setAttribute('http.response.status_code', answer.status);
      if (answer.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
      return answer;
    },
    attributes,
  );
}
