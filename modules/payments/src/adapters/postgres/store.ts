import {
  createOutbox,
  transactionAs,
  type Database,
  type Tx,
  type RelayLink,
  joinRepository,
  unitOfWork,
} from '@stratum/platform';
import type { PaymentRepository, PaymentStore } from '../../application/ports.ts';
import { auditLog, outbox } from './schema.ts';
import { paymentRepository } from './payment-repo.ts';

/** Payments' repository over one transaction of one tenant. */
export function paymentsRepository(
  tx: Tx,
  tenantId: string,
  wakeRelay: RelayLink,
): PaymentRepository {
  return joinRepository(
    paymentRepository(tx, tenantId),
    unitOfWork(tx, tenantId, createOutbox(outbox, wakeRelay), auditLog),
  );
}

export function pgPaymentStore(database: Database, wakeRelay: RelayLink): PaymentStore {
  return {
    inTenant: (ctx, fn) =>
      transactionAs(database, ctx, (tx) => fn(paymentsRepository(tx, ctx.tenantId, wakeRelay))),
  };
}
