import { newId, newOpaqueToken, signAccessToken } from '@stratum/platform';
import type { TokenPair } from '../contract.ts';
import { permissionsOf } from '../domain/roles.ts';
import type { IdentityDeps } from './deps.ts';
import type { IdentityRepository, SessionRecord, UserRecord } from './ports.ts';

/**
 * Issues an access token for the user's current roles and a fresh refresh
 * token in the session's family. Roles and permissions are read now, so a
 * role change takes effect at the next refresh.
 */
export async function issueTokens(
  deps: IdentityDeps,
  repo: IdentityRepository,
  user: UserRecord,
  session: Pick<SessionRecord, 'id' | 'stores' | 'expiresAt'>,
): Promise<TokenPair> {
  const now = deps.clock.now();
  const { token, hash } = newOpaqueToken('rt');
  const refreshExpiry = new Date(
    Math.min(now.getTime() + deps.settings.refreshTtlSeconds * 1000, session.expiresAt.getTime()),
  );
  await repo.insertRefreshToken({
    id: newId(),
    sessionId: session.id,
    tokenHash: hash,
    expiresAt: refreshExpiry,
    usedAt: null,
  });
  const access = await signAccessToken(
    deps.keys.signingKey(),
    {
      sub: user.id,
      tid: user.tenantId,
      roles: user.roles,
      perms: permissionsOf(user.roles, deps.permissions),
      stores: session.stores,
      sid: session.id,
      act: 'user',
      name: user.displayName,
    },
    deps.settings,
    now,
  );
  return {
    tokenType: 'Bearer',
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: token,
    refreshTokenExpiresAt: refreshExpiry.toISOString(),
  };
}

/** Opens a new session (refresh-token family) and issues its first tokens. */
export async function openSession(
  deps: IdentityDeps,
  repo: IdentityRepository,
  user: UserRecord,
  session: Pick<SessionRecord, 'kind' | 'deviceId' | 'stores'>,
): Promise<TokenPair> {
  const ttl =
    session.kind === 'pin' ? deps.settings.pinSessionTtlSeconds : deps.settings.sessionTtlSeconds;
  const record = {
    id: newId(),
    userId: user.id,
    ...session,
    expiresAt: new Date(deps.clock.now().getTime() + ttl * 1000),
  };
  await repo.insertSession(record);
  return issueTokens(deps, repo, user, record);
}
