import { sql } from 'drizzle-orm';
import { rowsOf, transactionAs, type Database } from '@stratum/platform';
import type { SalesReports, SalesTotals } from '../../application/sales-summary.ts';
import type { TopItemView } from '../../contract.ts';

interface TotalsRow {
  order_count: number | string;
  gross: number | string | bigint;
  tax: number | string | bigint;
  tips: number | string | bigint;
  refunded: number | string | bigint;
  currency: string | null;
  top_items: TopItemRow[] | string | null;
}

interface TopItemRow {
  variantId: string;
  name: string;
  variantName: string | null;
  quantity: number | string;
  revenue: number | string;
}

/** Statuses of an order that was paid and whose payment stands (refunds are reported apart). */
const soldStatuses = sql.raw(`('paid', 'closed', 'partially-refunded', 'refunded')`);

/**
 * One statement: the receipts of the window (index on tenant, store, time)
 * joined to their orders, summed, plus the best sellers from the orders'
 * live lines. A voided line stays on its order priced at nothing, so it is
 * left out; a line's revenue is the receipt's line amount: quantity × unit
 * price with modifiers, before discounts.
 */
function totalsQuery(tenantId: string, w: { storeId: string; from: Date; to: Date; top: number }) {
  return sql`
    with sold as (
      select o.state, r.document
      from ordering.receipts r
      join ordering.orders o on o.tenant_id = r.tenant_id and o.id = r.order_id
      where r.tenant_id = ${tenantId} and r.store_id = ${w.storeId}
        and r.created_at >= ${w.from.toISOString()}::timestamptz
        and r.created_at < ${w.to.toISOString()}::timestamptz
        and o.status in ${soldStatuses}
    ),
    lines as (
      select l
      from sold, jsonb_array_elements(sold.state -> 'lines') l
      where coalesce(jsonb_typeof(l -> 'voided'), 'null') = 'null'
    ),
    items as (
      select l ->> 'variantId' as "variantId",
        max(l ->> 'name') as name,
        max(l ->> 'variantName') as "variantName",
        sum((l ->> 'quantity')::bigint) as quantity,
        sum((l ->> 'quantity')::bigint * ((l ->> 'unitPrice')::bigint + coalesce(
          (select sum((m ->> 'priceDelta')::bigint) from jsonb_array_elements(l -> 'modifiers') m),
          0))) as revenue
      from lines
      group by 1
      order by revenue desc, quantity desc, 1
      limit ${w.top}
    )
    select
      (select count(*) from sold)::int as order_count,
      (select coalesce(sum((document ->> 'total')::bigint - (document ->> 'tip')::bigint), 0)
        from sold)::bigint as gross,
      (select coalesce(sum((t ->> 'amount')::bigint), 0)
        from sold, jsonb_array_elements(sold.document -> 'taxes') t)::bigint as tax,
      (select coalesce(sum((document ->> 'tip')::bigint), 0) from sold)::bigint as tips,
      (select coalesce(sum((state ->> 'refundedAmount')::bigint), 0) from sold)::bigint as refunded,
      (select min(document ->> 'currency') from sold) as currency,
      (select coalesce(jsonb_agg(items), '[]'::jsonb) from items) as top_items`;
}

const toNumber = (v: number | string | bigint | null | undefined) => Number(v ?? 0);

function toTopItem(row: TopItemRow): TopItemView {
  return {
    variantId: row.variantId,
    name: row.name,
    variantName: row.variantName ?? '',
    quantity: toNumber(row.quantity),
    revenueMinor: toNumber(row.revenue),
  };
}

function toTotals(row: TotalsRow | undefined): SalesTotals {
  const raw = row?.top_items ?? [];
  const items = typeof raw === 'string' ? (JSON.parse(raw) as TopItemRow[]) : raw;
  return {
    orderCount: toNumber(row?.order_count),
    grossMinor: toNumber(row?.gross),
    taxMinor: toNumber(row?.tax),
    tipsMinor: toNumber(row?.tips),
    refundedMinor: toNumber(row?.refunded),
    currency: row?.currency ?? null,
    topItems: items.map(toTopItem),
  };
}

/** Sales reports on ordering's PostgreSQL tables, inside the tenant's RLS scope. */
export function pgSalesReports(database: Database): SalesReports {
  return {
    totals: (ctx, window) =>
      transactionAs(database, ctx, async (tx) =>
        toTotals(rowsOf<TotalsRow>(await tx.execute(totalsQuery(ctx.tenantId, window)))[0]),
      ),
  };
}
