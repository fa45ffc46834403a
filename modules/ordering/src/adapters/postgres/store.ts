import {
  createOutbox,
  transactionAs,
  type Database,
  type Tx,
  type RelayLink,
  joinRepository,
  unitOfWork,
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
  return joinRepository(
    orderRepository(tx, tenantId),
    kitchenRepository(tx, tenantId),
    ticketChangesRepository(tx, tenantId),
    receiptRepository(tx, tenantId),
    unitOfWork(tx, tenantId, createOutbox(outbox, wakeRelay), auditLog),
  );
}

export function pgOrderingStore(database: Database, wakeRelay: RelayLink): OrderingStore {
  return {
    inTenant: (ctx, fn) =>
      transactionAs(database, ctx, (tx) => fn(orderingRepository(tx, ctx.tenantId, wakeRelay))),
  };
}
