import type { Logger } from './logger.ts';

export interface LifecycleOptions {
  logger: Logger;
  /** Stops accepting connections and resolves when in-flight requests are done. */
  closeServer: () => Promise<void>;
  /** Cuts the connections still open when the deadline passes. */
  forceCloseServer?: () => void;
  /** Background work to finish after the server closed (outbox relay drain). */
  drainers?: readonly (() => Promise<void>)[];
  /** Resources to release last (database pools). */
  closers?: readonly (() => Promise<void>)[];
  /** Time for in-flight requests to finish, in ms. */
  deadlineMs?: number;
  /** Time to stay up but unready, so load balancers stop routing here first, in ms. */
  drainDelayMs?: number;
}

export interface Lifecycle {
  readonly draining: boolean;
  /** Runs the shutdown sequence once; later calls return the same promise. */
  shutdown(reason: string): Promise<void>;
  /** SIGTERM / SIGINT run the shutdown and exit 0 (1 if shutdown itself failed). */
  installSignalHandlers(exit?: (code: number) => void): void;
}

/**
 * Graceful shutdown: turn unready, stop accepting, let in-flight requests
 * finish within the deadline, drain background work, close pools.
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { logger } = options;
  const deadlineMs = options.deadlineMs ?? 10_000;
  let draining = false;
  let shutdownPromise: Promise<void> | undefined;

  async function sequence(reason: string): Promise<void> {
    const started = Date.now();
    logger.info({ reason }, 'shutting down');
    if (options.drainDelayMs) await new Promise((r) => setTimeout(r, options.drainDelayMs));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const closeServer = async () => {
      try {
        const closed = options.closeServer().then(() => 'closed' as const);
        if ((await Promise.race([closed, deadline])) === 'deadline') {
          logger.warn(
            { deadlineMs },
            'in-flight requests did not finish in time; closing connections',
          );
          options.forceCloseServer?.();
          await closed;
        }
      } finally {
        clearTimeout(timer);
      }
    };
    // Every step runs even if an earlier one failed, so resources are always released;
    // the first failure is reported once all have run.
    const failures: unknown[] = [];
    for (const step of [closeServer, ...(options.drainers ?? []), ...(options.closers ?? [])]) {
      try {
        await step();
      } catch (err) {
        logger.error({ err }, 'shutdown step failed');
        failures.push(err);
      }
    }
    if (failures.length > 0) {
      const [first] = failures;
      throw first instanceof Error ? first : new Error(`shutdown step failed: ${String(first)}`);
    }
    logger.info({ ms: Date.now() - started }, 'shutdown complete');
  }

  return {
    get draining() {
      return draining;
    },
    shutdown(reason) {
      draining = true;
      shutdownPromise ??= sequence(reason);
      return shutdownPromise;
    },
    installSignalHandlers(exit = (code) => process.exit(code)) {
      const onSignal = (signal: NodeJS.Signals) => {
        this.shutdown(signal).then(
          () => exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            exit(1);
          },
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
  };
}
