import type { Logger } from '@stratum/platform';

export interface Sweeper {
  start(): void;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

/** Runs `round` every `intervalMs`, never two rounds at once; failures are logged and retried. */
export function intervalSweeper(
  round: () => Promise<number>,
  intervalMs: number,
  logger: Logger,
): Sweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = round()
      .then((expired) => {
        if (expired > 0) logger.info({ expired }, 'expired lapsed reservations');
      })
      .catch((err: unknown) => logger.warn({ err }, 'reservation sweep failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
