import { sql } from 'drizzle-orm';
import {
  createOutbox,
  rowsOf,
  transactionAs,
  type Database,
  type Tx,
  type RelayLink,
  joinRepository,
  unitOfWork,
} from '@stratum/platform';
import type { InventoryRepository, InventoryStore } from '../../application/ports.ts';
import { auditLog, outbox } from './schema.ts';
import { registryRepository } from './registry-repo.ts';
import { levelRepository } from './level-repo.ts';
import { ledgerRepository } from './ledger-repo.ts';
import { reservationRepository } from './reservation-repo.ts';
import { transferRepository } from './transfer-repo.ts';
import { auditRepository } from './audit-repo.ts';
import { idempotencyRepository } from './idempotency-repo.ts';

/** Inventory's repository over one transaction of one tenant. */
export function inventoryRepository(
  tx: Tx,
  tenantId: string,
  wakeRelay: RelayLink,
): InventoryRepository {
  return joinRepository(
    registryRepository(tx, tenantId),
    levelRepository(tx, tenantId),
    ledgerRepository(tx, tenantId),
    reservationRepository(tx, tenantId),
    transferRepository(tx, tenantId),
    auditRepository(tx, tenantId),
    idempotencyRepository(tx, tenantId),
    unitOfWork(tx, tenantId, createOutbox(outbox, wakeRelay), auditLog),
  );
}

export function pgInventoryStore(database: Database, wakeRelay: RelayLink): InventoryStore {
  return {
    inTenant: (ctx, fn) =>
      transactionAs(database, ctx, (tx) => fn(inventoryRepository(tx, ctx.tenantId, wakeRelay))),
    async tenantsWithDueReservations(now, limit) {
      const rows = rowsOf<{ tenant_id: string }>(
        await database.db.execute(
          sql`select tenant_id from inventory.tenants_with_due_reservations(${now.toISOString()}::timestamptz, ${limit}) as tenant_id`,
        ),
      );
      return rows.map((r) => r.tenant_id);
    },
  };
}
