import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';

/**
 * Trace context for a call to an upstream. The default keeps the incoming
 * `traceparent`, or starts one in the trace the gateway logs under, so the
 * upstream's log lines carry the same trace id. Telemetry replaces it with
 * its propagator (and opens a client span around the call) here.
 */
export interface TraceContext {
  inject(request: UpstreamRequest, headers: IncomingHttpHeaders): void;
}

/** What the gateway knows of the request it proxies, for the upstream's headers. */
export type UpstreamRequest = Pick<FastifyRequest, 'id' | 'ip' | 'protocol' | 'host' | 'ctx'>;

export const w3cTraceContext: TraceContext = {
  inject(request, headers) {
    if (typeof headers.traceparent === 'string') return;
    const traceId = request.ctx.traceId;
    if (traceId && /^[\da-f]{32}$/.test(traceId)) {
      headers.traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    }
  },
};

/**
 * The request headers an upstream receives: the client's, plus the request
 * id the gateway answers with, the trace context, and the client's address
 * (X-Forwarded-*, for upstreams that trust the gateway as a proxy).
 */
export function upstreamHeaders(
  request: UpstreamRequest,
  headers: IncomingHttpHeaders,
  trace: TraceContext,
): IncomingHttpHeaders {
  const forwardedFor = headers['x-forwarded-for'];
  const out: IncomingHttpHeaders = {
    ...headers,
    'x-request-id': request.id,
    'x-forwarded-for': forwardedFor ? `${String(forwardedFor)}, ${request.ip}` : request.ip,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
  };
  trace.inject(request, out);
  return out;
}
