import type { MenuDocument, QuoteView } from '../contract.ts';
import { checkSelection, type GroupForSelection, type SelectionResult } from './modifiers.ts';
import { unitPrice, type UnitPrice } from './pricing.ts';

interface QuotableOption {
  readonly id: string;
  readonly groupId: string;
  readonly name: string;
  readonly priceDeltaMinor: number;
}

/** What every line of one item shares, resolved once per menu. */
interface QuotableItem {
  readonly id: string;
  readonly name: string;
  readonly kitchenStation: string | null;
  readonly available: boolean;
  /** The item's modifier groups in the order the POS offers them. */
  readonly groups: readonly GroupForSelection[];
  /** The item's active tax rates, in the item's order. */
  readonly taxRates: readonly QuoteView['taxRates'][number][];
}

interface QuotableVariant {
  readonly item: QuotableItem;
  readonly id: string;
  readonly name: string;
  /** The store's price: its override, or else the base price. */
  readonly priceMinor: number;
}

/** A store's menu indexed for quoting: a line costs a few map lookups. */
export interface MenuQuotes {
  readonly variants: ReadonlyMap<string, QuotableVariant>;
  readonly options: ReadonlyMap<string, QuotableOption>;
}

/** Indexes a menu document by variant and by option. */
export function indexMenu(menu: MenuDocument): MenuQuotes {
  const options = new Map<string, QuotableOption>();
  const groups = new Map<string, GroupForSelection>();
  for (const g of menu.modifierGroups) {
    const own = g.options.map((o) => ({ ...o, groupId: g.id }));
    for (const o of own) options.set(o.id, o);
    groups.set(g.id, { ...g, options: own });
  }
  const rates = new Map(menu.taxRates.map((r) => [r.id, r]));
  const variants = new Map<string, QuotableVariant>();
  for (const i of [...menu.categories.flatMap((c) => c.items), ...menu.uncategorized]) {
    const item: QuotableItem = {
      id: i.id,
      name: i.name,
      kitchenStation: i.kitchenStation,
      available: i.available,
      groups: i.modifierGroupIds.flatMap((id) => groups.get(id) ?? []),
      taxRates: i.taxRateIds.flatMap((id) => rates.get(id) ?? []),
    };
    for (const v of i.variants) {
      variants.set(v.id, { item, id: v.id, name: v.name, priceMinor: v.priceMinor });
    }
  }
  return { variants, options };
}

/** A line's quote, or why the line cannot be priced. */
export type LineQuote = { ok: true; quote: QuoteView } | Extract<UnitPrice, { ok: false }>;
export type MenuQuote = LineQuote | Extract<SelectionResult, { ok: false }>;

/**
 * Prices one line from a store's menu: the variant's store price plus the
 * chosen options (in the order given), checked against the item's modifier
 * groups, with the item's active tax rates. `undefined` when the variant is
 * not on the menu (unknown, archived or an ingredient): the menu cannot say
 * which, the catalog itself can.
 */
export function quoteFromMenu(
  menu: MenuQuotes,
  variantId: string,
  optionIds: readonly string[],
): MenuQuote | undefined {
  const variant = menu.variants.get(variantId);
  if (!variant) return undefined;
  const { item } = variant;
  const selection = checkSelection(item.groups, optionIds);
  if (!selection.ok) return selection;
  // Every id passed the check, so each is an option of one of the item's groups.
  const chosen = optionIds.map((id) => menu.options.get(id)!);
  return lineQuote({
    item,
    variant,
    priceMinor: variant.priceMinor,
    chosen,
    taxRates: item.taxRates,
    available: item.available,
  });
}

/**
 * The quote of a line whose selection was checked: the store's price of the
 * variant plus the chosen options (in the order given), and copies of the
 * item's active tax rates (the caller keeps the quote; the menu is shared).
 * A line whose unit price would be negative or too large is not quoted.
 */
export function lineQuote(line: {
  item: { readonly id: string; readonly name: string; readonly kitchenStation: string | null };
  variant: { readonly id: string; readonly name: string };
  priceMinor: number;
  chosen: readonly QuotableOption[];
  taxRates: readonly QuoteView['taxRates'][number][];
  available: boolean;
}): LineQuote {
  const { item, variant, priceMinor, chosen } = line;
  const unit = unitPrice(
    priceMinor,
    chosen.map((o) => o.priceDeltaMinor),
  );
  if (!unit.ok) return unit;
  const quote: QuoteView = {
    itemId: item.id,
    itemName: item.name,
    variantId: variant.id,
    variantName: variant.name,
    variantPriceMinor: priceMinor,
    options: chosen.map((o) => ({
      id: o.id,
      groupId: o.groupId,
      name: o.name,
      priceDeltaMinor: o.priceDeltaMinor,
    })),
    unitPriceMinor: unit.unitPriceMinor,
    taxRates: line.taxRates.map((r) => ({
      id: r.id,
      name: r.name,
      rateBps: r.rateBps,
      inclusive: r.inclusive,
    })),
    kitchenStation: item.kitchenStation,
    available: line.available,
  };
  return { ok: true, quote };
}
