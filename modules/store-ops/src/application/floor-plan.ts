import { newId } from '@stratum/platform';
import { raise, type SectionView, type StoreOpsApi } from '../contract.ts';
import { assertStoreAccess, type StoreOpsDeps } from './deps.ts';
import type { StoreOpsRepository } from './ports.ts';
import { requireStore } from './stores.ts';

async function requireSection(repo: StoreOpsRepository, sectionId: string): Promise<SectionView> {
  const section = await repo.findSection(sectionId);
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
      return repo.updateSection(sectionId, input);
    });
}

/**
 * Removes a section only when no table (active or not) belongs to it: tables
 * are kept for the orders that name them, and a table needs its section.
 */
export function removeSection(deps: StoreOpsDeps): StoreOpsApi['removeSection'] {
  return (ctx, sectionId) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const section = await requireSection(repo, sectionId);
      assertStoreAccess(ctx, section.storeId);
      await requireStore(repo, section.storeId, { active: true });
      if ((await repo.countTablesInSection(sectionId)) > 0) {
        raise('section-in-use', 'Move or remove the section’s tables first.');
      }
      await repo.deleteSection(sectionId);
    });
}

export function createTable(deps: StoreOpsDeps): StoreOpsApi['createTable'] {
  return (ctx, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const section = await requireSection(repo, input.sectionId);
      assertStoreAccess(ctx, section.storeId);
      await requireStore(repo, section.storeId, { active: true });
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
        const target = await repo.findSection(input.sectionId);
        // A table moves between sections of its own store only.
        if (!target || target.storeId !== table.storeId) {
          raise('section-not-found', 'No such section in the table’s store.');
        }
      }
      return repo.updateTable(tableId, input);
    });
}
