import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import { raise } from '../../contract.ts';
import type { CatalogRepository, Link } from '../../application/ports.ts';
import {
  itemModifierGroups,
  itemTaxRates,
  modifierGroups,
  modifierOptions,
  taxRates,
} from './schema.ts';
import { keyset, orderBy } from './sql-helpers.ts';

type ModifiersRepo = Pick<
  CatalogRepository,
  | 'groupLinksOf'
  | 'setGroupLinks'
  | 'taxLinksOf'
  | 'setTaxLinks'
  | 'listGroups'
  | 'findGroups'
  | 'insertGroup'
  | 'updateGroup'
  | 'optionsOf'
  | 'insertOptions'
  | 'updateOption'
  | 'deleteOption'
  | 'listTaxRates'
  | 'findTaxRates'
  | 'insertTaxRate'
  | 'updateTaxRate'
  | 'deleteTaxRate'
  | 'markTaxRatesUsed'
>;

const { tenantId: _g, updatedAt: _gu, ...groupColumns } = getTableColumns(modifierGroups);
const { tenantId: _o, createdAt: _oc, ...optionColumns } = getTableColumns(modifierOptions);
const { tenantId: _r, updatedAt: _ru, ...rateColumns } = getTableColumns(taxRates);

export function modifiersRepository(tx: Tx, tenantId: string): ModifiersRepo {
  return {
    async groupLinksOf(itemIds): Promise<Link[]> {
      if (itemIds.length === 0) return [];
      return tx
        .select({
          itemId: itemModifierGroups.itemId,
          targetId: itemModifierGroups.groupId,
          position: itemModifierGroups.position,
        })
        .from(itemModifierGroups)
        .where(inArray(itemModifierGroups.itemId, [...itemIds]));
    },
    async setGroupLinks(itemId, groupIds) {
      await tx.delete(itemModifierGroups).where(eq(itemModifierGroups.itemId, itemId));
      if (groupIds.length === 0) return;
      await tx
        .insert(itemModifierGroups)
        .values(groupIds.map((groupId, position) => ({ tenantId, itemId, groupId, position })));
    },
    async taxLinksOf(itemIds): Promise<Link[]> {
      if (itemIds.length === 0) return [];
      return tx
        .select({
          itemId: itemTaxRates.itemId,
          targetId: itemTaxRates.taxRateId,
          position: itemTaxRates.position,
        })
        .from(itemTaxRates)
        .where(inArray(itemTaxRates.itemId, [...itemIds]));
    },
    async setTaxLinks(itemId, taxRateIds) {
      await tx.delete(itemTaxRates).where(eq(itemTaxRates.itemId, itemId));
      if (taxRateIds.length === 0) return;
      await tx
        .insert(itemTaxRates)
        .values(
          taxRateIds.map((taxRateId, position) => ({ tenantId, itemId, taxRateId, position })),
        );
    },

    async listGroups(query, limit, after) {
      const descending = query.sort.startsWith('-');
      const keys = query.sort.endsWith('name')
        ? [modifierGroups.name, modifierGroups.id]
        : [modifierGroups.id];
      return tx
        .select(groupColumns)
        .from(modifierGroups)
        .where(and(eq(modifierGroups.tenantId, tenantId), keyset(keys, after, descending)))
        .orderBy(...orderBy(keys, descending))
        .limit(limit);
    },
    async findGroups(ids, options) {
      if (ids.length === 0) return [];
      const q = tx
        .select(groupColumns)
        .from(modifierGroups)
        .where(inArray(modifierGroups.id, [...ids]));
      return options?.lock ? q.for('update') : q;
    },
    async insertGroup(g) {
      const [row] = await tx
        .insert(modifierGroups)
        .values({ ...g, tenantId })
        .returning(groupColumns);
      return row!;
    },
    async updateGroup(id, patch) {
      const [row] = await tx
        .update(modifierGroups)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(modifierGroups.id, id))
        .returning(groupColumns);
      if (!row) raise('modifier-group-not-found', 'No such modifier group.');
      return row;
    },
    async optionsOf(groupIds) {
      if (groupIds.length === 0) return [];
      return tx
        .select(optionColumns)
        .from(modifierOptions)
        .where(inArray(modifierOptions.groupId, [...groupIds]))
        .orderBy(asc(modifierOptions.groupId), asc(modifierOptions.position));
    },
    async insertOptions(options) {
      if (options.length === 0) return;
      await tx.insert(modifierOptions).values(options.map((o) => ({ ...o, tenantId })));
    },
    async updateOption(id, patch) {
      const [row] = await tx
        .update(modifierOptions)
        .set(patch)
        .where(eq(modifierOptions.id, id))
        .returning(optionColumns);
      if (!row) raise('modifier-option-not-found', 'No such option.');
      return row;
    },
    async deleteOption(id) {
      await tx.delete(modifierOptions).where(eq(modifierOptions.id, id));
    },

    async listTaxRates(query, limit, after) {
      const descending = query.sort.startsWith('-');
      const keys = [taxRates.id];
      return tx
        .select(rateColumns)
        .from(taxRates)
        .where(
          and(
            eq(taxRates.tenantId, tenantId),
            query.active === undefined ? undefined : eq(taxRates.active, query.active),
            keyset(keys, after, descending),
          ),
        )
        .orderBy(...orderBy(keys, descending))
        .limit(limit);
    },
    async findTaxRates(ids, options) {
      if (ids.length === 0) return [];
      const q = tx
        .select(rateColumns)
        .from(taxRates)
        .where(inArray(taxRates.id, [...ids]));
      return options?.lock ? q.for('update') : q;
    },
    async insertTaxRate(r) {
      const [row] = await tx
        .insert(taxRates)
        .values({ ...r, tenantId })
        .returning(rateColumns);
      return row!;
    },
    async updateTaxRate(id, patch) {
      const [row] = await tx
        .update(taxRates)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(taxRates.id, id))
        .returning(rateColumns);
      if (!row) raise('tax-rate-not-found', 'No such tax rate.');
      return row;
    },
    async deleteTaxRate(id) {
      await tx.delete(taxRates).where(eq(taxRates.id, id));
    },
    async markTaxRatesUsed(ids) {
      if (ids.length === 0) return;
      await tx
        .update(taxRates)
        .set({ usedAt: sql`coalesce(${taxRates.usedAt}, now())` })
        .where(inArray(taxRates.id, [...ids]));
    },
  };
}
