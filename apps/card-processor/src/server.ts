import Fastify, { type FastifyInstance } from 'fastify';
import { adminRoutes } from './admin-routes.ts';
import { apiRoutes } from './api-routes.ts';
import { defaultApiKey } from './config.ts';
import type { ErrorBody } from './errors.ts';
import { createFaults, type FaultSettings } from './faults.ts';
import { errorHandler } from './http.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { createLedger } from './ledger.ts';
import type { ProcessorState } from './state.ts';
import { createRequestCounter } from './stats.ts';

export interface ProcessorOptions {
  /** The only api key accepted; `sk_sandbox_stratum` unless set. */
  apiKey?: string;
  /** Fault settings at start-up and after `POST /admin/reset`. No seed: a random one. */
  faults?: Partial<FaultSettings>;
  /** The clock behind `createdAt`. */
  now?: () => Date;
  /** Told about errors that are sandbox bugs (answered 500 `internal-error`). */
  onUnexpectedError?: (error: unknown) => void;
  /**
   * Adds hooks to the app before any route exists: the platform's
   * `traceFastify` when telemetry is on, so each request continues the
   * caller's trace in a SERVER span.
   */
  instrument?: (app: FastifyInstance) => void;
}

/**
 * The sandbox card processor as a Fastify app, not listening: `app.inject` for tests,
 * `app.listen` to serve. All state is in memory and belongs to this app.
 */
export function buildProcessor(options: ProcessorOptions = {}): FastifyInstance {
  const closing = new AbortController();
  const state: ProcessorState = {
    apiKey: options.apiKey ?? defaultApiKey,
    ledger: createLedger(),
    keys: createIdempotencyStore(),
    faults: createFaults(options.faults),
    counter: createRequestCounter(),
    now: options.now ?? (() => new Date()),
    closing: closing.signal,
  };
  const onUnexpectedError =
    options.onUnexpectedError ??
    ((error: unknown) => {
      process.stderr.write(`card processor: unexpected error: ${String(error)}\n`);
    });

  const app = Fastify({ logger: false });
  options.instrument?.(app);
  app.setErrorHandler(errorHandler(onUnexpectedError));
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      code: 'not-found',
      message: `No route ${request.method} ${request.url.split('?')[0]}.`,
    };
    return reply.code(404).send(body);
  });
  // Hanging requests would otherwise hold the shutdown for their whole hangMs.
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });

  app.get('/health', () => ({ status: 'ok' }));
  void app.register(adminRoutes(state), { prefix: '/admin' });
  void app.register(apiRoutes(state), { prefix: '/v1' });
  return app;
}
