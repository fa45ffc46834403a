import type { DeviceView, UserView } from '../contract.ts';
import type { DeviceRecord, UserRecord } from './ports.ts';

export function toUserView(u: UserRecord): UserView {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    roles: u.roles,
    storeIds: u.storeIds,
    status: u.active ? 'active' : 'deactivated',
    hasPin: u.pinHash !== null,
    createdAt: u.createdAt.toISOString(),
  };
}

export function toDeviceView(d: DeviceRecord): DeviceView {
  return {
    id: d.id,
    storeId: d.storeId,
    name: d.name,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
  };
}
