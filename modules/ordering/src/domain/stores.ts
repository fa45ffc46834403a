/** An actor's store list holds ids, or `'*'` for every store of the tenant. */
export function canActInStore(stores: readonly string[], storeId: string): boolean {
  return stores.includes('*') || stores.includes(storeId);
}

/** The stores a list may show: null means all of them. */
export function visibleStores(stores: readonly string[]): string[] | null {
  return stores.includes('*') ? null : [...stores];
}
