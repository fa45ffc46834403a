import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, INTERNAL_CALL, signAccessToken, type IssuedToken } from '@stratum/platform';
import type { IdentityDeps } from './deps.ts';

/** Service tokens are not a tenant's: the call they carry names its tenant. */
export const SERVICE_TENANT = '00000000-0000-0000-0000-000000000000';

/**
 * A short-lived access token for a Stratum service (a process hosting some
 * modules) to call other modules' internal endpoints. Signed with the same
 * keys as user tokens, so every process verifies it against the same JWKS;
 * it carries only the `internal:call` permission, which no user role holds.
 */
export function issueServiceToken(deps: IdentityDeps) {
  return async (service: string): Promise<IssuedToken> => {
    const { token, expiresAt } = await signAccessToken(
      deps.keys.signingKey(),
      {
        sub: `service:${service}`,
        tid: SERVICE_TENANT,
        roles: ['service'],
        perms: [INTERNAL_CALL],
        stores: ['*'],
        sid: `svc_${randomBytes(9).toString('base64url')}`,
        act: 'service',
      },
      { ...deps.settings, accessTtlSeconds: deps.settings.serviceTokenTtlSeconds ?? 300 },
      deps.clock.now(),
    );
    return { token, expiresAt };
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Exchanges the shared service secret for a service token (the client
 * credentials of the services shape). Refused when no secret is configured,
 * and rate-limited per address like a login.
 */
export function exchangeServiceSecret(deps: IdentityDeps) {
  const issue = issueServiceToken(deps);
  return async (
    input: { service: string; secret: string },
    meta: { ip: string },
  ): Promise<{ accessToken: string; expiresAt: string }> => {
    const expected = deps.settings.serviceSecret;
    if (!expected) {
      throw new DomainError(
        'service-tokens-disabled',
        'This deployment has no service secret: module endpoints are not offered.',
        'forbidden',
      );
    }
    await deps.limiter.consume([{ limit: deps.settings.limits.loginPerIp, key: meta.ip }]);
    if (!timingSafeEqual(digest(input.secret), digest(expected))) {
      throw new DomainError(
        'invalid-service-secret',
        'The service secret is wrong.',
        'unauthenticated',
      );
    }
    const issued = await issue(input.service);
    return { accessToken: issued.token, expiresAt: issued.expiresAt.toISOString() };
  };
}
