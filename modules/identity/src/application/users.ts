import { cursorScope, hashSecret, newId, toPage } from '@stratum/platform';
import { raise, identityEvents, type Caller, type IdentityApi, type Role } from '../contract.ts';
import { canAssignRoles, canManageUser, removesLastOwner } from '../domain/roles.ts';
import type { IdentityDeps } from './deps.ts';
import type { IdentityRepository, UserPatch, UserRecord } from './ports.ts';
import { revokeAccess } from './sessions.ts';
import { toUserView } from './views.ts';

async function manageable(
  repo: IdentityRepository,
  caller: Caller,
  userId: string,
): Promise<UserRecord> {
  const user = await repo.findUser(userId);
  if (!user) raise('user-not-found', 'No such user.');
  if (!canManageUser(caller.roles, user.roles)) {
    raise('user-not-manageable', 'Your role may not change this user.');
  }
  return user;
}

export function listUsers(deps: IdentityDeps): IdentityApi['listUsers'] {
  return (caller, query) =>
    deps.store.inTenant(caller.tenantId, async (repo) => {
      const cursors = cursorScope('users', query.sort);
      const after = cursors.decodeId(query.cursor);
      const rows = await repo.listUsers({ ...query, limit: query.limit + 1 }, after);
      return toPage(
        rows,
        query.limit,
        toUserView,
        cursors.keyOf((u) => [u.id]),
      );
    });
}

export function getUser(deps: IdentityDeps): IdentityApi['getUser'] {
  return (caller, userId) =>
    deps.store.inTenant(caller.tenantId, async (repo) => {
      const user = await repo.findUser(userId);
      if (!user) raise('user-not-found', 'No such user.');
      return toUserView(user);
    });
}

export function createUser(deps: IdentityDeps): IdentityApi['createUser'] {
  return async (caller, input) => {
    if (!canAssignRoles(caller.roles, input.roles)) {
      raise('role-not-assignable', `Your role may not grant ${input.roles.join(', ')}.`);
    }
    const [passwordHash, pinHash] = await Promise.all([
      input.password ? hashSecret(input.password) : null,
      input.pin ? hashSecret(input.pin) : null,
    ]);
    return deps.store.inTenant(caller.tenantId, async (repo) => {
      const user = await repo.insertUser({
        id: newId(),
        tenantId: caller.tenantId,
        email: input.email ?? null,
        displayName: input.displayName,
        roles: dedupe(input.roles),
        storeIds: input.storeIds ?? null,
        passwordHash,
        pinHash,
      });
      await repo.emit(identityEvents.userCreated, {
        userId: user.id,
        displayName: user.displayName,
        roles: user.roles,
      });
      return toUserView(user);
    });
  };
}

function dedupe(roles: readonly Role[]): Role[] {
  return [...new Set(roles)];
}

export function updateUser(deps: IdentityDeps): IdentityApi['updateUser'] {
  return async (caller, userId, input) => {
    if (input.roles && !canAssignRoles(caller.roles, input.roles)) {
      raise('role-not-assignable', `Your role may not grant ${input.roles.join(', ')}.`);
    }
    const [passwordHash, pinHash] = await Promise.all([
      input.password ? hashSecret(input.password) : undefined,
      input.pin ? hashSecret(input.pin) : undefined,
    ]);
    return deps.store.inTenant(caller.tenantId, async (repo) => {
      const user = await manageable(repo, caller, userId);
      const patch: UserPatch = {
        ...(input.displayName !== undefined && { displayName: input.displayName }),
        ...(input.roles && { roles: dedupe(input.roles) }),
        ...(input.storeIds !== undefined && { storeIds: input.storeIds }),
        ...(passwordHash && { passwordHash }),
        ...(pinHash && { pinHash }),
      };
      if (patch.roles) {
        const owners = user.roles.includes('owner') ? await repo.lockActiveOwners() : 0;
        if (removesLastOwner(owners, user, { roles: patch.roles, active: user.active })) {
          raise('last-owner', 'The tenant must keep at least one active owner.');
        }
      }
      const updated = await repo.updateUser(userId, patch);
      await repo.emit(identityEvents.userUpdated, {
        userId,
        displayName: updated.displayName,
        roles: updated.roles,
        storeIds: updated.storeIds,
      });
      return toUserView(updated);
    });
  };
}

export function deactivateUser(deps: IdentityDeps): IdentityApi['deactivateUser'] {
  return async (caller, userId) => {
    if (userId === caller.userId)
      raise('cannot-deactivate-self', 'You cannot deactivate yourself.');
    const { view, revoked } = await deps.store.inTenant(caller.tenantId, async (repo) => {
      const user = await manageable(repo, caller, userId);
      const owners = user.roles.includes('owner') ? await repo.lockActiveOwners() : 0;
      if (removesLastOwner(owners, user, { roles: user.roles, active: false })) {
        raise('last-owner', 'The tenant must keep at least one active owner.');
      }
      const updated = await repo.updateUser(userId, { active: false });
      const revoked = await repo.revokeSessions({ userId }, 'user-deactivated');
      if (user.active) await repo.emit(identityEvents.userDeactivated, { userId });
      return { view: toUserView(updated), revoked };
    });
    await revokeAccess(deps, revoked);
    return view;
  };
}

export function reactivateUser(deps: IdentityDeps): IdentityApi['reactivateUser'] {
  return (caller, userId) =>
    deps.store.inTenant(caller.tenantId, async (repo) => {
      const user = await manageable(repo, caller, userId);
      const updated = await repo.updateUser(userId, { active: true });
      if (!user.active) await repo.emit(identityEvents.userReactivated, { userId });
      return toUserView(updated);
    });
}
