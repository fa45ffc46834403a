import { sql } from 'drizzle-orm';
import {
  createOutbox,
  type Database,
  type Tx,
  type RelayLink,
  joinRepository,
} from '@stratum/platform';
import { catalogEvents } from '../../contract.ts';
import type { CatalogRepository, CatalogStore } from '../../application/ports.ts';
import { itemsRepository } from './repo-items.ts';
import { modifiersRepository } from './repo-modifiers.ts';
import { storesRepository } from './repo-stores.ts';
import { outbox, versions } from './schema.ts';

function repository(tx: Tx, tenantId: string, wakeRelay: RelayLink): CatalogRepository {
  const events = createOutbox(outbox, wakeRelay);
  return joinRepository(
    itemsRepository(tx, tenantId),
    modifiersRepository(tx, tenantId),
    storesRepository(tx, tenantId),
    {
      async emit(event, payload) {
        await events.add(tx, event, payload, tenantId);
      },
    } satisfies Pick<CatalogRepository, 'emit'>,
  );
}

/** Bumps the tenant's catalog version; the row lock orders the tenant's writes. */
async function bumpVersion(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await tx
    .insert(versions)
    .values({ tenantId, version: 1 })
    .onConflictDoUpdate({
      target: versions.tenantId,
      set: { version: sql`${versions.version} + 1`, updatedAt: sql`now()` },
    })
    .returning({ version: versions.version });
  return row!.version;
}

export function pgCatalogStore(database: Database, wakeRelay: RelayLink): CatalogStore {
  return {
    read: (tenantId, fn) =>
      database.transaction((tx) => fn(repository(tx, tenantId, wakeRelay)), { tenantId }),
    write: (tenantId, fn) =>
      database.transaction(
        async (tx) => {
          const version = await bumpVersion(tx, tenantId);
          const repo = repository(tx, tenantId, wakeRelay);
          const result = await fn(repo);
          await repo.emit(catalogEvents.catalogChanged, { version });
          return result;
        },
        { tenantId },
      ),
  };
}
