import {
  auditEntryView,
  callContextOf,
  listAuditQuery,
  pageOf,
  type StratumApp,
} from '@stratum/platform';
import type { StoreOpsApi } from '../../contract.ts';
import { base, tags } from './store-routes.ts';

/** The audit log: read-only, for owners and managers. */
export function auditRoutes(app: StratumApp, api: StoreOpsApi): void {
  app.get(
    `${base}/audit`,
    {
      config: { access: { permission: 'stores:audit' } },
      schema: {
        tags,
        summary:
          'List audit entries (store and register changes, Z closes, skipped drawer postings), newest first',
        querystring: listAuditQuery,
        response: { 200: pageOf(auditEntryView) },
      },
    },
    (request) => api.listAudit(callContextOf(request), request.query),
  );
}
