import { describe, expect, it } from 'vitest';
import { canAssignRoles, permissionsOf, removesLastOwner, sessionStores } from './roles.ts';

const catalog = {
  'users:write': ['owner', 'manager'],
  'orders:write': ['owner', 'manager', 'cashier'],
  'kitchen:read': ['kitchen', 'owner'],
};

describe('permissionsOf', () => {
  it('grants the union of every role’s permissions, sorted', () => {
    expect(permissionsOf(['cashier', 'kitchen'], catalog)).toEqual([
      'kitchen:read',
      'orders:write',
    ]);
  });
  it('grants nothing to a role no permission names', () => {
    expect(permissionsOf(['kitchen'], { 'users:write': ['owner'] })).toEqual([]);
  });
});

describe('canAssignRoles', () => {
  it('lets an owner assign any role', () => {
    expect(canAssignRoles(['owner'], ['owner', 'manager'])).toBe(true);
  });
  it('lets a manager assign cashier and kitchen only', () => {
    expect(canAssignRoles(['manager'], ['cashier', 'kitchen'])).toBe(true);
    expect(canAssignRoles(['manager'], ['manager'])).toBe(false);
    expect(canAssignRoles(['manager'], ['owner'])).toBe(false);
  });
  it('lets a cashier assign nothing', () => {
    expect(canAssignRoles(['cashier'], ['cashier'])).toBe(false);
  });
});

describe('removesLastOwner', () => {
  const owner = { roles: ['owner'] as const, active: true };
  it('refuses to deactivate the only active owner', () => {
    expect(removesLastOwner(1, owner, { ...owner, active: false })).toBe(true);
  });
  it('refuses to demote the only active owner', () => {
    expect(removesLastOwner(1, owner, { roles: ['manager'], active: true })).toBe(true);
  });
  it('allows it when another owner remains', () => {
    expect(removesLastOwner(2, owner, { ...owner, active: false })).toBe(false);
  });
  it('does not concern users who are not owners', () => {
    expect(
      removesLastOwner(
        1,
        { roles: ['cashier'], active: true },
        { roles: ['cashier'], active: false },
      ),
    ).toBe(false);
  });
});

describe('sessionStores', () => {
  it('gives a password session every store when the user is not restricted', () => {
    expect(sessionStores(null)).toEqual(['*']);
  });
  it('scopes a device session to the device’s store', () => {
    expect(sessionStores(null, 's1')).toEqual(['s1']);
    expect(sessionStores(['s1', 's2'], 's2')).toEqual(['s2']);
  });
  it('refuses a device in a store the user may not work in', () => {
    expect(sessionStores(['s1'], 's2')).toBeUndefined();
  });
});
