import {
  auditEntryView,
  callContextOf,
  listAuditQuery,
  pageOf,
  type StratumApp,
} from '@stratum/platform';
import type { InventoryApi } from '../../contract.ts';
import { base, tags } from './stock-routes.ts';

/** The audit log: read-only, for owners and managers. */
export function auditRoutes(app: StratumApp, api: InventoryApi): void {
  app.get(
    `${base}/audit`,
    {
      config: { access: { permission: 'inventory:audit' } },
      schema: {
        tags,
        summary:
          'List audit entries (stock moved by hand, counts, thresholds, recipes), newest first',
        querystring: listAuditQuery,
        response: { 200: pageOf(auditEntryView) },
      },
    },
    (request) => api.listAudit(callContextOf(request), request.query),
  );
}
