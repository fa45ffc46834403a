import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '@stratum/platform';
import type { MenuSnapshot, MenuSource } from '../../application/ports.ts';
import { versions } from './schema.ts';

const list = (select: string) => sql.raw(`coalesce((${select}), '[]'::json)`);
const live = `i.archived_at is null and i.kind <> 'ingredient'`;

/**
 * Everything one store's menu shows, as one JSON value from ONE statement: a
 * single snapshot even under READ COMMITTED, and one round trip. Row order is
 * left to the domain, which sorts deterministically.
 */
function snapshotQuery(storeId: string) {
  return sql`select json_build_object(
    'version', coalesce((select version from catalog.versions), 0),
    'categories', ${list(`select json_agg(json_build_object('id', c.id, 'name', c.name, 'position', c.position)) from catalog.categories c`)},
    'items', ${list(`select json_agg(json_build_object('id', i.id, 'categoryId', i.category_id, 'name', i.name, 'kind', i.kind, 'description', i.description, 'imageUrl', i.image_url, 'kitchenStation', i.kitchen_station)) from catalog.items i where ${live}`)},
    'variants', ${list(`select json_agg(json_build_object('id', v.id, 'itemId', v.item_id, 'name', v.name, 'sku', v.sku, 'barcode', v.barcode, 'priceMinor', v.price_minor, 'position', v.position)) from catalog.variants v join catalog.items i on i.id = v.item_id where ${live}`)},
    'overrides', coalesce((select json_agg(json_build_object('variantId', o.variant_id, 'priceMinor', o.price_minor)) from catalog.price_overrides o where o.store_id = ${storeId}), '[]'::json),
    'unavailable', coalesce((select json_agg(json_build_object('itemId', u.item_id, 'until', (extract(epoch from u.until) * 1000)::bigint)) from catalog.unavailable_items u where u.store_id = ${storeId}), '[]'::json),
    'itemGroups', ${list(`select json_agg(json_build_object('itemId', l.item_id, 'groupId', l.group_id, 'position', l.position)) from catalog.item_modifier_groups l join catalog.items i on i.id = l.item_id where ${live}`)},
    'groups', ${list(`select json_agg(json_build_object('id', g.id, 'name', g.name, 'minSelections', g.min_selections, 'maxSelections', g.max_selections)) from catalog.modifier_groups g where g.id in (select l.group_id from catalog.item_modifier_groups l)`)},
    'options', ${list(`select json_agg(json_build_object('id', o.id, 'groupId', o.group_id, 'name', o.name, 'priceDeltaMinor', o.price_delta_minor, 'position', o.position)) from catalog.modifier_options o where o.group_id in (select l.group_id from catalog.item_modifier_groups l)`)},
    'itemTaxRates', ${list(`select json_agg(json_build_object('itemId', l.item_id, 'taxRateId', l.tax_rate_id, 'position', l.position)) from catalog.item_tax_rates l join catalog.items i on i.id = l.item_id where ${live}`)},
    'taxRates', ${list(`select json_agg(json_build_object('id', r.id, 'name', r.name, 'rateBps', r.rate_bps, 'inclusive', r.inclusive)) from catalog.tax_rates r where r.active`)}
  ) as snapshot`;
}

export function pgMenuSource(database: Database): MenuSource {
  return {
    version: (tenantId) =>
      database.transaction(
        async (tx) => {
          const [row] = await tx.select({ version: versions.version }).from(versions);
          return row?.version ?? 0;
        },
        { tenantId },
      ),
    snapshot: (tenantId, storeId) =>
      database.transaction(
        async (tx) => {
          const [row] = rowsOf<{ snapshot: MenuSnapshot | string }>(
            await tx.execute(snapshotQuery(storeId)),
          );
          const value = row!.snapshot;
          return typeof value === 'string' ? (JSON.parse(value) as MenuSnapshot) : value;
        },
        { tenantId },
      ),
  };
}
