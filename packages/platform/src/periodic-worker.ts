import type { Logger } from './logger.ts';

export interface PeriodicWorker {
  start(): void;
  /** Stops the timer and waits for a round in progress (which `stopping()` tells to wind up). */
  stop(): Promise<void>;
  /** One round now (tests, operators); joins the round in progress if there is one. */
  runOnce(): Promise<number>;
}

export interface PeriodicWorkerOptions {
  /**
   * One round of the work; answers how much it did. A long round checks
   * `stopping()` between its pieces and ends early once the worker is stopped.
   */
  round: (stopping: () => boolean) => Promise<number>;
  intervalMs: number;
  logger: Logger;
  /** Logged after a round that did something, as `{ [field]: count }`. */
  done: { field: string; message: string };
  /** Logged (warn) when a round fails; the next one tries again. */
  failed: string;
}

/**
 * Runs `round` every `intervalMs`, never two rounds at once. A failed round
 * is logged and the next one tries again; the timer does not keep the
 * process alive.
 */
export function periodicWorker(options: PeriodicWorkerOptions): PeriodicWorker {
  const { round, intervalMs, logger, done, failed } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopping = false;
  const runOnce = () => {
    running ??= round(() => stopping)
      .then((count) => {
        if (count > 0) logger.info({ [done.field]: count }, done.message);
        return count;
      })
      .catch((err: unknown) => {
        logger.warn({ err }, failed);
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
      stopping = true;
      try {
        await running;
      } finally {
        stopping = false;
      }
    },
    runOnce,
  };
}
