import { z } from 'zod';
import { storeView, type StoreView } from '@stratum/store-ops/contract';
import { salesSummaryView, topItemView, type SalesSummaryView } from '@stratum/ordering/contract';
import { levelView } from '@stratum/inventory/contract';
import type { BffSources } from './sources.ts';
import { denied, mayRead, type BffCaller } from './call.ts';
import { isCalendarDate, localDate, localDayWindow } from './local-day.ts';
import {
  assertSomePart,
  dataOf,
  isRequestError,
  missing,
  partOf,
  runPart,
  type Part,
} from './parts.ts';
import type { PartSettings } from './pos-bootstrap.ts';

export const dashboardQuery = z.object({
  storeId: z.uuid(),
  /** The store's calendar day; today in the store's time zone when left out. */
  date: z
    .string()
    .refine(isCalendarDate, { message: 'must be a calendar date written YYYY-MM-DD' })
    .optional(),
});

export const salesTotals = salesSummaryView.pick({
  orderCount: true,
  grossMinor: true,
  taxMinor: true,
  tipsMinor: true,
  refundedMinor: true,
  currency: true,
});
export type SalesTotalsView = z.infer<typeof salesTotals>;

export const dashboardView = z
  .object({
    storeId: z.uuid(),
    store: partOf(storeView),
    /** The day reported, in the store's time zone (null when the store could not be loaded). */
    date: z.string().nullable(),
    window: z.object({ from: z.string(), to: z.string() }).nullable(),
    sales: partOf(salesTotals),
    topItems: partOf(z.array(topItemView)),
    lowStock: partOf(z.array(levelView)),
  })
  .meta({ id: 'BackOfficeDashboard', description: 'A store’s day at a glance' });
export type DashboardView = z.infer<typeof dashboardView>;

const permissions = {
  store: 'stores:read',
  sales: 'ordering:reports',
  lowStock: 'inventory:read',
} as const;

export interface DashboardLimits {
  topItems: number;
  lowStock: number;
}

function salesParts(summary: Part<SalesSummaryView>): {
  sales: Part<SalesTotalsView>;
  topItems: Part<SalesSummaryView['topItems']>;
} {
  if (summary.status !== 'ok') return { sales: summary, topItems: summary };
  const { topItems, orderCount, grossMinor, taxMinor, tipsMinor, refundedMinor, currency } =
    summary.data;
  return {
    sales: {
      status: 'ok',
      data: { orderCount, grossMinor, taxMinor, tipsMinor, refundedMinor, currency },
    },
    topItems: { status: 'ok', data: topItems },
  };
}

/**
 * A store's day for the back office: sales totals and best sellers of the
 * store's local day (its time zone comes with the store) and the stock
 * running low. An unknown or forbidden store fails the request; any other
 * failure costs only its own part.
 */
export async function backOfficeDashboard(
  sources: BffSources,
  caller: BffCaller,
  query: z.output<typeof dashboardQuery>,
  settings: PartSettings & { limits: DashboardLimits; now: () => Date },
): Promise<DashboardView> {
  const { storeId } = query;
  const options = { timeoutMs: settings.timeoutMs, onFailure: settings.onFailure };
  const lowStock = mayRead(caller, permissions.lowStock)
    ? runPart(
        'lowStock',
        (signal) =>
          sources.lowStock({ ...caller, signal }, { storeId, limit: settings.limits.lowStock }),
        options,
      )
    : Promise.resolve(denied(permissions.lowStock));
  let store: Part<StoreView>;
  try {
    store = await runPart('store', (signal) => sources.getStore({ ...caller, signal }, storeId), {
      ...options,
      rethrow: isRequestError,
    });
  } catch (error) {
    await lowStock;
    throw error;
  }
  const timezone = dataOf(store)?.timezone;
  const date = timezone ? (query.date ?? localDate(settings.now(), timezone)) : null;
  const window = timezone && date ? localDayWindow(date, timezone) : null;
  const summary: Part<SalesSummaryView> = !mayRead(caller, permissions.sales)
    ? denied(permissions.sales)
    : window
      ? await runPart(
          'sales',
          (signal) =>
            sources.salesSummary(
              { ...caller, signal },
              { storeId, ...window, top: settings.limits.topItems },
            ),
          options,
        )
      : missing('store-unavailable', 'The store (and so its time zone) could not be loaded.');
  const parts = { store, ...salesParts(summary), lowStock: await lowStock };
  assertSomePart(parts);
  return { storeId, date, window, ...parts };
}

/** The dashboard is about money: its route asks for the sales permission. */
export const dashboardPermission = permissions.sales;
