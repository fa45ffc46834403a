import type { Logger } from '@stratum/platform';

export interface RecoveryWorker {
  start(): void;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
  /** One round now (tests, and a process that wants to catch up at start-up). */
  runOnce(): Promise<number>;
}

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
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  const runOnce = () => {
    running ??= resumeDue()
      .then((resumed) => {
        if (resumed > 0) logger.info({ resumed }, 'resumed checkout sagas');
        return resumed;
      })
      .catch((err: unknown) => {
        logger.warn({ err }, 'checkout recovery round failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void runOnce(), intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
    runOnce,
  };
}
