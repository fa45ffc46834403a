import type { StratumApp } from '@stratum/platform';
import type { BffSources } from './sources.ts';
import { callerOf } from './call.ts';
import type { PartFailure } from './parts.ts';
import { posBootstrap, posBootstrapQuery, posBootstrapView } from './pos-bootstrap.ts';
import {
  backOfficeDashboard,
  dashboardPermission,
  dashboardQuery,
  dashboardView,
} from './back-office-dashboard.ts';

export interface BffOptions {
  /** Longest wait for one part of an answer (ms); a late part is answered `unavailable`. */
  partTimeoutMs?: number;
  /** Most open orders a bootstrap lists. */
  openOrdersLimit?: number;
  /** Best sellers a dashboard lists. */
  topItemsLimit?: number;
  /** Low stock levels a dashboard lists. */
  lowStockLimit?: number;
  /** What "today" is for a dashboard without a date. */
  now?: () => Date;
}

export const bffDefaults = {
  partTimeoutMs: 2500,
  openOrdersLimit: 100,
  topItemsLimit: 10,
  lowStockLimit: 50,
} as const;

const tags = ['bff'];

/**
 * The backend-for-frontend routes: one call per screen, assembled from
 * several modules in parallel, each part under its own deadline. A part that
 * fails is answered `unavailable` with the reason; the route fails only for
 * a bad or forbidden request, or when no part could be loaded (ADR 0020).
 */
export function registerBffRoutes(
  app: StratumApp,
  sources: BffSources,
  options: BffOptions = {},
): void {
  const timeoutMs = options.partTimeoutMs ?? bffDefaults.partTimeoutMs;
  const now = options.now ?? (() => new Date());
  const settingsOf = (log: StratumApp['log']) => ({
    timeoutMs,
    onFailure: ({ part, error }: PartFailure) =>
      log.warn({ part, err: error }, 'a part of a BFF answer is unavailable'),
  });

  app.get(
    '/api/v1/bff/pos/bootstrap',
    {
      config: { access: { permission: 'stores:read' } },
      schema: {
        tags,
        summary:
          'Everything a register needs to start: its store, drawer, menu (with availability) and open orders',
        querystring: posBootstrapQuery,
        response: { 200: posBootstrapView },
      },
    },
    (request) =>
      posBootstrap(sources, callerOf(request), request.query.registerId, {
        ...settingsOf(request.log),
        limits: { openOrders: options.openOrdersLimit ?? bffDefaults.openOrdersLimit },
      }),
  );

  app.get(
    '/api/v1/bff/back-office/dashboard',
    {
      config: { access: { permission: dashboardPermission } },
      schema: {
        tags,
        summary:
          'A store’s day: sales totals and best sellers in the store’s time zone, and low stock',
        querystring: dashboardQuery,
        response: { 200: dashboardView },
      },
    },
    (request) =>
      backOfficeDashboard(sources, callerOf(request), request.query, {
        ...settingsOf(request.log),
        now,
        limits: {
          topItems: options.topItemsLimit ?? bffDefaults.topItemsLimit,
          lowStock: options.lowStockLimit ?? bffDefaults.lowStockLimit,
        },
      }),
  );
}
