import type { z } from 'zod';
import type { AuditEntry, CallContext, EventDefinition } from '@stratum/platform';
import type { ListItemsQuery, ListModifierGroupsQuery, ListTaxRatesQuery } from '../contract.ts';
import type { MenuSnapshot, MenuStore } from '../domain/menu.ts';

export type { MenuSnapshot, MenuStore } from '../domain/menu.ts';

/** Keyset position of the last row of a page: the sort key values, id last. */
export type After = readonly (string | number)[];

export interface CategoryRecord {
  id: string;
  name: string;
  position: number;
  createdAt: Date;
}

export interface ItemRecord {
  id: string;
  name: string;
  kind: 'menu' | 'retail' | 'ingredient';
  unit: 'each' | 'g' | 'ml';
  categoryId: string | null;
  description: string | null;
  imageUrl: string | null;
  kitchenStation: string | null;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface VariantRecord {
  id: string;
  itemId: string;
  name: string;
  sku: string | null;
  barcode: string | null;
  priceMinor: number;
  position: number;
}

export interface GroupRecord {
  id: string;
  name: string;
  minSelections: number;
  maxSelections: number;
  createdAt: Date;
}

export interface OptionRecord {
  id: string;
  groupId: string;
  name: string;
  priceDeltaMinor: number;
  position: number;
}

export interface TaxRateRecord {
  id: string;
  name: string;
  rateBps: number;
  inclusive: boolean;
  active: boolean;
  usedAt: Date | null;
  createdAt: Date;
}

export interface OverrideRecord {
  storeId: string;
  variantId: string;
  itemId: string;
  priceMinor: number;
  basePriceMinor: number;
  updatedAt: Date;
}

export interface UnavailableRecord {
  storeId: string;
  itemId: string;
  until: Date | null;
}

export interface AuditRecord {
  id: string;
  at: Date;
  actorId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export interface Link {
  itemId: string;
  targetId: string;
  position: number;
}

/** The catalog's data inside one tenant-scoped transaction. */
export interface CatalogRepository {
  listCategories(limit: number, after?: After): Promise<CategoryRecord[]>;
  /** Every category, locked for the rest of the transaction (reorder, append). */
  lockCategories(): Promise<CategoryRecord[]>;
  findCategory(id: string): Promise<CategoryRecord | undefined>;
  insertCategory(c: Omit<CategoryRecord, 'createdAt'>): Promise<CategoryRecord>;
  updateCategory(id: string, patch: { name?: string; position?: number }): Promise<CategoryRecord>;
  deleteCategory(id: string): Promise<void>;
  itemsInCategory(id: string): Promise<ItemRecord[]>;

  listItems(query: ListItemsQuery, limit: number, after?: After): Promise<ItemRecord[]>;
  findItem(id: string, options?: { lock?: boolean }): Promise<ItemRecord | undefined>;
  insertItem(item: Omit<ItemRecord, 'archivedAt' | 'createdAt' | 'updatedAt'>): Promise<ItemRecord>;
  updateItem(
    id: string,
    patch: Partial<
      Pick<ItemRecord, 'name' | 'categoryId' | 'description' | 'imageUrl' | 'kitchenStation'>
    > & {
      archived?: true;
    },
  ): Promise<ItemRecord>;

  variantsOf(itemIds: readonly string[]): Promise<VariantRecord[]>;
  findVariant(id: string, options?: { lock?: boolean }): Promise<VariantRecord | undefined>;
  findVariantByCode(
    code: { sku: string } | { barcode: string },
  ): Promise<VariantRecord | undefined>;
  /** Raises sku-taken / barcode-taken when a code is already used in the tenant. */
  insertVariants(variants: readonly VariantRecord[]): Promise<VariantRecord[]>;
  updateVariant(
    id: string,
    patch: Partial<Pick<VariantRecord, 'name' | 'sku' | 'barcode' | 'priceMinor'>>,
  ): Promise<VariantRecord>;

  groupLinksOf(itemIds: readonly string[]): Promise<Link[]>;
  setGroupLinks(itemId: string, groupIds: readonly string[]): Promise<void>;
  taxLinksOf(itemIds: readonly string[]): Promise<Link[]>;
  setTaxLinks(itemId: string, taxRateIds: readonly string[]): Promise<void>;

  listGroups(query: ListModifierGroupsQuery, limit: number, after?: After): Promise<GroupRecord[]>;
  findGroups(ids: readonly string[], options?: { lock?: boolean }): Promise<GroupRecord[]>;
  insertGroup(g: Omit<GroupRecord, 'createdAt'>): Promise<GroupRecord>;
  updateGroup(
    id: string,
    patch: Partial<Pick<GroupRecord, 'name' | 'minSelections' | 'maxSelections'>>,
  ): Promise<GroupRecord>;
  optionsOf(groupIds: readonly string[]): Promise<OptionRecord[]>;
  insertOptions(options: readonly OptionRecord[]): Promise<void>;
  updateOption(
    id: string,
    patch: Partial<Pick<OptionRecord, 'name' | 'priceDeltaMinor'>>,
  ): Promise<OptionRecord>;
  deleteOption(id: string): Promise<void>;

  listTaxRates(query: ListTaxRatesQuery, limit: number, after?: After): Promise<TaxRateRecord[]>;
  findTaxRates(ids: readonly string[], options?: { lock?: boolean }): Promise<TaxRateRecord[]>;
  insertTaxRate(r: Omit<TaxRateRecord, 'usedAt' | 'createdAt' | 'active'>): Promise<TaxRateRecord>;
  updateTaxRate(
    id: string,
    patch: Partial<Pick<TaxRateRecord, 'name' | 'rateBps' | 'inclusive' | 'active'>>,
  ): Promise<TaxRateRecord>;
  deleteTaxRate(id: string): Promise<void>;
  /** Marks rates used (once, for good). */
  markTaxRatesUsed(ids: readonly string[]): Promise<void>;

  listOverrides(storeId: string, limit: number, after?: After): Promise<OverrideRecord[]>;
  findOverride(storeId: string, variantId: string): Promise<OverrideRecord | undefined>;
  upsertOverride(storeId: string, variantId: string, priceMinor: number): Promise<OverrideRecord>;
  deleteOverride(storeId: string, variantId: string): Promise<void>;
  findUnavailable(storeId: string, itemId: string): Promise<UnavailableRecord | undefined>;
  listUnavailable(
    storeId: string,
    now: Date,
    limit: number,
    after?: After,
  ): Promise<UnavailableRecord[]>;
  setUnavailable(storeId: string, itemId: string, until: Date | null): Promise<void>;
  clearUnavailable(storeId: string, itemId: string): Promise<void>;

  audit(entry: AuditEntry): Promise<void>;
  priceHistory(
    entityType: string,
    entityId: string,
    limit: number,
    after?: After,
  ): Promise<AuditRecord[]>;

  /** Records an integration event in the outbox, in this transaction. */
  emit<S extends z.ZodType>(event: EventDefinition<string, S>, payload: z.input<S>): Promise<void>;
}

/** Entry point to the catalog's storage. */
export interface CatalogStore {
  read<T>(tenantId: string, fn: (repo: CatalogRepository) => Promise<T>): Promise<T>;
  /**
   * A write transaction. It bumps the tenant's catalog version first (which
   * also serialises the tenant's catalog writes) and records one
   * catalog-changed event with the new version before committing.
   */
  write<T>(tenantId: string, fn: (repo: CatalogRepository) => Promise<T>): Promise<T>;
}

/** What the menu read path loads on a cache miss. */
export interface MenuSource {
  /** The tenant's current catalog version (0 before the first write). */
  version(tenantId: string): Promise<number>;
  /** One consistent snapshot (a single statement) of what one store's menu shows. */
  snapshot(tenantId: string, storeId: string): Promise<MenuSnapshot>;
}

/** The stores the catalog prices and sells in: owned by store-ops. */
export interface Stores {
  /** The store (`active` false once archived), or a `store-not-found` error. */
  get(ctx: CallContext, storeId: string): Promise<MenuStore & { active: boolean }>;
}

export interface Clock {
  now(): Date;
}
