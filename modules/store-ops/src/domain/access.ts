/** The part of an actor that store scoping needs. */
export interface ScopedActor {
  readonly kind: string;
  readonly stores: readonly string[];
}

/**
 * Whether the actor may act in the store: `*` (owners, unscoped staff) or the
 * store named in their session (a PIN session is scoped to its device's
 * store). Services and the system act on behalf of an already-checked request.
 */
export function mayActInStore(actor: ScopedActor, storeId: string): boolean {
  if (actor.kind !== 'user') return true;
  return actor.stores.includes('*') || actor.stores.includes(storeId);
}

/** The stores a list should be narrowed to, or undefined for every store. */
export function storeFilter(actor: ScopedActor): readonly string[] | undefined {
  if (actor.kind !== 'user' || actor.stores.includes('*')) return undefined;
  return actor.stores;
}
