import { hashOpaqueToken, newId, newOpaqueToken } from '@stratum/platform';
import { identityEvents, raise, type IdentityApi } from '../contract.ts';
import type { IdentityDeps } from './deps.ts';
import { toDeviceView } from './views.ts';

export function registerDevice(deps: IdentityDeps): IdentityApi['registerDevice'] {
  return (caller, input) =>
    deps.store.inTenant(caller.tenantId, async (repo) => {
      const { token, hash } = newOpaqueToken('dev');
      const device = await repo.insertDevice({
        id: newId(),
        tenantId: caller.tenantId,
        storeId: input.storeId,
        name: input.name,
        tokenHash: hash,
      });
      await repo.emit(identityEvents.deviceRegistered, {
        deviceId: device.id,
        storeId: device.storeId,
        name: device.name,
      });
      return { device: toDeviceView(device), deviceToken: token };
    });
}

export function listDevices(deps: IdentityDeps): IdentityApi['listDevices'] {
  return (caller) =>
    deps.store.inTenant(caller.tenantId, async (repo) =>
      (await repo.listDevices()).map(toDeviceView),
    );
}

export function revokeDevice(deps: IdentityDeps): IdentityApi['revokeDevice'] {
  return (caller, deviceId) =>
    deps.store.inTenant(caller.tenantId, async (repo) => {
      const before = await repo.findDevice(deviceId);
      if (!before) raise('device-not-found', 'No such device.');
      const after = await repo.updateDevice(deviceId, { revoked: true });
      // Told once, when it stops working: registers may no longer be linked to it.
      if (before.status === 'active') {
        await repo.emit(identityEvents.deviceRevoked, { deviceId, storeId: after.storeId });
      }
      return toDeviceView(after);
    });
}

/** Who may PIN in on this device: active staff with a PIN, allowed in its store. */
export function deviceStaff(deps: IdentityDeps): IdentityApi['deviceStaff'] {
  return async (deviceToken) => {
    const hash = hashOpaqueToken(deviceToken);
    const tenantId = await deps.store.tenantOfDeviceToken(hash);
    if (!tenantId) raise('invalid-device', 'This device is not registered.');
    return deps.store.inTenant(tenantId, async (repo) => {
      const device = await repo.findDeviceByTokenHash(hash);
      if (!device || device.status !== 'active')
        raise('invalid-device', 'This device is not registered.');
      const staff = [];
      let after: string | undefined;
      for (;;) {
        const batch = await repo.listUsers(
          { limit: 200, status: 'active', sort: 'createdAt' },
          after,
        );
        for (const u of batch) {
          if (u.pinHash && (!u.storeIds || u.storeIds.includes(device.storeId))) {
            staff.push({ id: u.id, displayName: u.displayName });
          }
        }
        if (batch.length < 200) break;
        after = batch.at(-1)?.id;
      }
      return { storeId: device.storeId, staff };
    });
  };
}
