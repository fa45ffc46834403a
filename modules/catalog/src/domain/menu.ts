import type { MenuDocument, MenuItem } from '../contract.ts';
import { isUnavailableAt, nextExpiry, type Unavailability } from './availability.ts';
import { effectivePrice } from './pricing.ts';

/** The catalog rows one store's menu is built from, read in one snapshot. */
export interface MenuSnapshot {
  version: number;
  categories: { id: string; name: string; position: number }[];
  /** Live (not archived) menu and retail items: never ingredients. */
  items: {
    id: string;
    categoryId: string | null;
    name: string;
    kind: 'menu' | 'retail';
    description: string | null;
    imageUrl: string | null;
    kitchenStation: string | null;
  }[];
  variants: {
    id: string;
    itemId: string;
    name: string;
    sku: string | null;
    barcode: string | null;
    priceMinor: number;
    position: number;
  }[];
  /** This store's price overrides. */
  overrides: { variantId: string; priceMinor: number }[];
  /** This store's unavailability entries, expired ones included. */
  unavailable: Unavailability[];
  itemGroups: { itemId: string; groupId: string; position: number }[];
  groups: { id: string; name: string; minSelections: number; maxSelections: number }[];
  options: {
    id: string;
    groupId: string;
    name: string;
    priceDeltaMinor: number;
    position: number;
  }[];
  itemTaxRates: { itemId: string; taxRateId: string; position: number }[];
  /** Active rates only. */
  taxRates: { id: string; name: string; rateBps: number; inclusive: boolean }[];
}

export interface MenuStore {
  id: string;
  currency: string;
  taxInclusive: boolean;
  timezone: string;
}

export interface BuiltMenu {
  document: MenuDocument;
  /** When an entry expires by itself and the document stops being true; null: never. */
  validTo: number | null;
}

type Positioned = { position: number; id: string };
const byPosition = (a: Positioned, b: Positioned) =>
  a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byName = (a: { name: string; id: string }, b: { name: string; id: string }) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/**
 * Builds the POS menu of one store at instant `now`. Pure and deterministic:
 * the same snapshot, store and validity window give the same document, byte
 * for byte once serialised, which the strong ETag relies on.
 */
export function buildMenu(snapshot: MenuSnapshot, store: MenuStore, now: number): BuiltMenu {
  const override = new Map(snapshot.overrides.map((o) => [o.variantId, o.priceMinor]));
  const unavailable = new Map(
    snapshot.unavailable.filter((u) => isUnavailableAt(u, now)).map((u) => [u.itemId, u.until]),
  );
  const variantsOf = groupBy([...snapshot.variants].sort(byPosition), (v) => v.itemId);
  const optionsOf = groupBy([...snapshot.options].sort(byPosition), (o) => o.groupId);
  const groups = new Map(snapshot.groups.map((g) => [g.id, g]));
  const rates = new Map(snapshot.taxRates.map((r) => [r.id, r]));
  const groupLinks = groupBy(
    [...snapshot.itemGroups].sort(
      (a, b) => a.position - b.position || (a.groupId < b.groupId ? -1 : 1),
    ),
    (l) => l.itemId,
  );
  const rateLinks = groupBy(
    [...snapshot.itemTaxRates].sort(
      (a, b) => a.position - b.position || (a.taxRateId < b.taxRateId ? -1 : 1),
    ),
    (l) => l.itemId,
  );

  const toItem = (item: MenuSnapshot['items'][number]): MenuItem | undefined => {
    const variants = variantsOf.get(item.id) ?? [];
    if (variants.length === 0) return undefined;
    const until = unavailable.get(item.id);
    return {
      id: item.id,
      name: item.name,
      kind: item.kind,
      description: item.description,
      imageUrl: item.imageUrl,
      kitchenStation: item.kitchenStation,
      available: until === undefined,
      unavailableUntil: until == null ? null : new Date(until).toISOString(),
      variants: variants.map((v) => ({
        id: v.id,
        name: v.name,
        sku: v.sku,
        barcode: v.barcode,
        priceMinor: effectivePrice(v.priceMinor, override.get(v.id)),
        basePriceMinor: v.priceMinor,
      })),
      modifierGroupIds: (groupLinks.get(item.id) ?? [])
        .filter((link) => groups.has(link.groupId))
        .map((link) => link.groupId),
      taxRateIds: (rateLinks.get(item.id) ?? [])
        .filter((link) => rates.has(link.taxRateId))
        .map((link) => link.taxRateId),
    };
  };

  const itemsIn = groupBy(
    [...snapshot.items].sort(byName).flatMap((i) => {
      const item = toItem(i);
      return item ? [{ categoryId: i.categoryId, item }] : [];
    }),
    (e) => e.categoryId ?? '',
  );
  const categories = [...snapshot.categories].sort(byPosition).map((c) => ({
    id: c.id,
    name: c.name,
    items: (itemsIn.get(c.id) ?? []).map((e) => e.item),
  }));
  const known = new Set(snapshot.categories.map((c) => c.id));
  const uncategorized = [...itemsIn.entries()]
    .filter(([categoryId]) => !known.has(categoryId))
    .flatMap(([, entries]) => entries.map((e) => e.item))
    .sort(byName);

  const shown = [...categories.flatMap((c) => c.items), ...uncategorized];
  const groupIds = new Set(shown.flatMap((i) => i.modifierGroupIds));
  const rateIds = new Set(shown.flatMap((i) => i.taxRateIds));
  return {
    document: {
      store: {
        id: store.id,
        currency: store.currency,
        taxInclusive: store.taxInclusive,
        timezone: store.timezone,
      },
      catalogVersion: snapshot.version,
      categories,
      uncategorized,
      modifierGroups: [...snapshot.groups]
        .filter((g) => groupIds.has(g.id))
        .sort(byName)
        .map((g) => ({
          id: g.id,
          name: g.name,
          minSelections: g.minSelections,
          maxSelections: g.maxSelections,
          options: (optionsOf.get(g.id) ?? []).map((o) => ({
            id: o.id,
            name: o.name,
            priceDeltaMinor: o.priceDeltaMinor,
          })),
        })),
      taxRates: [...snapshot.taxRates]
        .filter((r) => rateIds.has(r.id))
        .sort(byName)
        .map((r) => ({ id: r.id, name: r.name, rateBps: r.rateBps, inclusive: r.inclusive })),
    },
    validTo: nextExpiry(snapshot.unavailable, now),
  };
}
