import {
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { EventEnvelope } from './envelope.ts';

/**
 * Where one deployment's streams and subjects live on a NATS server. A prefix
 * lets several deployments (or test files) share a server without their
 * stream names or subjects overlapping.
 */
export interface NatsNames {
  /** Put before every subject: `''` or `<prefix>.`. */
  readonly subjectPrefix: string;
  /** Put before every stream name: `''` or `<PREFIX>_`. */
  readonly namePrefix: string;
}

const prefixPattern = /^[A-Za-z0-9_-]+$/;

/** Names for `prefix` (letters, digits, `-`, `_`; empty for none). */
export function natsNames(prefix = ''): NatsNames {
  if (prefix === '') return { subjectPrefix: '', namePrefix: '' };
  if (!prefixPattern.test(prefix)) {
    throw new Error(`NATS prefix may hold only letters, digits, "-" and "_": ${prefix}`);
  }
  return { subjectPrefix: `${prefix}.`, namePrefix: `${prefix.toUpperCase()}_` };
}

/** The producing module of an event type `<module>.<event>`. */
export function moduleOf(type: string): string {
  const [module, event, ...rest] = type.split('.');
  if (!module || !event || rest.length > 0 || !/^[a-z0-9-]+$/.test(module) || module === 'dlq') {
    throw new Error(`Event type must read <module>.<event>: ${type}`);
  }
  return module;
}

/** The stream holding `module`'s events: `EVENTS_STORE_OPS` for `store-ops`. */
export function eventStreamName(names: NatsNames, module: string): string {
  return `${names.namePrefix}EVENTS_${module.toUpperCase().replace(/-/g, '_')}`;
}

/** `<module>.<event>.<tenantId>`: the tenant is part of the subject, so it can be filtered on. */
export function eventSubject(names: NatsNames, envelope: EventEnvelope): string {
  return `${names.subjectPrefix}${envelope.type}.${envelope.tenantId}`;
}

/** A subject without the deployment's prefix. */
export function unprefixed(names: NatsNames, subject: string): string {
  return subject.startsWith(names.subjectPrefix)
    ? subject.slice(names.subjectPrefix.length)
    : subject;
}

export function deadLetterStreamName(names: NatsNames): string {
  return `${names.namePrefix}DEAD_LETTERS`;
}

/** `dlq.<consumer>.<original subject>`, or every dead letter of `consumer`, or all of them. */
export function deadLetterSubject(names: NatsNames, consumer?: string, original?: string): string {
  if (consumer === undefined) return `${names.subjectPrefix}dlq.>`;
  return `${names.subjectPrefix}dlq.${consumer}.${original === undefined ? '>' : unprefixed(names, original)}`;
}

/**
 * A consumer name NATS accepts (no `.`, `*`, `>` or whitespace) from a
 * subscription name such as `store-ops.on-ordering-checkout-completed`.
 */
export function consumerName(name: string): string {
  const sanitised = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (sanitised === '') throw new Error('A subscription needs a name');
  return sanitised;
}

/** Headers the bus and the dead-letter tools agree on. */
export const stratumHeaders = {
  traceparent: 'traceparent',
  /** On a replayed message: the only consumer that should handle it; the others ack and skip it. */
  replayFor: 'Stratum-Replay-For',
  deadConsumer: 'Stratum-Dlq-Consumer',
  deadStream: 'Stratum-Dlq-Stream',
  deadSubject: 'Stratum-Dlq-Subject',
  deadAttempts: 'Stratum-Dlq-Attempts',
  deadError: 'Stratum-Dlq-Error',
  deadAt: 'Stratum-Dlq-Failed-At',
} as const;

export interface StreamSettings {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly duplicateWindowMs: number;
  /** 0 keeps messages until the stream is purged. */
  readonly maxAgeMs: number;
  /** Lets the dead-letter tools read by subject without a consumer. */
  readonly allowDirect?: boolean;
}

/**
 * Creates the stream, or brings an existing one to these settings. Every
 * process that publishes or consumes calls this with the same settings, so
 * it must be idempotent and tolerate a concurrent creation.
 */
export async function ensureStream(jsm: JetStreamManager, settings: StreamSettings): Promise<void> {
  const config: Partial<StreamConfig> & { name: string } = {
    name: settings.name,
    subjects: [...settings.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: nanos(settings.duplicateWindowMs),
    max_age: nanos(settings.maxAgeMs),
    allow_direct: settings.allowDirect ?? false,
  };
  try {
    const info = await jsm.streams.info(settings.name);
    if (sameStream(info.config, config)) return;
  } catch (err) {
    if (!(err instanceof JetStreamApiError) || err.code !== 10059) throw err;
    try {
      await jsm.streams.add(config);
      return;
    } catch (addErr) {
      // 10058: another process created it first, maybe with other settings.
      if (!(addErr instanceof JetStreamApiError) || addErr.code !== 10058) throw addErr;
    }
  }
  const { name, retention: _r, storage: _s, ...update } = config;
  await jsm.streams.update(name, update);
}

function sameStream(actual: Partial<StreamConfig>, wanted: Partial<StreamConfig>): boolean {
  return (
    actual.duplicate_window === wanted.duplicate_window &&
    actual.max_age === wanted.max_age &&
    (actual.allow_direct ?? false) === wanted.allow_direct &&
    JSON.stringify([...(actual.subjects ?? [])].sort()) ===
      JSON.stringify([...(wanted.subjects ?? [])].sort())
  );
}
