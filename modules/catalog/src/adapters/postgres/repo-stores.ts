import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { recordAudit, type Tx } from '@stratum/platform';
import type { CatalogRepository } from '../../application/ports.ts';
import { auditLog, priceOverrides, unavailableItems, variants } from './schema.ts';

type StoresRepo = Pick<
  CatalogRepository,
  | 'listOverrides'
  | 'findOverride'
  | 'upsertOverride'
  | 'deleteOverride'
  | 'findUnavailable'
  | 'listUnavailable'
  | 'setUnavailable'
  | 'clearUnavailable'
  | 'audit'
  | 'priceHistory'
>;

const overrideColumns = {
  storeId: priceOverrides.storeId,
  variantId: priceOverrides.variantId,
  itemId: variants.itemId,
  priceMinor: priceOverrides.priceMinor,
  basePriceMinor: variants.priceMinor,
  updatedAt: priceOverrides.updatedAt,
};
const unavailableColumns = {
  storeId: unavailableItems.storeId,
  itemId: unavailableItems.itemId,
  until: unavailableItems.until,
};

export function storesRepository(tx: Tx, tenantId: string): StoresRepo {
  const overrides = () =>
    tx
      .select(overrideColumns)
      .from(priceOverrides)
      .innerJoin(variants, eq(variants.id, priceOverrides.variantId));

  const repo: StoresRepo = {
    async listOverrides(storeId, limit, after) {
      return overrides()
        .where(
          and(
            eq(priceOverrides.tenantId, tenantId),
            eq(priceOverrides.storeId, storeId),
            after ? gt(priceOverrides.variantId, String(after[0])) : undefined,
          ),
        )
        .orderBy(priceOverrides.variantId)
        .limit(limit);
    },
    async findOverride(storeId, variantId) {
      const [row] = await overrides().where(
        and(eq(priceOverrides.storeId, storeId), eq(priceOverrides.variantId, variantId)),
      );
      return row;
    },
    async upsertOverride(storeId, variantId, priceMinor) {
      await tx
        .insert(priceOverrides)
        .values({ tenantId, storeId, variantId, priceMinor })
        .onConflictDoUpdate({
          target: [priceOverrides.tenantId, priceOverrides.storeId, priceOverrides.variantId],
          set: { priceMinor, updatedAt: sql`now()` },
        });
      return (await repo.findOverride(storeId, variantId))!;
    },
    async deleteOverride(storeId, variantId) {
      await tx
        .delete(priceOverrides)
        .where(and(eq(priceOverrides.storeId, storeId), eq(priceOverrides.variantId, variantId)));
    },

    async findUnavailable(storeId, itemId) {
      const [row] = await tx
        .select(unavailableColumns)
        .from(unavailableItems)
        .where(and(eq(unavailableItems.storeId, storeId), eq(unavailableItems.itemId, itemId)));
      return row;
    },
    async listUnavailable(storeId, now, limit, after) {
      return tx
        .select(unavailableColumns)
        .from(unavailableItems)
        .where(
          and(
            eq(unavailableItems.tenantId, tenantId),
            eq(unavailableItems.storeId, storeId),
            or(isNull(unavailableItems.until), gt(unavailableItems.until, now)),
            after ? gt(unavailableItems.itemId, String(after[0])) : undefined,
          ),
        )
        .orderBy(unavailableItems.itemId)
        .limit(limit);
    },
    async setUnavailable(storeId, itemId, until) {
      await tx
        .insert(unavailableItems)
        .values({ tenantId, storeId, itemId, until })
        .onConflictDoUpdate({
          target: [unavailableItems.tenantId, unavailableItems.storeId, unavailableItems.itemId],
          set: { until, updatedAt: sql`now()` },
        });
    },
    async clearUnavailable(storeId, itemId) {
      await tx
        .delete(unavailableItems)
        .where(and(eq(unavailableItems.storeId, storeId), eq(unavailableItems.itemId, itemId)));
    },

    audit: (entry) => recordAudit(tx, auditLog, tenantId, entry),
    async priceHistory(entityType, entityId, limit, after) {
      return tx
        .select({
          id: auditLog.id,
          at: auditLog.at,
          actorId: auditLog.actorId,
          before: auditLog.before,
          after: auditLog.after,
          reason: auditLog.reason,
        })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.tenantId, tenantId),
            eq(auditLog.entityType, entityType),
            eq(auditLog.entityId, entityId),
            after ? lt(auditLog.id, String(after[0])) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(limit);
    },
  };
  return repo;
}
