import { z } from 'zod';
import { DomainError } from '../errors.ts';

/** Where a process gets the service token it presents to other modules. */
export interface ServiceTokens {
  /** A token valid for at least a little while; cached between calls. */
  token(): Promise<string>;
  /** Forgets the cached token (the callee refused it, e.g. after a key rotation). */
  invalidate(): void;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Caches what `issue` hands out and asks again shortly before it expires;
 * concurrent callers share one request.
 */
export function cachedServiceTokens(
  issue: () => Promise<IssuedToken>,
  options: { refreshBeforeMs?: number; now?: () => number } = {},
): ServiceTokens {
  const refreshBefore = options.refreshBeforeMs ?? 60_000;
  const now = options.now ?? Date.now;
  let current: IssuedToken | undefined;
  let pending: Promise<string> | undefined;
  return {
    token() {
      if (current && current.expiresAt.getTime() - refreshBefore > now()) {
        return Promise.resolve(current.token);
      }
      pending ??= issue().then(
        (issued) => {
          current = issued;
          pending = undefined;
          return issued.token;
        },
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return pending;
    },
    invalidate() {
      current = undefined;
    },
  };
}

const issuedSchema = z.object({ accessToken: z.string(), expiresAt: z.iso.datetime() });

/**
 * Service tokens from a remote identity module: the service's name and the
 * shared service secret buy a short-lived token signed with identity's keys,
 * which every module verifies against the same JWKS as user tokens.
 */
export function identityServiceTokens(options: {
  identityUrl: string;
  service: string;
  secret: string;
  timeoutMs?: number;
}): ServiceTokens {
  return cachedServiceTokens(async () => {
    let response: Response;
    try {
      response = await fetch(new URL('/api/v1/identity/service-tokens', options.identityUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: options.service, secret: options.secret }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
    } catch (err) {
      throw new DomainError(
        'service-token-unavailable',
        'The identity module could not be reached for a service token.',
        'unavailable',
        { cause: err instanceof Error ? err.message : String(err) },
      );
    }
    const body: unknown = await response.json().catch(() => undefined);
    const issued = issuedSchema.safeParse(body);
    if (!response.ok || !issued.success) {
      const code = (body as { code?: unknown } | undefined)?.code;
      throw new DomainError(
        'service-token-refused',
        `The identity module refused a service token (${response.status}${typeof code === 'string' ? ` ${code}` : ''}).`,
        response.status >= 500 ? 'unavailable' : 'unauthenticated',
      );
    }
    return { token: issued.data.accessToken, expiresAt: new Date(issued.data.expiresAt) };
  });
}
