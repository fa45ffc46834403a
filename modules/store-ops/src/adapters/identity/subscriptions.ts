import {
  inboxSubscription,
  type Database,
  type RelayLink,
  type Subscription,
} from '@stratum/platform';
import { identityEvents } from '@stratum/identity/contract';
import { inbox } from '../postgres/schema.ts';
import { storeOpsRepository } from '../postgres/store.ts';
import type { KnownDevice } from '../../application/ports.ts';

/**
 * Store-ops hears of the devices identity registers and revokes, behind the
 * inbox, and keeps what a register may be linked to: a device of the
 * register's store that still works. Delivered twice or out of order, the
 * record ends the same: a revoked device stays revoked.
 */
export function identitySubscriptions(database: Database, wakeRelay: RelayLink): Subscription[] {
  const follow = (
    name: string,
    event: typeof identityEvents.deviceRegistered | typeof identityEvents.deviceRevoked,
    status: KnownDevice['status'],
  ) =>
    inboxSubscription({
      module: 'store-ops',
      database,
      inbox,
      name,
      event,
      async handle(tx, payload: { deviceId: string; storeId: string }, envelope) {
        await storeOpsRepository(tx, envelope.tenantId, wakeRelay).recordDevice({
          id: payload.deviceId,
          storeId: payload.storeId,
          status,
        });
      },
    });
  return [
    follow('store-ops.on-identity-device-registered', identityEvents.deviceRegistered, 'active'),
    follow('store-ops.on-identity-device-revoked', identityEvents.deviceRevoked, 'revoked'),
  ];
}
