import { periodicWorker, type Logger, type PeriodicWorker } from '@stratum/platform';

export type Sweeper = PeriodicWorker;

/** Runs `round` every `intervalMs`, never two rounds at once; failures are logged and retried. */
export function intervalSweeper(
  round: () => Promise<number>,
  intervalMs: number,
  logger: Logger,
): Sweeper {
  return periodicWorker({
    round: () => round(),
    intervalMs,
    logger,
    done: { field: 'expired', message: 'expired lapsed reservations' },
    failed: 'reservation sweep failed',
  });
}
