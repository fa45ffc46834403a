import { newId } from '@stratum/platform';
import { raise, type RegisterView, type StoreOpsApi } from '../contract.ts';
import { storeFilter } from '../domain/access.ts';
import { assertStoreAccess, type StoreOpsDeps } from './deps.ts';
import type { RowLock, StoreOpsRepository } from './ports.ts';
import { requireStore } from './stores.ts';

/** The register, or `register-not-found`; `active` also rejects a deactivated one. */
export async function requireRegister(
  repo: StoreOpsRepository,
  registerId: string,
  options: { active?: boolean; lock?: RowLock } = {},
): Promise<RegisterView> {
  const register = await repo.findRegister(registerId, options.lock ? { lock: options.lock } : {});
  if (!register) raise('register-not-found', 'No such register.');
  if (options.active && register.status !== 'active') {
    raise('register-deactivated', 'The register is deactivated.');
  }
  return register;
}

/**
 * A device a register of `storeId` may be linked to: one identity registered
 * for that store and has not revoked. Store-ops knows devices from identity's
 * events, so one registered a moment ago may not be known yet.
 */
async function requireLinkableDevice(repo: StoreOpsRepository, deviceId: string, storeId: string) {
  const device = await repo.findDevice(deviceId);
  if (!device) {
    raise(
      'device-not-found',
      'No device with this id is registered (a device registered just now may take a moment to be known).',
    );
  }
  if (device.storeId !== storeId) {
    raise('device-in-other-store', 'The device is registered for another store.');
  }
  if (device.status !== 'active') raise('device-revoked', 'The device has been revoked.');
}

export function createRegister(deps: StoreOpsDeps): StoreOpsApi['createRegister'] {
  return (ctx, input) => {
    assertStoreAccess(ctx, input.storeId);
    return deps.store.inTenant(ctx.tenantId, async (repo) => {
      await requireStore(repo, input.storeId, { active: true, lock: 'share' });
      if (input.deviceId) await requireLinkableDevice(repo, input.deviceId, input.storeId);
      return repo.insertRegister({ id: newId(), ...input });
    });
  };
}

export function getRegister(deps: StoreOpsDeps): StoreOpsApi['getRegister'] {
  return (ctx, registerId) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const register = await requireRegister(repo, registerId);
      assertStoreAccess(ctx, register.storeId);
      return register;
    });
}

/**
 * The caller's registers: unfiltered, those of the stores they may act in; a
 * `storeId` filter naming another store is refused rather than answered empty.
 */
export function listRegisters(deps: StoreOpsDeps): StoreOpsApi['listRegisters'] {
  return (ctx, query) => {
    if (query.storeId) assertStoreAccess(ctx, query.storeId);
    return deps.store.inTenant(ctx.tenantId, (repo) =>
      repo.listRegisters(query, storeFilter(ctx.actor)),
    );
  };
}

/**
 * Renames a register or (un)links its device. An archived store's registers
 * are set up no further, as the store itself is not; they may still be
 * deactivated.
 */
export function updateRegister(deps: StoreOpsDeps): StoreOpsApi['updateRegister'] {
  return (ctx, registerId, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const before = await requireRegister(repo, registerId, { active: true, lock: 'update' });
      assertStoreAccess(ctx, before.storeId);
      await requireStore(repo, before.storeId, { active: true });
      if (input.deviceId && input.deviceId !== before.deviceId) {
        await requireLinkableDevice(repo, input.deviceId, before.storeId);
      }
      const after = await repo.updateRegister(registerId, input);
      await repo.audit({
        action: 'register.update',
        entityType: 'register',
        entityId: registerId,
        before,
        after,
      });
      return after;
    });
}

/**
 * Retires a register; its drawer must be closed first so no cash is left
 * unaccounted. Winding a store down, it stays possible once the store is archived.
 */
export function deactivateRegister(deps: StoreOpsDeps): StoreOpsApi['deactivateRegister'] {
  return (ctx, registerId) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const before = await requireRegister(repo, registerId, { lock: 'update' });
      assertStoreAccess(ctx, before.storeId);
      if (before.status === 'deactivated') return before;
      if (await repo.findOpenSession(registerId)) {
        raise('register-has-open-drawer', 'Close the register’s drawer before deactivating it.');
      }
      const after = await repo.updateRegister(registerId, { status: 'deactivated' });
      await repo.audit({
        action: 'register.deactivate',
        entityType: 'register',
        entityId: registerId,
        before,
        after,
      });
      return after;
    });
}
