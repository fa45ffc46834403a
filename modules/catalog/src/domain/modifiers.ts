/** How many options of a modifier group a customer chooses: "choose 1–2 sauces". */
export interface SelectionBounds {
  readonly minSelections: number;
  readonly maxSelections: number;
}

export type BoundsProblem = 'min-above-max' | 'max-below-one' | 'min-above-options';

/**
 * Why a group's bounds cannot work, or null. A group must allow at least one
 * choice, and a required minimum must be reachable with the options it has:
 * otherwise no order could ever include the item.
 */
export function boundsProblem(bounds: SelectionBounds, optionCount: number): BoundsProblem | null {
  if (bounds.maxSelections < 1) return 'max-below-one';
  if (bounds.minSelections > bounds.maxSelections) return 'min-above-max';
  if (bounds.minSelections > optionCount) return 'min-above-options';
  return null;
}

export interface GroupForSelection extends SelectionBounds {
  readonly id: string;
  readonly options: readonly { readonly id: string; readonly priceDeltaMinor: number }[];
}

export type SelectionResult =
  | { ok: true; deltaMinor: number }
  | {
      ok: false;
      reason: 'unknown-option' | 'duplicate-option' | 'too-few' | 'too-many';
      groupId?: string;
    };

/**
 * Checks a customer's choice of options against an item's modifier groups:
 * every option must belong to one of them, be chosen at most once, and each
 * group's count must lie within its bounds (an unused optional group counts 0).
 */
export function checkSelection(
  groups: readonly GroupForSelection[],
  optionIds: readonly string[],
): SelectionResult {
  if (new Set(optionIds).size !== optionIds.length)
    return { ok: false, reason: 'duplicate-option' };
  const groupOf = new Map<string, GroupForSelection>();
  const deltaOf = new Map<string, number>();
  for (const g of groups) {
    for (const o of g.options) {
      groupOf.set(o.id, g);
      deltaOf.set(o.id, o.priceDeltaMinor);
    }
  }
  const counts = new Map<string, number>();
  let deltaMinor = 0;
  for (const id of optionIds) {
    const group = groupOf.get(id);
    if (!group) return { ok: false, reason: 'unknown-option' };
    counts.set(group.id, (counts.get(group.id) ?? 0) + 1);
    deltaMinor += deltaOf.get(id) ?? 0;
  }
  for (const g of groups) {
    const n = counts.get(g.id) ?? 0;
    if (n < g.minSelections) return { ok: false, reason: 'too-few', groupId: g.id };
    if (n > g.maxSelections) return { ok: false, reason: 'too-many', groupId: g.id };
  }
  return { ok: true, deltaMinor };
}
