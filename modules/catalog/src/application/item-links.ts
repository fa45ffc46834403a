import { raise, type CatalogApi } from '../contract.ts';
import { duplicatesIn } from '../domain/ordering.ts';
import { canAttachTaxRate } from '../domain/tax-rates.ts';
import type { CatalogDeps } from './deps.ts';
import type { CatalogRepository, ItemRecord } from './ports.ts';
import { itemView } from './views.ts';

export function assertNoDuplicates(ids: readonly string[], what: string): void {
  const dupes = duplicatesIn(ids);
  if (dupes.length > 0) {
    raise('duplicate-reference', `Each ${what} may be listed once.`, { ids: dupes });
  }
}

/** The item, for a change: it must exist and be live. */
export async function liveItem(repo: CatalogRepository, itemId: string): Promise<ItemRecord> {
  const item = await repo.findItem(itemId, { lock: true });
  if (!item) raise('item-not-found', 'No such item.');
  if (item.archivedAt) raise('item-archived', 'An archived item cannot be changed.');
  return item;
}

export async function assertGroupsExist(repo: CatalogRepository, ids: readonly string[]) {
  assertNoDuplicates(ids, 'modifier group');
  if (ids.length === 0) return;
  const found = new Set((await repo.findGroups(ids)).map((g) => g.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0)
    raise('modifier-group-not-found', 'No such modifier group.', { ids: missing });
}

/**
 * Attaching makes a rate "used" for good (ADR 0011): it may have been charged
 * from then on. The rows are locked so that a concurrent change or delete of
 * the rate waits for this decision.
 */
export async function attachableTaxRates(repo: CatalogRepository, ids: readonly string[]) {
  assertNoDuplicates(ids, 'tax rate');
  if (ids.length === 0) return;
  const rates = await repo.findTaxRates(ids, { lock: true });
  const found = new Set(rates.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) raise('tax-rate-not-found', 'No such tax rate.', { ids: missing });
  const inactive = rates.filter((r) => !canAttachTaxRate({ ...r, used: r.usedAt !== null }));
  if (inactive.length > 0) {
    raise('tax-rate-inactive', 'A deactivated tax rate cannot be attached.', {
      ids: inactive.map((r) => r.id),
    });
  }
  await repo.markTaxRatesUsed(ids);
}

export function setItemModifierGroups(deps: CatalogDeps): CatalogApi['setItemModifierGroups'] {
  return (ctx, itemId, groupIds) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const item = await liveItem(repo, itemId);
      await assertGroupsExist(repo, groupIds);
      await repo.setGroupLinks(itemId, groupIds);
      return itemView(repo, item);
    });
}

export function setItemTaxRates(deps: CatalogDeps): CatalogApi['setItemTaxRates'] {
  return (ctx, itemId, taxRateIds) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const item = await liveItem(repo, itemId);
      await attachableTaxRates(repo, taxRateIds);
      await repo.setTaxLinks(itemId, taxRateIds);
      return itemView(repo, item);
    });
}
