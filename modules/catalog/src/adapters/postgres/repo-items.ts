import { and, asc, eq, getTableColumns, ilike, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import { raise } from '../../contract.ts';
import type { CatalogRepository, VariantRecord } from '../../application/ports.ts';
import { categories, items, variants } from './schema.ts';
import { isUniqueViolation } from '@stratum/platform';
import { containing, keyset, orderBy } from './sql-helpers.ts';

type ItemsRepo = Pick<
  CatalogRepository,
  | 'listCategories'
  | 'lockCategories'
  | 'findCategory'
  | 'insertCategory'
  | 'updateCategory'
  | 'deleteCategory'
  | 'itemsInCategory'
  | 'listItems'
  | 'findItem'
  | 'insertItem'
  | 'updateItem'
  | 'variantsOf'
  | 'findVariant'
  | 'findVariantByCode'
  | 'insertVariants'
  | 'updateVariant'
>;

const categoryColumns = {
  id: categories.id,
  name: categories.name,
  position: categories.position,
  createdAt: categories.createdAt,
};
const variantColumns = {
  id: variants.id,
  itemId: variants.itemId,
  name: variants.name,
  sku: variants.sku,
  barcode: variants.barcode,
  priceMinor: variants.priceMinor,
  position: variants.position,
};
const { tenantId: _t, ...itemColumns } = getTableColumns(items);

function codeTaken(err: unknown): never {
  if (isUniqueViolation(err, 'variants_sku_key'))
    raise('sku-taken', 'Another variant already has this SKU.');
  if (isUniqueViolation(err, 'variants_barcode_key')) {
    raise('barcode-taken', 'Another variant already has this barcode.');
  }
  throw err;
}

export function itemsRepository(tx: Tx, tenantId: string): ItemsRepo {
  return {
    async listCategories(limit, after) {
      const keys = [categories.position, categories.id];
      return tx
        .select(categoryColumns)
        .from(categories)
        .where(and(eq(categories.tenantId, tenantId), keyset(keys, after)))
        .orderBy(...orderBy(keys))
        .limit(limit);
    },
    async lockCategories() {
      return tx
        .select(categoryColumns)
        .from(categories)
        .orderBy(asc(categories.position))
        .for('update');
    },
    async findCategory(id) {
      const [row] = await tx.select(categoryColumns).from(categories).where(eq(categories.id, id));
      return row;
    },
    async insertCategory(c) {
      const [row] = await tx
        .insert(categories)
        .values({ ...c, tenantId })
        .returning(categoryColumns);
      return row!;
    },
    async updateCategory(id, patch) {
      const [row] = await tx
        .update(categories)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(categories.id, id))
        .returning(categoryColumns);
      if (!row) raise('category-not-found', 'No such category.');
      return row;
    },
    async deleteCategory(id) {
      await tx.delete(categories).where(eq(categories.id, id));
    },
    async itemsInCategory(id) {
      return tx.select(itemColumns).from(items).where(eq(items.categoryId, id)).for('update');
    },

    async listItems(query, limit, after) {
      const descending = query.sort.startsWith('-');
      const keys = query.sort.endsWith('name') ? [items.name, items.id] : [items.id];
      return tx
        .select(itemColumns)
        .from(items)
        .where(
          and(
            eq(items.tenantId, tenantId),
            query.archived ? isNotNull(items.archivedAt) : isNull(items.archivedAt),
            query.kind ? eq(items.kind, query.kind) : undefined,
            query.categoryId ? eq(items.categoryId, query.categoryId) : undefined,
            query.q ? ilike(items.name, containing(query.q)) : undefined,
            keyset(keys, after, descending),
          ),
        )
        .orderBy(...orderBy(keys, descending))
        .limit(limit);
    },
    async findItem(id, options) {
      const q = tx.select(itemColumns).from(items).where(eq(items.id, id));
      const [row] = options?.lock ? await q.for('update') : await q;
      return row;
    },
    async insertItem(item) {
      const [row] = await tx
        .insert(items)
        .values({ ...item, tenantId })
        .returning(itemColumns);
      return row!;
    },
    async updateItem(id, { archived, ...patch }) {
      const [row] = await tx
        .update(items)
        .set({ ...patch, ...(archived && { archivedAt: sql`now()` }), updatedAt: sql`now()` })
        .where(eq(items.id, id))
        .returning(itemColumns);
      if (!row) raise('item-not-found', 'No such item.');
      return row;
    },

    async variantsOf(itemIds) {
      if (itemIds.length === 0) return [];
      return tx
        .select(variantColumns)
        .from(variants)
        .where(inArray(variants.itemId, [...itemIds]))
        .orderBy(asc(variants.itemId), asc(variants.position));
    },
    async findVariant(id, options) {
      const q = tx.select(variantColumns).from(variants).where(eq(variants.id, id));
      const [row] = options?.lock ? await q.for('update') : await q;
      return row;
    },
    async findVariantByCode(code) {
      const [row] = await tx
        .select(variantColumns)
        .from(variants)
        .where(
          and(
            eq(variants.tenantId, tenantId),
            'sku' in code ? eq(variants.sku, code.sku) : eq(variants.barcode, code.barcode),
          ),
        );
      return row;
    },
    async insertVariants(list) {
      if (list.length === 0) return [];
      try {
        const rows = await tx
          .insert(variants)
          .values(list.map((v) => ({ ...v, tenantId })))
          .returning(variantColumns);
        return rows satisfies VariantRecord[];
      } catch (err) {
        codeTaken(err);
      }
    },
    async updateVariant(id, patch) {
      try {
        const [row] = await tx
          .update(variants)
          .set({ ...patch, updatedAt: sql`now()` })
          .where(eq(variants.id, id))
          .returning(variantColumns);
        if (!row) raise('variant-not-found', 'No such variant.');
        return row;
      } catch (err) {
        codeTaken(err);
      }
    },
  };
}
