import type { CallContext } from '@stratum/platform';
import {
  maxReportDays,
  raise,
  salesSummaryQuery,
  type OrderingApi,
  type TopItemView,
} from '../contract.ts';
import { assertStoreAccess } from './order-writer.ts';
import type { Stores } from './ports.ts';

/** The figures of one store's window, as the database adds them up. */
export interface SalesTotals {
  orderCount: number;
  grossMinor: number;
  taxMinor: number;
  tipsMinor: number;
  refundedMinor: number;
  /** The orders' currency; null when nothing was sold. */
  currency: string | null;
  topItems: TopItemView[];
}

/**
 * Sales reports, read straight from ordering's tables: the receipts say what
 * was charged (taxes as printed), the orders say what was refunded since.
 */
export interface SalesReports {
  totals(
    ctx: CallContext,
    window: { storeId: string; from: Date; to: Date; top: number },
  ): Promise<SalesTotals>;
}

const dayMs = 86_400_000;

/** Checks the window, the caller's store scope and the store, then adds the sales up. */
export function salesSummary(deps: {
  reports: SalesReports;
  stores: Stores;
}): OrderingApi['salesSummary'] {
  return async (ctx, raw) => {
    const query = salesSummaryQuery.parse(raw);
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to <= from) raise('invalid-report-window', 'The window must end after it starts.');
    if (to.getTime() - from.getTime() > maxReportDays * dayMs) {
      raise('invalid-report-window', `A window spans at most ${maxReportDays} days.`, {
        maxDays: maxReportDays,
      });
    }
    assertStoreAccess(ctx, query.storeId);
    // The store's currency answers for a window in which nothing was sold.
    const store = await deps.stores.get(ctx, query.storeId);
    const totals = await deps.reports.totals(ctx, {
      storeId: query.storeId,
      from,
      to,
      top: query.top,
    });
    return {
      storeId: query.storeId,
      from: from.toISOString(),
      to: to.toISOString(),
      ...totals,
      currency: totals.currency ?? store.currency,
    };
  };
}
