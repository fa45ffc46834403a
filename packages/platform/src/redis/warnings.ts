import type { Logger } from '../logger.ts';

/**
 * Logs a warning at most once per `intervalMs` for each message. While Redis
 * is down every request would otherwise write one line, and the log would
 * drown the outage it reports; the next line says how many were left out.
 */
export function throttledWarnings(logger: Logger, intervalMs = 30_000) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (message: string, err?: unknown, fields: Record<string, unknown> = {}) => {
    const now = Date.now();
    const seen = last.get(message);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed += 1;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    last.set(message, { at: now, suppressed: 0 });
    logger.warn({ ...fields, ...(err !== undefined && { err }), suppressed }, message);
  };
}

export type Warn = ReturnType<typeof throttledWarnings>;
