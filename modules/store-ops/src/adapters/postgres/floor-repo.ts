import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import { raise, type SectionView, type TableView } from '../../contract.ts';
import type { StoreOpsRepository } from '../../application/ports.ts';
import { floorSections, floorTables } from './schema.ts';
import { isUniqueViolation } from '@stratum/platform';
import { iso, keyset } from './paging.ts';

type SectionRow = typeof floorSections.$inferSelect;
type TableRow = typeof floorTables.$inferSelect;

const toSectionView = (r: SectionRow): SectionView => ({
  id: r.id,
  storeId: r.storeId,
  name: r.name,
  position: r.position,
  status: r.status,
  createdAt: iso(r.createdAt),
});

const toTableView = (r: TableRow): TableView => ({
  id: r.id,
  storeId: r.storeId,
  sectionId: r.sectionId,
  name: r.name,
  seats: r.seats,
  active: r.active,
  createdAt: iso(r.createdAt),
});

async function guarded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'floor_sections_name_key')) {
      raise('section-name-taken', 'The store already has a section of that name.');
    }
    if (isUniqueViolation(err, 'floor_tables_name_key')) {
      raise('table-name-taken', 'The store already has a table of that name.');
    }
    throw err;
  }
}

type FloorPart = Pick<
  StoreOpsRepository,
  | 'insertSection'
  | 'findSection'
  | 'listSections'
  | 'updateSection'
  | 'activeTablesInSection'
  | 'insertTable'
  | 'findTable'
  | 'listTables'
  | 'updateTable'
>;

export function floorRepository(tx: Tx, tenantId: string): FloorPart {
  return {
    insertSection: (section) =>
      guarded(async () => {
        const [row] = await tx
          .insert(floorSections)
          .values({ ...section, tenantId })
          .returning();
        return toSectionView(row!);
      }),
    async findSection(id, options = {}) {
      const query = tx.select().from(floorSections).where(eq(floorSections.id, id));
      const [row] = await (options.lock ? query.for(options.lock) : query);
      return row && toSectionView(row);
    },
    async listSections(storeId, query) {
      // Display order is the only order: position, then name, the id breaking ties.
      const k = keyset(
        'sections',
        'position',
        { position: [floorSections.position, floorSections.name, floorSections.id] },
        query.cursor,
      );
      const rows = await tx
        .select()
        .from(floorSections)
        .where(
          and(
            eq(floorSections.tenantId, tenantId),
            eq(floorSections.storeId, storeId),
            eq(floorSections.status, query.status),
            k.after,
          ),
        )
        .orderBy(...k.orderBy)
        .limit(query.limit + 1);
      return k.page(rows, query.limit, toSectionView, (r) => [r.position, r.name, r.id]);
    },
    updateSection: (id, patch) =>
      guarded(async () => {
        const [row] = await tx
          .update(floorSections)
          .set(patch)
          .where(eq(floorSections.id, id))
          .returning();
        if (!row) raise('section-not-found', 'No such section.');
        return toSectionView(row);
      }),
    async activeTablesInSection(sectionId, limit) {
      // The window count is taken before the limit: the total of all active tables.
      const rows = await tx
        .select({
          id: floorTables.id,
          name: floorTables.name,
          total: sql<number>`(count(*) over ())::int`,
        })
        .from(floorTables)
        .where(
          and(
            eq(floorTables.tenantId, tenantId),
            eq(floorTables.sectionId, sectionId),
            eq(floorTables.active, true),
          ),
        )
        .orderBy(asc(floorTables.name), asc(floorTables.id))
        .limit(limit);
      return {
        total: rows[0]?.total ?? 0,
        tables: rows.map(({ id, name }) => ({ id, name })),
      };
    },

    insertTable: (table) =>
      guarded(async () => {
        const [row] = await tx
          .insert(floorTables)
          .values({ ...table, tenantId })
          .returning();
        return toTableView(row!);
      }),
    async findTable(id) {
      const [row] = await tx.select().from(floorTables).where(eq(floorTables.id, id));
      return row && toTableView(row);
    },
    async listTables(query) {
      const k = keyset(
        'tables',
        query.sort,
        { createdAt: [floorTables.id], name: [floorTables.name, floorTables.id] },
        query.cursor,
      );
      const rows = await tx
        .select()
        .from(floorTables)
        .where(
          and(
            eq(floorTables.tenantId, tenantId),
            eq(floorTables.storeId, query.storeId),
            query.sectionId ? eq(floorTables.sectionId, query.sectionId) : undefined,
            query.active === undefined ? undefined : eq(floorTables.active, query.active),
            k.after,
          ),
        )
        .orderBy(...k.orderBy)
        .limit(query.limit + 1);
      return k.page(rows, query.limit, toTableView, (r) =>
        query.sort.endsWith('name') ? [r.name, r.id] : [r.id],
      );
    },
    updateTable: (id, patch) =>
      guarded(async () => {
        const [row] = await tx
          .update(floorTables)
          .set(patch)
          .where(eq(floorTables.id, id))
          .returning();
        if (!row) raise('table-not-found', 'No such table.');
        return toTableView(row);
      }),
  };
}
