import type { StratumApp } from './app.ts';
import { makeProblem, sendProblem } from './problem.ts';

/** A dependency check: resolves when the dependency answers, rejects otherwise. */
export type HealthCheck = () => Promise<void>;

export interface HealthOptions {
  checks: Record<string, HealthCheck>;
  isDraining: () => boolean;
  /** Per-check time limit, in ms. */
  timeoutMs?: number;
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health/live`: the process can answer. `/health/ready`: every dependency
 * this process uses answers and it is not shutting down.
 */
export function registerHealth(app: StratumApp, options: HealthOptions): void {
  const timeoutMs = options.timeoutMs ?? 2000;
  app.get('/health/live', { schema: { hide: true } }, () => ({ status: 'live' }));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    if (options.isDraining()) {
      return sendProblem(reply, makeProblem(503, 'shutting-down', 'The process is shutting down.'));
    }
    const names = Object.keys(options.checks);
    const results = await Promise.all(
      names.map((name) => runCheck(options.checks[name] as HealthCheck, timeoutMs)),
    );
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    if (results.every((r) => r === 'up')) return { status: 'ready', checks };
    return sendProblem(
      reply,
      makeProblem(503, 'not-ready', 'A dependency is not answering.', { checks }),
    );
  });
}
