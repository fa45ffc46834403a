import { z } from 'zod';

/**
 * One operation of a module's remote contract: the arguments that follow the
 * call context (as one tuple schema), the result's schema, and whether a
 * caller may retry it. `idempotent` may depend on the arguments (a receipt
 * number is idempotent only when the call names a reference).
 */
export interface OperationSpec {
  readonly args: z.ZodType<unknown[]>;
  readonly result: z.ZodType;
  readonly idempotent: boolean | ((args: readonly unknown[]) => boolean);
}

/**
 * The part of a module's API that other modules may call across a process
 * boundary. From it the chassis derives the HTTP binding
 * (`serveRemoteContract`) and the typed client (`remoteClient`); in one
 * process the module's API object is used directly, so a call behaves the same
 * in every deployment shape.
 */
export interface RemoteContract<Api, K extends keyof Api & string> {
  readonly module: string;
  readonly operations: { readonly [P in K]: OperationSpec };
  /** Type-level only: the API the client implements. */
  readonly api?: Pick<Api, K>;
}

/**
 * Declares a module's remote contract:
 * `defineRemoteContract<StoreOpsApi>()('store-ops', { getStore: {...} })`.
 * Curried so that the API type is given and the operation names are inferred.
 */
export function defineRemoteContract<Api>() {
  return <const K extends keyof Api & string>(
    module: string,
    operations: { readonly [P in K]: OperationSpec },
  ): RemoteContract<Api, K> => ({ module, operations });
}

/** Whether a call with these arguments may be retried. */
export function isIdempotent(spec: OperationSpec, args: readonly unknown[]): boolean {
  return typeof spec.idempotent === 'function' ? spec.idempotent(args) : spec.idempotent;
}

/** The path an operation is served under. Internal: not part of the public API. */
export function operationPath(module: string, operation: string): string {
  return `/internal/v1/${module}/${operation}`;
}

/** The permission a service token carries and every internal route requires. */
export const INTERNAL_CALL = 'internal:call';

/** Header carrying the caller's remaining time budget, in ms. */
export const DEADLINE_HEADER = 'x-stratum-deadline-ms';

/** The actor of a call, as it travels with it. */
export const actorSchema = z.object({
  kind: z.enum(['user', 'service', 'system']),
  id: z.string().min(1).max(200),
  roles: z.array(z.string().max(100)).max(100),
  permissions: z.array(z.string().max(200)).max(1000),
  stores: z.array(z.string().max(100)).max(10_000),
  sessionId: z.string().max(200).optional(),
  name: z.string().max(120).optional(),
});
