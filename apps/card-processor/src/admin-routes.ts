import type { FastifyInstance } from 'fastify';
import { faultPatchSchema } from './faults.ts';
import { parse } from './http.ts';
import type { ProcessorState } from './state.ts';
import type { ProcessorStats } from './stats.ts';

/**
 * Sandbox controls, without an api key: tests and developers steer the processor through
 * them. Never faulted, so a test can always turn faults off again.
 */
export function adminRoutes(state: ProcessorState) {
  return (app: FastifyInstance) => {
    app.get('/faults', () => state.faults.settings);

    app.put('/faults', (request) =>
      state.faults.update(parse(faultPatchSchema, request.body ?? {}, 'body')),
    );

    // Faults go back to the start-up settings (the environment's), not to zero: a processor
    // started flaky stays flaky for the next test.
    app.post('/reset', (_request, reply) => {
      state.ledger.clear();
      state.keys.clear();
      state.faults.reset();
      state.counter.reset();
      return reply.code(204).send();
    });

    app.get('/stats', (): ProcessorStats => ({
      ...state.counter.snapshot(),
      payments: state.ledger.size,
      faultsInjected: state.faults.injected,
    }));
  };
}
