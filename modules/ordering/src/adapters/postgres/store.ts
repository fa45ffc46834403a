import {
  createOutbox,
  lastly,
  recordAudit,
  transactionAs,
  type Database,
  type Tx,
  type RelayLink,
  joinRepository,
} from '@stratum/platform';
import type { OrderingRepository, OrderingStore } from '../../application/ports.ts';
import { kitchenRepository, receiptRepository } from './kitchen-repo.ts';
import { orderRepository } from './order-repo.ts';
import { ticketChangesRepository } from './ticket-changes-repo.ts';
import { auditLog, outbox } from './schema.ts';

/** Ordering's repository over one transaction of one tenant. */
export function orderingRepository(
  tx: Tx,
  tenantId: string,
  wakeRelay: RelayLink,
): OrderingRepository {
  const events = createOutbox(outbox, wakeRelay);
  return joinRepository(
    orderRepository(tx, tenantId),
    kitchenRepository(tx, tenantId),
    ticketChangesRepository(tx, tenantId),
    receiptRepository(tx, tenantId),
    {
      lastly: (writes) => lastly(tx, writes),
      async emit(event, payload) {
        await events.add(tx, event, payload, tenantId);
      },
      async audit(entry) {
        await recordAudit(tx, auditLog, tenantId, entry);
      },
    } satisfies Pick<OrderingRepository, 'lastly' | 'emit' | 'audit'>,
  );
}

export function pgOrderingStore(database: Database, wakeRelay: RelayLink): OrderingStore {
  return {
    inTenant: (ctx, fn) =>
      transactionAs(database, ctx, (tx) => fn(orderingRepository(tx, ctx.tenantId, wakeRelay))),
  };
}
