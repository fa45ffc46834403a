import {
  burnVerification,
  hashOpaqueToken,
  hashSecret,
  newId,
  verifySecret,
} from '@stratum/platform';
import {
  raise,
  identityEvents,
  type Caller,
  type IdentityApi,
  type LoginInput,
  type RequestMeta,
  type SignUpInput,
} from '../contract.ts';
import { decideRefresh } from '../domain/refresh.ts';
import { permissionsOf, sessionStores } from '../domain/roles.ts';
import type { IdentityDeps } from './deps.ts';
import type { IdentityRepository } from './ports.ts';
import { issueTokens, openSession } from './issue-tokens.ts';
import { toUserView } from './views.ts';

export function signUp(deps: IdentityDeps): IdentityApi['signUp'] {
  return async (input: SignUpInput, meta: RequestMeta) => {
    await deps.limiter.consume([{ limit: deps.settings.limits.signupPerIp, key: meta.ip }]);
    const passwordHash = await hashSecret(input.password);
    const tenantId = newId();
    return deps.store.inTenant(tenantId, async (repo) => {
      const tenant = await repo.insertTenant({ id: tenantId, name: input.businessName });
      const user = await repo.insertUser({
        id: newId(),
        tenantId,
        email: input.ownerEmail,
        displayName: input.ownerName ?? input.ownerEmail,
        roles: ['owner'],
        storeIds: null,
        passwordHash,
        pinHash: null,
      });
      await repo.emit(identityEvents.tenantRegistered, {
        tenantId,
        name: tenant.name,
        ownerUserId: user.id,
      });
      const tokens = await openSession(deps, repo, user, {
        kind: 'password',
        deviceId: null,
        stores: ['*'],
      });
      return { tenant, user: toUserView(user), tokens };
    });
  };
}

export function login(deps: IdentityDeps): IdentityApi['login'] {
  const { limits } = deps.settings;
  return async (input: LoginInput, meta: RequestMeta) => {
    await deps.limiter.consume([
      { limit: limits.loginPerIp, key: meta.ip },
      { limit: limits.loginPerAccount, key: input.email },
    ]);
    const tenantId = await deps.store.tenantOfEmail(input.email);
    if (!tenantId) {
      await burnVerification(input.password);
      raise('invalid-credentials', 'The e-mail address or password is wrong.');
    }
    // argon2 runs between two short transactions, never while one holds a connection.
    const user = await deps.store.inTenant(tenantId, (repo) => repo.findUserByEmail(input.email));
    if (!user?.passwordHash || !(await verifySecret(user.passwordHash, input.password))) {
      raise('invalid-credentials', 'The e-mail address or password is wrong.');
    }
    const tokens = await deps.store.inTenant(tenantId, async (repo) => {
      const current = await repo.findUser(user.id);
      if (!current?.active) raise('account-deactivated', 'This account has been deactivated.');
      return openSession(deps, repo, current, {
        kind: 'password',
        deviceId: null,
        stores: sessionStores(current.storeIds) ?? [],
      });
    });
    await deps.limiter.reset(limits.loginPerAccount, input.email);
    return tokens;
  };
}

export function pinLogin(deps: IdentityDeps): IdentityApi['pinLogin'] {
  const { limits } = deps.settings;
  return async (deviceToken, input, meta) => {
    await deps.limiter.consume([
      { limit: limits.pinPerIp, key: meta.ip },
      { limit: limits.pinPerAccount, key: input.userId },
    ]);
    const hash = hashOpaqueToken(deviceToken);
    const tenantId = await deps.store.tenantOfDeviceToken(hash);
    if (!tenantId) raise('invalid-device', 'This device is not registered.');
    const activeDevice = async (repo: IdentityRepository) => {
      const device = await repo.findDeviceByTokenHash(hash);
      if (!device || device.status !== 'active')
        raise('invalid-device', 'This device is not registered.');
      return device;
    };
    const user = await deps.store.inTenant(tenantId, async (repo) => {
      await activeDevice(repo);
      return repo.findUser(input.userId);
    });
    if (!user?.pinHash || !(await verifySecret(user.pinHash, input.pin))) {
      raise('invalid-credentials', 'The PIN is wrong.');
    }
    const tokens = await deps.store.inTenant(tenantId, async (repo) => {
      const device = await activeDevice(repo);
      const current = await repo.findUser(user.id);
      if (!current?.active) raise('account-deactivated', 'This account has been deactivated.');
      const stores = sessionStores(current.storeIds, device.storeId);
      if (!stores) raise('store-not-allowed', 'This user may not work in the device’s store.');
      await repo.updateDevice(device.id, { seen: true });
      return openSession(deps, repo, current, { kind: 'pin', deviceId: device.id, stores });
    });
    await deps.limiter.reset(limits.pinPerAccount, input.userId);
    return tokens;
  };
}

export function refresh(deps: IdentityDeps): IdentityApi['refresh'] {
  return async (refreshToken) => {
    const hash = hashOpaqueToken(refreshToken);
    const tenantId = await deps.store.tenantOfRefreshToken(hash);
    if (!tenantId) raise('invalid-refresh-token', 'The refresh token is not valid.');
    const outcome = await deps.store.inTenant(tenantId, async (repo) => {
      const token = await repo.findRefreshToken(hash);
      const session = token && (await repo.findSession(token.sessionId));
      const user = session && (await repo.findUser(session.userId));
      if (!token || !session || !user)
        raise('invalid-refresh-token', 'The refresh token is not valid.');
      const state = { ...token, session: { ...session, userActive: user.active } };
      let decision = decideRefresh(state, deps.clock.now());
      if (decision.kind === 'rotate' && !(await repo.markRefreshTokenUsed(token.id))) {
        decision = { kind: 'revoke-family' };
      }
      if (decision.kind === 'revoke-family') {
        const revoked = await repo.revokeSessions(
          { sessionId: session.id },
          'refresh-token-reused',
        );
        return { kind: 'reused' as const, revoked };
      }
      if (decision.kind === 'reject') {
        if (decision.reason === 'user-deactivated')
          raise('account-deactivated', 'This account has been deactivated.');
        raise('invalid-refresh-token', `The refresh token is ${decision.reason}.`);
      }
      return { kind: 'rotated' as const, tokens: await issueTokens(deps, repo, user, session) };
    });
    if (outcome.kind === 'reused') {
      // Committed above: the revocation must stick even though this call fails.
      await revokeAccess(deps, outcome.revoked);
      raise(
        'refresh-token-reused',
        'This refresh token was already used; the session has been ended.',
      );
    }
    return outcome.tokens;
  };
}

/** Stops the access tokens of ended sessions from working before they expire. */
export async function revokeAccess(
  deps: IdentityDeps,
  sessionIds: readonly string[],
): Promise<void> {
  const until = deps.clock.now().getTime() + deps.settings.accessTtlSeconds * 1000;
  for (const id of sessionIds) await deps.revocations.revoke(id, until);
}

export function logout(deps: IdentityDeps): IdentityApi['logout'] {
  return async (caller: Caller) => {
    const revoked = await deps.store.inTenant(caller.tenantId, (repo) =>
      repo.revokeSessions({ sessionId: caller.sessionId }, 'logout'),
    );
    await revokeAccess(deps, revoked.length > 0 ? revoked : [caller.sessionId]);
  };
}

export function me(deps: IdentityDeps): IdentityApi['me'] {
  return (caller) =>
    deps.store.inTenant(caller.tenantId, async (repo) => {
      const user = await repo.findUser(caller.userId);
      const session = await repo.findSession(caller.sessionId);
      if (!user || !session) raise('user-not-found', 'The signed-in user no longer exists.');
      return {
        user: toUserView(user),
        tenant: await repo.getTenant(),
        permissions: permissionsOf(caller.roles, deps.permissions),
        stores: session.stores,
        sessionId: session.id,
      };
    });
}
