import { callContextOf, type StratumApp } from '@stratum/platform';
import { salesSummaryQuery, salesSummaryView, type OrderingApi } from '../../contract.ts';
import { base } from './shared.ts';

const reports = { access: { permission: 'ordering:reports' } } as const;

/** Reports for the back office: sales totals and best sellers of a store. */
export function reportRoutes(app: StratumApp, api: OrderingApi): void {
  app.get(
    `${base}/reports/sales`,
    {
      config: reports,
      schema: {
        tags: ['ordering', 'reports'],
        summary:
          'Sales of a store in [from, to): order count, gross, tax, tips, refunds and best sellers',
        querystring: salesSummaryQuery,
        response: { 200: salesSummaryView },
      },
    },
    (request) => api.salesSummary(callContextOf(request), request.query),
  );
}
