import type { Role } from '../contract.ts';

/** Permission → roles that hold it, gathered from every module's manifest. */
export type PermissionCatalog = Readonly<Record<string, readonly string[]>>;

/** The permissions a set of roles grants, sorted and without duplicates. */
export function permissionsOf(roles: readonly Role[], catalog: PermissionCatalog): string[] {
  const granted = new Set<string>();
  for (const [permission, holders] of Object.entries(catalog)) {
    if (roles.some((r) => holders.includes(r))) granted.add(permission);
  }
  return [...granted].sort();
}

/** Roles a manager may hand out; only an owner may create owners or managers. */
const managerAssignable: readonly Role[] = ['cashier', 'kitchen'];

export function canAssignRoles(actorRoles: readonly Role[], target: readonly Role[]): boolean {
  if (actorRoles.includes('owner')) return true;
  if (actorRoles.includes('manager')) return target.every((r) => managerAssignable.includes(r));
  return false;
}

/** Whether an actor may change a user who currently holds `targetRoles`. */
export function canManageUser(actorRoles: readonly Role[], targetRoles: readonly Role[]): boolean {
  return canAssignRoles(actorRoles, targetRoles);
}

/**
 * Whether a change would leave the tenant without an active owner. `activeOwners`
 * counts active owners before the change.
 */
export function removesLastOwner(
  activeOwners: number,
  user: { roles: readonly Role[]; active: boolean },
  after: { roles: readonly Role[]; active: boolean },
): boolean {
  const wasOwner = user.active && user.roles.includes('owner');
  const staysOwner = after.active && after.roles.includes('owner');
  return wasOwner && !staysOwner && activeOwners <= 1;
}

/** The stores a session may act in: all the user's stores, or one store on a device. */
export function sessionStores(
  userStores: readonly string[] | null,
  deviceStore?: string,
): string[] | undefined {
  if (deviceStore === undefined) return userStores ? [...userStores] : ['*'];
  if (userStores && !userStores.includes(deviceStore)) return undefined;
  return [deviceStore];
}
