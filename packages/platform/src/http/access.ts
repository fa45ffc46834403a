import type { FastifyRequest } from 'fastify';
import type { Actor } from '../context.ts';
import { DomainError } from '../errors.ts';

/**
 * What a route requires. Every `/api` route must say so: a route that forgets
 * fails at start-up instead of silently becoming public.
 */
export type Access = 'public' | 'authenticated' | { permission: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A verified caller: the tenant they act in and who they are. */
export interface Principal {
  readonly tenantId: string;
  readonly actor: Actor;
}

/**
 * Turns a bearer credential into a principal, or rejects with a 401
 * DomainError. A credential verified before may come back synchronously, so
 * that the common request allocates no promise; it never throws synchronously.
 */
export interface Authenticator {
  authenticate(bearer: string): Principal | Promise<Principal>;
  /**
   * Whether a principal this authenticator returned still stands now: its
   * token has not expired and its session is not revoked (`false` for one it
   * does not know). A caller that remembers which credential gave which
   * principal (the fast lane, per connection) asks this instead of looking the
   * credential up again. A promise when the revocation list is remote.
   */
  stillValid?(principal: Principal): boolean | Promise<boolean>;
}

export const authErrors = {
  missing: () =>
    new DomainError('unauthenticated', 'A bearer token is required.', 'unauthenticated'),
  denied: (permission: string) =>
    new DomainError(
      'permission-denied',
      `This action requires the "${permission}" permission.`,
      'forbidden',
      { permission },
    ),
};

export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' && value ? value.trim() : undefined;
}

export function hasPermission(actor: Actor, permission: string): boolean {
  return actor.permissions.includes(permission);
}

/** The call context (tenant + actor) of an authenticated route, for a module API. */
export function callContextOf(request: FastifyRequest): { tenantId: string; actor: Actor } {
  const { tenantId, actor } = principalOf(request);
  return { tenantId, actor };
}

/** The principal of an authenticated route; throws if the route was public. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw authErrors.missing();
  return request.principal;
}
