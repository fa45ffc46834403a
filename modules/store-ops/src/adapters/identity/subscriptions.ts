import {
  inboxSubscription,
  type Database,
  type RelayLink,
  type Subscription,
} from '@stratum/platform';
import { identityEvents } from '@stratum/identity/contract';
import { inbox } from '../postgres/schema.ts';
import { storeOpsRepository } from '../postgres/store.ts';

/**
 * Store-ops hears of the devices identity registers and revokes, behind the
 * inbox, and keeps what a register may be linked to: a device of the
 * register's store that still works. Delivered twice or out of order, the
 * record ends the same: a revoked device stays revoked.
 */
export function identitySubscriptions(database: Database, wakeRelay: RelayLink): Subscription[] {
  const common = { module: 'store-ops', database, inbox };
  return [
    inboxSubscription({
      ...common,
      name: 'store-ops.on-identity-device-registered',
      event: identityEvents.deviceRegistered,
      async handle(tx, payload, envelope) {
        await storeOpsRepository(tx, envelope.tenantId, wakeRelay).recordDevice({
          id: payload.deviceId,
          storeId: payload.storeId,
          status: 'active',
        });
      },
    }),
    inboxSubscription({
      ...common,
      name: 'store-ops.on-identity-device-revoked',
      event: identityEvents.deviceRevoked,
      async handle(tx, payload, envelope) {
        await storeOpsRepository(tx, envelope.tenantId, wakeRelay).recordDevice({
          id: payload.deviceId,
          storeId: payload.storeId,
          status: 'revoked',
        });
      },
    }),
  ];
}
