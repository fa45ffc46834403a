import {
  createOutbox,
  lastly,
  recordAudit,
  transactionAs,
  type Database,
  type Tx,
  type RelayLink,
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
  const events = createOutbox(outbox, wakeRelay);
  return {
    ...paymentRepository(tx, tenantId),
    lastly: (writes) => lastly(tx, writes),
    async emit(event, payload) {
      await events.add(tx, event, payload, tenantId);
    },
    async audit(entry) {
      await recordAudit(tx, auditLog, tenantId, entry);
    },
  };
}

export function pgPaymentStore(database: Database, wakeRelay: RelayLink): PaymentStore {
  return {
    inTenant: (ctx, fn) =>
      transactionAs(database, ctx, (tx) => fn(paymentsRepository(tx, ctx.tenantId, wakeRelay))),
  };
}
