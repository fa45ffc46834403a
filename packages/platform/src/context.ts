import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting: a user (with roles and permissions) or the system itself. */
export interface Actor {
  readonly kind: 'user' | 'service' | 'system';
  readonly id: string;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  /** Store ids the actor may act in; `'*'` means every store of the tenant. */
  readonly stores: readonly string[];
  /** Session (refresh-token family) the access token belongs to. */
  readonly sessionId?: string;
  /** A user's display name, when the token carries it. */
  readonly name?: string;
}

/**
 * Everything a unit of work needs to know about who asked and why. Held in
 * AsyncLocalStorage so that logs, transactions and outgoing events pick it up
 * without threading it through every call.
 */
export interface RequestContext {
  requestId: string;
  traceId?: string;
  tenantId?: string;
  actor?: Actor;
  module?: string;
  correlationId?: string;
  causationId?: string;
  /**
   * Epoch ms by which the caller needs an answer (a remote caller's budget);
   * outgoing remote calls spend only what is left of it.
   */
  deadline?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The context of the current async call chain, if any. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Sets fields on the current context (e.g. the tenant once a token is verified). */
export function enrichContext(fields: Partial<RequestContext>): void {
  const ctx = storage.getStore();
  if (ctx) Object.assign(ctx, fields);
}

/** Runs `fn` in a copy of the current context with some fields replaced. */
export function withContext<T>(fields: Partial<RequestContext>, fn: () => T): T {
  const base = storage.getStore() ?? { requestId: fields.requestId ?? 'internal' };
  return storage.run({ ...base, ...fields }, fn);
}
