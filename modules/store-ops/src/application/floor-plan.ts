import { newId } from '@stratum/platform';
import { raise, type SectionView, type StoreOpsApi } from '../contract.ts';
import { NAMED_ACTIVE_TABLES, sectionInUseMessage } from '../domain/floor-plan.ts';
import { assertStoreAccess, type StoreOpsDeps } from './deps.ts';
import type { RowLock, StoreOpsRepository } from './ports.ts';
import { requireStore } from './stores.ts';

async function requireSection(
  repo: StoreOpsRepository,
  sectionId: string,
  options: { lock?: RowLock } = {},
): Promise<SectionView> {
  const section = await repo.findSection(sectionId, options.lock ? { lock: options.lock } : {});
  if (!section) raise('section-not-found', 'No such section.');
  return section;
}

export function createSection(deps: StoreOpsDeps): StoreOpsApi['createSection'] {
  return (ctx, input) => {
    assertStoreAccess(ctx, input.storeId);
    return deps.store.inTenant(ctx.tenantId, async (repo) => {
      await requireStore(repo, input.storeId, { active: true });
      return repo.insertSection({ id: newId(), ...input });
    });
  };
}

export function listSections(deps: StoreOpsDeps): StoreOpsApi['listSections'] {
  return (ctx, storeId, query) => {
    assertStoreAccess(ctx, storeId);
    return deps.store.inTenant(ctx.tenantId, async (repo) => {
      await requireStore(repo, storeId);
      return repo.listSections(storeId, query);
    });
  };
}

/** An archived store's floor plan stays as it was, as the store's settings do. */
export function updateSection(deps: StoreOpsDeps): StoreOpsApi['updateSection'] {
  return (ctx, sectionId, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const section = await requireSection(repo, sectionId);
      assertStoreAccess(ctx, section.storeId);
      await requireStore(repo, section.storeId, { active: true });
      if (section.status !== 'active') {
        raise('section-archived', 'The section has been removed: it is not changed any more.');
      }
      return repo.updateSection(sectionId, input);
    });
}

/**
 * Removes a section once none of its tables is active. It is archived rather
 * than deleted: tables are never deleted (orders name them) and each keeps
 * its section, so the section must stay for them to resolve. The section row
 * is locked first, as putting an active table in a section locks it shared:
 * a table added or reactivated meanwhile is either seen here, or finds the
 * section archived.
 */
export function removeSection(deps: StoreOpsDeps): StoreOpsApi['removeSection'] {
  return (ctx, sectionId) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const section = await requireSection(repo, sectionId, { lock: 'update' });
      assertStoreAccess(ctx, section.storeId);
      // Removed already: a retried removal is answered as the first one was.
      if (section.status === 'archived') return;
      await requireStore(repo, section.storeId, { active: true });
      const active = await repo.activeTablesInSection(sectionId, NAMED_ACTIVE_TABLES);
      if (active.total > 0) {
        raise('section-in-use', sectionInUseMessage(active), {
          activeTableCount: active.total,
          activeTables: active.tables,
        });
      }
      await repo.updateSection(sectionId, { status: 'archived' });
    });
}

/**
 * A section a table is added to, moved into or reactivated in: it must be
 * active. It is read with a shared lock held until commit, so a removal of
 * the section waits for the table and then sees it (see `removeSection`).
 */
const lockSectionForTables = (repo: StoreOpsRepository, sectionId: string) =>
  repo.findSection(sectionId, { lock: 'share' });

export function createTable(deps: StoreOpsDeps): StoreOpsApi['createTable'] {
  return (ctx, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const section = await lockSectionForTables(repo, input.sectionId);
      if (!section) raise('section-not-found', 'No such section.');
      assertStoreAccess(ctx, section.storeId);
      await requireStore(repo, section.storeId, { active: true });
      if (section.status !== 'active') {
        raise('section-archived', 'The section has been removed: add the table to another one.');
      }
      return repo.insertTable({ id: newId(), storeId: section.storeId, ...input });
    });
}

export function listTables(deps: StoreOpsDeps): StoreOpsApi['listTables'] {
  return (ctx, query) => {
    assertStoreAccess(ctx, query.storeId);
    return deps.store.inTenant(ctx.tenantId, async (repo) => {
      await requireStore(repo, query.storeId);
      return repo.listTables(query);
    });
  };
}

export function getTable(deps: StoreOpsDeps): StoreOpsApi['getTable'] {
  return (ctx, tableId) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const table = await repo.findTable(tableId);
      if (!table) raise('table-not-found', 'No such table.');
      assertStoreAccess(ctx, table.storeId);
      return table;
    });
}

export function updateTable(deps: StoreOpsDeps): StoreOpsApi['updateTable'] {
  return (ctx, tableId, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const table = await repo.findTable(tableId);
      if (!table) raise('table-not-found', 'No such table.');
      assertStoreAccess(ctx, table.storeId);
      await requireStore(repo, table.storeId, { active: true });
      if (input.sectionId !== undefined && input.sectionId !== table.sectionId) {
        const target = await lockSectionForTables(repo, input.sectionId);
        // A table moves between sections of its own store only.
        if (!target || target.storeId !== table.storeId) {
          raise('section-not-found', 'No such section in the table’s store.');
        }
        if (target.status !== 'active') {
          raise('section-archived', 'The section has been removed: move the table to another one.');
        }
      } else if (input.active === true && !table.active) {
        // A removed section keeps the tables it had, inactive: one is used again elsewhere.
        const section = await lockSectionForTables(repo, table.sectionId);
        if (section?.status !== 'active') {
          raise(
            'section-archived',
            'The table’s section has been removed: move the table to another section to use it again.',
          );
        }
      }
      return repo.updateTable(tableId, input);
    });
}
