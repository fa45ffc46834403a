import type { StoreOpsApi } from '../contract.ts';
import { storeFilter } from '../domain/access.ts';
import type { StoreOpsDeps } from './deps.ts';

/**
 * The audit log, where a manager finds Z closes and the sales or refunds that
 * could not be posted to a closed drawer. Staff limited to some stores see
 * only the entries about those stores.
 */
export function listAudit(deps: StoreOpsDeps): StoreOpsApi['listAudit'] {
  return (ctx, query) =>
    deps.store.inTenant(ctx.tenantId, (repo) => repo.listAudit(query, storeFilter(ctx.actor)));
}
