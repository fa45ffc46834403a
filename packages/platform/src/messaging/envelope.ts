import { z } from 'zod';
import { currentContext } from '../context.ts';
import { newId } from '../ids.ts';
import { currentTraceparent } from '../telemetry/messaging.ts';

/** The wire shape of every integration event, whatever the transport. */
export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  tenantId: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  traceparent: z.string().nullable(),
  payload: z.unknown(),
});

export interface EventEnvelope<P = unknown> {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly tenantId: string;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceparent: string | null;
  readonly payload: P;
}

/** A published event's contract: wire name, version and payload schema. */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly version: number;
  readonly payload: S;
}

export function defineEvent<const T extends string, S extends z.ZodType>(
  type: T,
  version: number,
  payload: S,
): EventDefinition<T, S> {
  return { type, version, payload };
}

/**
 * Builds an envelope for an event raised now, in the current context: the
 * request becomes the correlation id and a consumed message the causation id.
 * The envelope carries the active span as its `traceparent`, so consumers
 * continue the trace of the work that raised it (ADR 0019). Without a span
 * (telemetry off) it still carries the request's trace id, for the logs.
 */
export function makeEnvelope<S extends z.ZodType>(
  event: EventDefinition<string, S>,
  payload: z.input<S>,
  tenantId: string,
  now: Date = new Date(),
): EventEnvelope<z.output<S>> {
  const ctx = currentContext();
  return {
    id: newId(),
    type: event.type,
    version: event.version,
    tenantId,
    occurredAt: now.toISOString(),
    correlationId: ctx?.correlationId ?? ctx?.requestId ?? newId(),
    causationId: ctx?.causationId ?? null,
    traceparent:
      currentTraceparent() ?? (ctx?.traceId ? `00-${ctx.traceId}-${'0'.repeat(15)}1-01` : null),
    payload: event.payload.parse(payload),
  };
}
