import type {
  CategoryView,
  ItemView,
  ModifierGroupView,
  PriceChangeView,
  StorePriceView,
  TaxRateView,
  VariantView,
} from '../contract.ts';
import type {
  AuditRecord,
  CatalogRepository,
  CategoryRecord,
  GroupRecord,
  ItemRecord,
  OptionRecord,
  OverrideRecord,
  TaxRateRecord,
  VariantRecord,
} from './ports.ts';

export const toCategoryView = (c: CategoryRecord): CategoryView => ({
  id: c.id,
  name: c.name,
  position: c.position,
  createdAt: c.createdAt.toISOString(),
});

export const toVariantView = (v: VariantRecord): VariantView => ({ ...v });

export const toTaxRateView = (r: TaxRateRecord): TaxRateView => ({
  id: r.id,
  name: r.name,
  rateBps: r.rateBps,
  inclusive: r.inclusive,
  active: r.active,
  used: r.usedAt !== null,
  createdAt: r.createdAt.toISOString(),
});

export const toStorePriceView = (o: OverrideRecord): StorePriceView => ({
  ...o,
  updatedAt: o.updatedAt.toISOString(),
});

function byItem<T extends { itemId: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) map.set(r.itemId, [...(map.get(r.itemId) ?? []), r]);
  return map;
}

/** Items with their variants and links, in three queries whatever the page size. */
export async function itemViews(
  repo: CatalogRepository,
  items: readonly ItemRecord[],
): Promise<ItemView[]> {
  const ids = items.map((i) => i.id);
  if (ids.length === 0) return [];
  // One after the other: a transaction is one connection (and PGlite has only one).
  const variants = await repo.variantsOf(ids);
  const groups = await repo.groupLinksOf(ids);
  const taxes = await repo.taxLinksOf(ids);
  const v = byItem(variants);
  const g = byItem(groups);
  const t = byItem(taxes);
  const ordered = <L extends { position: number; targetId: string }>(links: L[] = []) =>
    [...links].sort((a, b) => a.position - b.position).map((l) => l.targetId);
  return items.map((i) => ({
    id: i.id,
    name: i.name,
    kind: i.kind,
    unit: i.unit,
    categoryId: i.categoryId,
    description: i.description,
    imageUrl: i.imageUrl,
    kitchenStation: i.kitchenStation,
    archived: i.archivedAt !== null,
    variants: (v.get(i.id) ?? []).sort((a, b) => a.position - b.position).map(toVariantView),
    modifierGroupIds: ordered(g.get(i.id)),
    taxRateIds: ordered(t.get(i.id)),
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  }));
}

export async function itemView(repo: CatalogRepository, item: ItemRecord): Promise<ItemView> {
  const [view] = await itemViews(repo, [item]);
  return view!;
}

export async function groupViews(
  repo: CatalogRepository,
  groups: readonly GroupRecord[],
): Promise<ModifierGroupView[]> {
  const options = groups.length === 0 ? [] : await repo.optionsOf(groups.map((g) => g.id));
  const of = new Map<string, OptionRecord[]>();
  for (const o of options) of.set(o.groupId, [...(of.get(o.groupId) ?? []), o]);
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    minSelections: g.minSelections,
    maxSelections: g.maxSelections,
    options: (of.get(g.id) ?? [])
      .sort((a, b) => a.position - b.position)
      .map((o) => ({
        id: o.id,
        name: o.name,
        priceDeltaMinor: o.priceDeltaMinor,
        position: o.position,
      })),
    createdAt: g.createdAt.toISOString(),
  }));
}

/** A price audit entry's before/after: `{ priceMinor, storeId }` objects. */
interface PriceState {
  priceMinor?: number | null;
  storeId?: string | null;
}

export function toPriceChangeView(a: AuditRecord): PriceChangeView {
  const before = (a.before ?? {}) as PriceState;
  const after = (a.after ?? {}) as PriceState;
  return {
    id: a.id,
    at: a.at.toISOString(),
    actorId: a.actorId,
    storeId: after.storeId ?? before.storeId ?? null,
    beforeMinor: before.priceMinor ?? null,
    afterMinor: after.priceMinor ?? null,
    reason: a.reason,
  };
}
