import type { Cache, CallContext } from '@stratum/platform';
import { invalidCursor, isUuid, type CursorScope } from '@stratum/platform';
import { raise } from '../contract.ts';
import type { After, CatalogStore, Clock, MenuSource, Stores } from './ports.ts';

export interface CatalogSettings {
  /** How long a tenant's catalog version is cached: the backstop if an event is missed. */
  versionTtlMs: number;
  /** How long a built menu is cached (less if an availability entry expires sooner). */
  menuTtlMs: number;
}

export const defaultSettings: CatalogSettings = { versionTtlMs: 60_000, menuTtlMs: 10 * 60_000 };

export interface CatalogDeps {
  store: CatalogStore;
  menus: MenuSource;
  stores: Stores;
  cache: Cache;
  clock: Clock;
  settings: CatalogSettings;
}

/** Staff scoped to some stores (a PIN session on a till) act only in those. */
export function assertStoreAccess(ctx: CallContext, storeId: string): void {
  const { stores } = ctx.actor;
  if (!stores.includes('*') && !stores.includes(storeId)) {
    raise('store-not-allowed', 'You may not act in this store.');
  }
}

/**
 * Decodes a cursor of the list `cursors` scopes, whose values are the sort
 * keys of the last row: `shape` says which are strings ('s'), numbers ('n')
 * and uuids ('u'). Another list's cursor is `invalid-cursor`.
 */
export function afterOf(
  cursors: CursorScope,
  cursor: string | undefined,
  shape: readonly ('s' | 'n' | 'u')[],
): After | undefined {
  const values = cursors.decode(cursor, shape.length);
  if (values === undefined) return undefined;
  shape.forEach((kind, i) => {
    const v = values[i];
    const ok =
      kind === 'n' ? typeof v === 'number' : typeof v === 'string' && (kind === 's' || isUuid(v));
    if (!ok) throw invalidCursor();
  });
  return values;
}
