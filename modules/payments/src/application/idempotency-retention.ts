import { periodicWorker, type Logger, type PeriodicWorker } from '@stratum/platform';
import type { IdempotencyKeyRetention } from './ports.ts';

export interface IdempotencyRetentionSettings {
  /** How long a key and its stored response are kept, from its first request (ms). */
  retentionMs: number;
  /** How often a sweep round runs while the module is started (ms). */
  intervalMs: number;
  /** The most records one delete removes; a round repeats it until a batch comes back short. */
  batchSize: number;
}

/** The Idempotency-Key lease's default, as in `pgIdempotencyStore`. */
const defaultIdempotencyLeaseMs = 5 * 60_000;
const defaultRetentionMs = 24 * 60 * 60_000;
const defaultIntervalMs = 10 * 60_000;
const defaultBatchSize = 500;
/** setInterval's longest delay; a longer one fires at once. */
const maxTimerMs = 2 ** 31 - 1;

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new Error(`${name} must be a positive integer of at most ${max}, not ${value}`);
  }
  return value;
}

/**
 * The module's retention options with their defaults (24 h, swept every 10
 * minutes, 500 keys per delete), refused at start-up when they make no sense.
 */
export function idempotencyRetentionSettings(options: {
  idempotencyLeaseMs?: number;
  idempotencyRetentionMs?: number;
  idempotencySweepIntervalMs?: number;
  idempotencySweepBatchSize?: number;
}): IdempotencyRetentionSettings {
  const retentionMs = positiveInteger(
    'idempotencyRetentionMs',
    options.idempotencyRetentionMs ?? defaultRetentionMs,
  );
  const leaseMs = options.idempotencyLeaseMs ?? defaultIdempotencyLeaseMs;
  // A shorter retention would forget claims whose requests may still be running.
  if (retentionMs < leaseMs) {
    throw new Error(
      `idempotencyRetentionMs (${retentionMs}) must not be shorter than idempotencyLeaseMs (${leaseMs})`,
    );
  }
  return {
    retentionMs,
    intervalMs: positiveInteger(
      'idempotencySweepIntervalMs',
      options.idempotencySweepIntervalMs ?? defaultIntervalMs,
      maxTimerMs,
    ),
    batchSize: positiveInteger(
      'idempotencySweepBatchSize',
      options.idempotencySweepBatchSize ?? defaultBatchSize,
    ),
  };
}

export type IdempotencyKeySweeper = PeriodicWorker;

/**
 * Deletes expired Idempotency-Key records every `intervalMs`, never two
 * rounds at once. A round deletes in batches of `batchSize` (each its own
 * short statement, so no lock is held for long and PGlite's one connection
 * is shared with requests in between) until a batch comes back short, or the
 * sweeper is stopped. A failed round is logged and the next one tries again.
 */
export function idempotencyKeySweeper(
  retention: IdempotencyKeyRetention,
  settings: IdempotencyRetentionSettings,
  logger: Logger,
): IdempotencyKeySweeper {
  return periodicWorker({
    async round(stopping) {
      let deleted = 0;
      for (;;) {
        const batch = await retention.pruneExpired(settings.retentionMs, settings.batchSize);
        deleted += batch;
        if (batch < settings.batchSize || stopping()) return deleted;
      }
    },
    intervalMs: settings.intervalMs,
    logger,
    done: { field: 'deleted', message: 'pruned expired Idempotency-Keys' },
    failed: 'Idempotency-Key sweep failed',
  });
}
