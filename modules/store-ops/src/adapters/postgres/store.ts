import {
  afterCommit,
  createOutbox,
  type Database,
  type Tx,
  type RelayLink,
  joinRepository,
  unitOfWork,
} from '@stratum/platform';
import type { StoreOpsRepository, StoreOpsStore } from '../../application/ports.ts';
import { auditLog, outbox } from './schema.ts';
import { storesRepository } from './stores-repo.ts';
import { registersRepository } from './registers-repo.ts';
import { floorRepository } from './floor-repo.ts';
import { drawersRepository } from './drawers-repo.ts';
import { receiptsRepository } from './receipts-repo.ts';
import { auditRepository } from './audit-repo.ts';

/** Store-ops' repository over a transaction the caller holds (an inbox handler's, say). */
export function storeOpsRepository(
  tx: Tx,
  tenantId: string,
  wakeRelay: RelayLink,
): StoreOpsRepository {
  return joinRepository(
    storesRepository(tx, tenantId),
    registersRepository(tx, tenantId),
    floorRepository(tx, tenantId),
    drawersRepository(tx, tenantId),
    receiptsRepository(tx, tenantId),
    auditRepository(tx, tenantId),
    unitOfWork(tx, tenantId, createOutbox(outbox, wakeRelay), auditLog),
    {
      afterCommit(hook) {
        afterCommit(tx, hook);
      },
    } satisfies Pick<StoreOpsRepository, 'afterCommit'>,
  );
}

/** Store-ops' storage: one tenant-scoped transaction per unit of work. */
export function pgStoreOpsStore(database: Database, wakeRelay: RelayLink): StoreOpsStore {
  return {
    inTenant: (tenantId, fn) =>
      database.transaction((tx) => fn(storeOpsRepository(tx, tenantId, wakeRelay)), { tenantId }),
  };
}
