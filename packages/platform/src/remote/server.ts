import { z } from 'zod';
import { DomainError } from '../errors.ts';
import type { StratumApp } from '../http/app.ts';
import { principalOf } from '../http/access.ts';
import type { CallContext } from '../module.ts';
import {
  actorSchema,
  DEADLINE_HEADER,
  INTERNAL_CALL,
  operationPath,
  type RemoteContract,
} from './contract.ts';

const deadlineExceeded = () =>
  new DomainError(
    'deadline-exceeded',
    'The caller’s time budget ran out before the call started.',
    'unavailable',
  );

/** The caller's remaining budget from the deadline header, if it sent one. */
function budgetOf(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  const ms = Number(header);
  return Number.isFinite(ms) ? Math.floor(ms) : undefined;
}

/**
 * Serves a module's remote contract: `POST /internal/v1/<module>/<operation>`
 * with `{ tenantId, actor, args }`. Only a service token (permission
 * `internal:call`, verified like every token against the identity keys)
 * gets in; the tenant and actor in the body are then the ones the call is made
 * for, as in-process. The caller's deadline becomes this request's deadline,
 * so the module's own outgoing calls spend only what is left. Errors leave as
 * problem documents and the client turns them back into the same DomainErrors.
 */
export function serveRemoteContract<Api, K extends keyof Api & string>(
  app: StratumApp,
  contract: RemoteContract<Api, K>,
  api: Pick<Api, K>,
): void {
  for (const name of Object.keys(contract.operations) as K[]) {
    const spec = contract.operations[name];
    const operation = api[name] as unknown as (
      ctx: CallContext,
      ...args: unknown[]
    ) => Promise<unknown>;
    if (typeof operation !== 'function') {
      throw new Error(`${contract.module} has no operation ${name} to serve`);
    }
    app.post(
      operationPath(contract.module, name),
      {
        config: { access: { permission: INTERNAL_CALL } },
        schema: {
          hide: true,
          body: z.object({ tenantId: z.uuid(), actor: actorSchema, args: spec.args }),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        if (principal.actor.kind !== 'service') {
          throw new DomainError(
            'service-token-required',
            'Module endpoints take service tokens only.',
            'forbidden',
          );
        }
        const budget = budgetOf(request.headers[DEADLINE_HEADER]);
        if (budget !== undefined) {
          if (budget <= 0) throw deadlineExceeded();
          request.ctx.deadline = Date.now() + budget;
        }
        const { tenantId, actor } = request.body;
        request.ctx.tenantId = tenantId;
        request.ctx.actor = actor;
        const result = await operation.call(api, { tenantId, actor }, ...request.body.args);
        // Sent as is: the caller validates it against the same contract.
        return reply.type('application/json').send(JSON.stringify(result ?? null));
      },
    );
  }
}
