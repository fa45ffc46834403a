import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import {
  compiled,
  compiledRows,
  placeholderSet,
  placeholdersOf,
  together,
  type Tx,
} from '@stratum/platform';
import { raise } from '../../contract.ts';
import type { ReservationRecord, ReservationRepository } from '../../application/ports.ts';
import { recipes, reservationHolds, reservations } from './schema.ts';

type ReservationRow = typeof reservations.$inferSelect;

function isUniqueViolation(err: unknown): boolean {
  // drizzle wraps driver errors; the Postgres error is somewhere down the causes.
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}

type HoldRow = typeof reservationHolds.$inferSelect;

// A reservation's reads and its settlement, run by every sale: compiled once (ADR 0016).
const reservationById = compiled<{ id: string }, ReservationRow[]>((db, p) =>
  db.select().from(reservations).where(eq(reservations.id, p.id)),
);
const lockReservationById = compiled<{ id: string }, ReservationRow[]>((db, p) =>
  db.select().from(reservations).where(eq(reservations.id, p.id)).for('update'),
);
const holdsById = compiled<{ id: string }, HoldRow[]>((db, p) =>
  db
    .select()
    .from(reservationHolds)
    .where(eq(reservationHolds.reservationId, p.id))
    .orderBy(asc(reservationHolds.position)),
);
const recipesOf = compiled<{ ids: string[] }, (typeof recipes.$inferSelect)[]>((db, p) =>
  db
    .select()
    .from(recipes)
    .where(sql`${recipes.variantId} = any(${p.ids}::uuid[])`),
);
const insertReservationRow = compiled<
  Omit<ReservationRecord, 'holds'> & { tenantId: string },
  unknown
>((db, p) =>
  db
    .insert(reservations)
    .values(
      placeholdersOf(p, [
        'id',
        'tenantId',
        'storeId',
        'status',
        'policy',
        'lines',
        'reference',
        'expiresAt',
        'createdAt',
        'settledAt',
        'saleBatchId',
      ]),
    ),
);
const insertHolds = compiledRows<HoldRow, unknown>((db, rows) =>
  db
    .insert(reservationHolds)
    .values(
      rows.map((p) =>
        placeholdersOf(p, [
          'tenantId',
          'reservationId',
          'storeId',
          'stockItemId',
          'position',
          'quantity',
        ]),
      ),
    ),
);
const settle = compiled<
  Pick<ReservationRow, 'id' | 'status' | 'settledAt' | 'saleBatchId'>,
  Pick<ReservationRow, 'status' | 'settledAt' | 'saleBatchId'>[]
>((db, p) =>
  db
    .update(reservations)
    .set(
      placeholderSet<ReservationRow>({
        status: p.status,
        settledAt: p.settledAt,
        saleBatchId: sql`coalesce(${p.saleBatchId}::uuid, ${reservations.saleBatchId})`,
      }),
    )
    .where(eq(reservations.id, p.id))
    .returning({
      status: reservations.status,
      settledAt: reservations.settledAt,
      saleBatchId: reservations.saleBatchId,
    }),
);

export function reservationRepository(tx: Tx, tenantId: string): ReservationRepository {
  const holdsOf = (ids: readonly string[]) =>
    tx
      .select()
      .from(reservationHolds)
      .where(inArray(reservationHolds.reservationId, [...ids]))
      .orderBy(asc(reservationHolds.reservationId), asc(reservationHolds.position));

  const withHolds = async (rows: ReservationRow[]) =>
    rows.length === 0 ? [] : assemble(rows, await holdsOf(rows.map((r) => r.id)));

  function assemble(rows: ReservationRow[], holds: HoldRow[]): ReservationRecord[] {
    return rows.map((r) => ({
      id: r.id,
      storeId: r.storeId,
      status: r.status,
      policy: r.policy,
      lines: r.lines,
      holds: holds
        .filter((h) => h.reservationId === r.id)
        .map((h) => ({ stockItemId: h.stockItemId, quantity: h.quantity })),
      reference: r.reference,
      expiresAt: r.expiresAt,
      createdAt: r.createdAt,
      settledAt: r.settledAt,
      saleBatchId: r.saleBatchId,
    }));
  }

  const recipeOf = (r: typeof recipes.$inferSelect) => ({
    variantId: r.variantId,
    components: r.components,
    updatedAt: r.updatedAt,
  });

  return {
    async insertReservation(r) {
      const { holds, ...row } = r;
      await together([
        insertReservationRow(tx, { ...row, tenantId }).catch((err: unknown) => {
          // The id is the caller's: taken by a concurrent retry or, invisibly, by another tenant.
          if (isUniqueViolation(err)) {
            raise('reservation-conflict', 'This reservation id is taken.');
          }
          throw err;
        }),
        holds.length > 0 &&
          insertHolds(
            tx,
            holds.map((h, position) => ({
              tenantId,
              reservationId: r.id,
              storeId: r.storeId,
              stockItemId: h.stockItemId,
              position,
              quantity: h.quantity,
            })),
          ),
      ]);
    },
    async findReservation(id, lock = false) {
      // The holds are read with the row, behind its lock.
      const [rows, holds] = await together([
        (lock ? lockReservationById : reservationById)(tx, { id }),
        holdsById(tx, { id }),
      ]);
      return assemble(rows, holds)[0];
    },
    async settleReservation(reservation, patch) {
      // A patch without a sale batch keeps the one the row has.
      const [row] = await settle(tx, {
        id: reservation.id,
        status: patch.status,
        settledAt: patch.settledAt,
        saleBatchId: patch.saleBatchId ?? null,
      });
      if (!row) throw new Error(`reservation ${reservation.id} vanished`);
      return { ...reservation, ...row };
    },
    async dueReservations(now, limit) {
      const rows = await tx
        .select()
        .from(reservations)
        .where(
          and(
            eq(reservations.tenantId, tenantId),
            eq(reservations.status, 'active'),
            lte(reservations.expiresAt, now),
          ),
        )
        .orderBy(asc(reservations.expiresAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      return withHolds(rows);
    },

    async findRecipes(variantIds) {
      if (variantIds.length === 0) return new Map();
      const rows = await recipesOf(tx, { ids: [...variantIds] });
      return new Map(rows.map((r) => [r.variantId, r.components]));
    },
    async findRecipe(variantId) {
      const [row] = await tx.select().from(recipes).where(eq(recipes.variantId, variantId));
      return row && recipeOf(row);
    },
    async saveRecipe(variantId, components) {
      const [row] = await tx
        .insert(recipes)
        .values({ variantId, tenantId, components: [...components] })
        .onConflictDoUpdate({
          target: recipes.variantId,
          set: { components: [...components], updatedAt: sql`now()` },
        })
        .returning();
      return recipeOf(row!);
    },
    async deleteRecipe(variantId) {
      const rows = await tx
        .delete(recipes)
        .where(eq(recipes.variantId, variantId))
        .returning({ id: recipes.variantId });
      return rows.length === 1;
    },
    async listRecipes(query, after) {
      const rows = await tx
        .select()
        .from(recipes)
        .where(
          and(
            eq(recipes.tenantId, tenantId),
            query.componentId
              ? sql`${recipes.components} @> ${JSON.stringify([{ stockItemId: query.componentId }])}::jsonb`
              : undefined,
            after ? gt(recipes.variantId, after) : undefined,
          ),
        )
        .orderBy(asc(recipes.variantId))
        .limit(query.limit);
      return rows.map(recipeOf);
    },
  };
}
