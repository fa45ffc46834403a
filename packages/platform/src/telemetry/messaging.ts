import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  isSpanContextValid,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { withContext } from '../context.ts';
import { activeTracer, runInSpan } from './state.ts';

/** The fields of an event envelope that tracing reads. */
export interface TracedMessage {
  readonly id: string;
  readonly type: string;
  readonly tenantId: string;
  readonly traceparent: string | null;
}

/** The W3C `traceparent` of the span active now, or `undefined` outside any span. */
export function currentTraceparent(): string | undefined {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? formatTraceparent(span) : undefined;
}

export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The trace id carried by a `traceparent`, if it is a valid one. */
export function traceIdOfTraceparent(traceparent: string | null | undefined): string | undefined {
  return (traceparent && parseTraceParent(traceparent)?.traceId) || undefined;
}

/** A context whose (remote) parent is the message's `traceparent`; the root context without one. */
function parentOf(message: TracedMessage): Context {
  const parent = message.traceparent ? parseTraceParent(message.traceparent) : null;
  return parent ? trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true }) : ROOT_CONTEXT;
}

function messageAttributes(message: TracedMessage, operation: 'send' | 'process') {
  return {
    'messaging.operation.type': operation,
    'messaging.destination.name': message.type,
    'messaging.message.id': message.id,
    'stratum.tenant.id': message.tenantId,
  };
}

/**
 * Runs a publish in a PRODUCER span. Its parent is the message's own
 * `traceparent` (the span that raised the event), not whatever runs the
 * relay: the relay publishes later, outside the request, yet the publish
 * still shows in the request's trace. The envelope keeps the producer's
 * traceparent, so consumers hang off the span that raised the event.
 */
export function withProducerSpan<T>(message: TracedMessage, fn: () => Promise<T>): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return fn();
  const parent = parentOf(message);
  const span = tracer.startSpan(
    `publish ${message.type}`,
    { kind: SpanKind.PRODUCER, attributes: messageAttributes(message, 'send') },
    parent,
  );
  return context.with(trace.setSpan(parent, span), () => runInSpan(span, fn));
}

/**
 * Runs a handler in a CONSUMER span whose parent is the message's
 * `traceparent`, with that span active (the handler's queries and the events
 * it raises belong to it) and the trace id in the request context for logs.
 * While tracing is off only the trace id is set.
 */
export function withConsumerSpan<T>(
  message: TracedMessage,
  consumer: string,
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) {
    const traceId = traceIdOfTraceparent(message.traceparent);
    return traceId ? withContext({ traceId }, fn) : fn();
  }
  const parent = parentOf(message);
  const span = tracer.startSpan(
    `process ${message.type}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...messageAttributes(message, 'process'),
        'messaging.consumer.group.name': consumer,
      },
    },
    parent,
  );
  const traceId = span.spanContext().traceId;
  return context.with(trace.setSpan(parent, span), () =>
    withContext({ traceId }, () => runInSpan(span, fn)),
  );
}

const traced = Symbol('traced subscription');

/** A consumer of messages, as the event bus sees it. */
export interface TracedConsumer<M extends TracedMessage> {
  readonly name: string;
  readonly types: readonly string[];
  handle(message: M): Promise<void>;
}

/**
 * The same subscription with each delivery handled in a CONSUMER span (see
 * `withConsumerSpan`). Wrapping twice is a no-op, so both the inbox and a bus
 * may wrap without doubling the spans.
 */
export function tracedSubscription<M extends TracedMessage>(
  subscription: TracedConsumer<M>,
): TracedConsumer<M> {
  if (traced in subscription) return subscription;
  return {
    name: subscription.name,
    types: subscription.types,
    handle: (message) =>
      withConsumerSpan(message, subscription.name, () => subscription.handle(message)),
    [traced]: true,
  } as TracedConsumer<M>;
}
