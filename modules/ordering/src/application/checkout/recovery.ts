import { periodicWorker, type Logger, type PeriodicWorker } from '@stratum/platform';

export type RecoveryWorker = PeriodicWorker;

/**
 * Resumes checkout sagas whose lease has lapsed (a crashed process, a retry
 * that is due), every `intervalMs`, never two rounds at once. A failing round
 * is logged and the next one tries again: no saga is ever given up.
 */
export function recoveryWorker(
  resumeDue: () => Promise<number>,
  intervalMs: number,
  logger: Logger,
): RecoveryWorker {
  return periodicWorker({
    round: () => resumeDue(),
    intervalMs,
    logger,
    done: { field: 'resumed', message: 'resumed checkout sagas' },
    failed: 'checkout recovery round failed',
  });
}
