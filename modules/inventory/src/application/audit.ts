import { cursorScope, toPage } from '@stratum/platform';
import type { InventoryApi } from '../contract.ts';
import { visibleStores } from '../domain/stores.ts';
import type { InventoryDeps } from './ports.ts';

/**
 * The audit log of stock moved by hand, counts, thresholds and recipes. Staff
 * limited to some stores see only the entries about those stores.
 */
export function listAudit(deps: InventoryDeps): InventoryApi['listAudit'] {
  return async (ctx, query) => {
    const cursors = cursorScope('audit', query.sort);
    const after = cursors.decodeId(query.cursor);
    return deps.store.inTenant(ctx, async (repo) => {
      const rows = await repo.listAudit(
        { ...query, limit: query.limit + 1 },
        after,
        visibleStores(ctx.actor.stores),
      );
      return toPage(
        rows,
        query.limit,
        (r) => r,
        cursors.keyOf((r) => [r.id]),
      );
    });
  };
}
