/**
 * Prices are integer minor units. A store's override replaces the base price
 * in that store only; the catalog is never copied per store.
 */
export function effectivePrice(
  baseMinor: number,
  overrideMinor: number | null | undefined,
): number {
  return overrideMinor ?? baseMinor;
}

/** One unit of a line: the variant's effective price plus the chosen options' deltas. */
export function unitPrice(variantPriceMinor: number, deltasMinor: readonly number[]): number {
  return deltasMinor.reduce((sum, d) => sum + d, variantPriceMinor);
}
