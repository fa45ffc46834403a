import type { CallContext } from '@stratum/platform';
import type {
  ChangeDeltaInput,
  ChangePriceInput,
  CreateCategoryInput,
  CreateItemInput,
  CreateModifierGroupInput,
  CreateTaxRateInput,
  ListCategoriesQuery,
  ListItemsQuery,
  ListModifierGroupsQuery,
  ListStorePricesQuery,
  ListUnavailableQuery,
  ListTaxRatesQuery,
  LookupQuery,
  ModifierOptionInput,
  PriceHistoryQuery,
  QuoteLineInput,
  ReorderCategoriesInput,
  SetAvailabilityInput,
  UpdateCategoryInput,
  UpdateItemInput,
  UpdateModifierGroupInput,
  UpdateTaxRateInput,
  UpdateVariantInput,
  VariantInput,
} from './inputs.ts';
import type {
  AvailabilityView,
  CategoryView,
  ItemView,
  LookupView,
  ModifierGroupView,
  PriceChangeView,
  QuoteView,
  StorePriceView,
  TaxRateView,
  VariantView,
} from './views.ts';
import type { SerializedMenu } from './menu.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The catalog's public API: what other modules and the HTTP adapter call.
 * Every write commits with its events (outbox) and bumps the tenant's catalog
 * version; price changes are also written to the audit log.
 */
export interface CatalogApi {
  listCategories(ctx: CallContext, query: ListCategoriesQuery): Promise<Page<CategoryView>>;
  createCategory(ctx: CallContext, input: CreateCategoryInput): Promise<CategoryView>;
  updateCategory(
    ctx: CallContext,
    categoryId: string,
    input: UpdateCategoryInput,
  ): Promise<CategoryView>;
  /** Sets the menu order; the list must name every category once. */
  reorderCategories(ctx: CallContext, input: ReorderCategoriesInput): Promise<CategoryView[]>;
  /** Only a category no live item is in; archived items in it lose their category. */
  deleteCategory(ctx: CallContext, categoryId: string): Promise<void>;

  listItems(ctx: CallContext, query: ListItemsQuery): Promise<Page<ItemView>>;
  getItem(ctx: CallContext, itemId: string): Promise<ItemView>;
  /** The item and variant with this SKU or barcode (unique per tenant). */
  lookup(ctx: CallContext, query: LookupQuery): Promise<LookupView>;
  createItem(ctx: CallContext, input: CreateItemInput): Promise<ItemView>;
  updateItem(ctx: CallContext, itemId: string, input: UpdateItemInput): Promise<ItemView>;
  /** Items are archived, never deleted: an item may have been sold. */
  archiveItem(ctx: CallContext, itemId: string): Promise<ItemView>;
  setItemModifierGroups(ctx: CallContext, itemId: string, groupIds: string[]): Promise<ItemView>;
  /** Attaching a rate marks it used: from then on it can only be deactivated. */
  setItemTaxRates(ctx: CallContext, itemId: string, taxRateIds: string[]): Promise<ItemView>;

  addVariant(ctx: CallContext, itemId: string, input: VariantInput): Promise<VariantView>;
  updateVariant(
    ctx: CallContext,
    itemId: string,
    variantId: string,
    input: UpdateVariantInput,
  ): Promise<VariantView>;
  changeBasePrice(
    ctx: CallContext,
    itemId: string,
    variantId: string,
    input: ChangePriceInput,
  ): Promise<VariantView>;
  priceHistory(
    ctx: CallContext,
    variantId: string,
    query: PriceHistoryQuery,
  ): Promise<Page<PriceChangeView>>;

  listModifierGroups(
    ctx: CallContext,
    query: ListModifierGroupsQuery,
  ): Promise<Page<ModifierGroupView>>;
  getModifierGroup(ctx: CallContext, groupId: string): Promise<ModifierGroupView>;
  createModifierGroup(
    ctx: CallContext,
    input: CreateModifierGroupInput,
  ): Promise<ModifierGroupView>;
  updateModifierGroup(
    ctx: CallContext,
    groupId: string,
    input: UpdateModifierGroupInput,
  ): Promise<ModifierGroupView>;
  addModifierOption(
    ctx: CallContext,
    groupId: string,
    input: ModifierOptionInput,
  ): Promise<ModifierGroupView>;
  renameModifierOption(
    ctx: CallContext,
    groupId: string,
    optionId: string,
    name: string,
  ): Promise<ModifierGroupView>;
  changeModifierOptionPrice(
    ctx: CallContext,
    groupId: string,
    optionId: string,
    input: ChangeDeltaInput,
  ): Promise<ModifierGroupView>;
  removeModifierOption(
    ctx: CallContext,
    groupId: string,
    optionId: string,
  ): Promise<ModifierGroupView>;

  listTaxRates(ctx: CallContext, query: ListTaxRatesQuery): Promise<Page<TaxRateView>>;
  createTaxRate(ctx: CallContext, input: CreateTaxRateInput): Promise<TaxRateView>;
  /** A used rate may only be (de)activated; change it by creating a new rate. */
  updateTaxRate(
    ctx: CallContext,
    taxRateId: string,
    input: UpdateTaxRateInput,
  ): Promise<TaxRateView>;
  /** Only a rate that was never attached to an item. */
  deleteTaxRate(ctx: CallContext, taxRateId: string): Promise<void>;

  listStorePrices(
    ctx: CallContext,
    storeId: string,
    query: ListStorePricesQuery,
  ): Promise<Page<StorePriceView>>;
  setStorePrice(
    ctx: CallContext,
    storeId: string,
    variantId: string,
    input: ChangePriceInput,
  ): Promise<StorePriceView>;
  /** Back to the base price in this store. */
  removeStorePrice(
    ctx: CallContext,
    storeId: string,
    variantId: string,
    reason?: string,
  ): Promise<void>;
  setAvailability(
    ctx: CallContext,
    storeId: string,
    itemId: string,
    input: SetAvailabilityInput,
  ): Promise<AvailabilityView>;
  /** The items unavailable in the store now, by item id. */
  listUnavailable(
    ctx: CallContext,
    storeId: string,
    query: ListUnavailableQuery,
  ): Promise<Page<AvailabilityView>>;

  /** The POS menu of a store, served from the cache (see ADR 0010). */
  menu(ctx: CallContext, storeId: string): Promise<SerializedMenu>;
  /** Prices one order line in a store: variant, chosen options, taxes; validates the choice. */
  quoteLine(ctx: CallContext, storeId: string, input: QuoteLineInput): Promise<QuoteView>;
}
