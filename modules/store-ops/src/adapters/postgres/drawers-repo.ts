import { and, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import { compiled, placeholdersOf, type Tx } from '@stratum/platform';
import {
  raise,
  type DrawerMovementView,
  type DrawerSessionView,
  type MovementKind,
  type ZReport,
} from '../../contract.ts';
import type { NewMovement, StoreOpsRepository } from '../../application/ports.ts';
import { drawerMovements, drawerSessions, zReports } from './schema.ts';
import { isUniqueViolation } from '@stratum/platform';
import { iso, keyset } from './paging.ts';

type SessionRow = typeof drawerSessions.$inferSelect;
type MovementRow = typeof drawerMovements.$inferSelect;
type ZRow = typeof zReports.$inferSelect;

const toSessionView = (r: SessionRow): DrawerSessionView => ({
  id: r.id,
  storeId: r.storeId,
  registerId: r.registerId,
  status: r.status,
  currency: r.currency,
  openingFloatMinor: r.openingFloatMinor,
  openedBy: r.openedBy,
  openedAt: iso(r.openedAt),
  closedBy: r.closedBy,
  closedAt: r.closedAt && iso(r.closedAt),
});

const toMovementView =
  (currency: string) =>
  (r: MovementRow): DrawerMovementView => ({
    id: r.id,
    sessionId: r.sessionId,
    registerId: r.registerId,
    kind: r.kind,
    tender: r.tender,
    amountMinor: r.amountMinor,
    currency,
    reason: r.reason,
    reference: r.reference,
    actorId: r.actorId,
    at: iso(r.at),
  });

const toZReport = (r: ZRow): ZReport => ({
  id: r.id,
  sessionId: r.sessionId,
  storeId: r.storeId,
  registerId: r.registerId,
  currency: r.currency,
  openedAt: iso(r.openedAt),
  openingFloatMinor: r.openingFloatMinor,
  cashInMinor: r.cashInMinor,
  cashOutMinor: r.cashOutMinor,
  cashSalesMinor: r.cashSalesMinor,
  cashRefundsMinor: r.cashRefundsMinor,
  expectedCashMinor: r.expectedCashMinor,
  tenders: r.tenders as ZReport['tenders'],
  movementCount: r.movementCount,
  countedCashMinor: r.countedCashMinor,
  overShortMinor: r.overShortMinor,
  reason: r.reason,
  closedBy: r.closedBy,
  closedAt: iso(r.closedAt),
});

type DrawersPart = Pick<
  StoreOpsRepository,
  | 'insertSession'
  | 'findSession'
  | 'findOpenSession'
  | 'listSessions'
  | 'closeSession'
  | 'insertMovement'
  | 'findMovementByReference'
  | 'movementTotals'
  | 'listMovements'
  | 'insertZReport'
  | 'findZReport'
>;

// The statements every sale's drawer posting runs, compiled once (ADR 0016).
const openSession = (p: { registerId: SQLWrapper }) =>
  and(eq(drawerSessions.registerId, p.registerId), eq(drawerSessions.status, 'open'));
const findOpenSession = compiled<{ registerId: string }, SessionRow[]>((db, p) =>
  db.select().from(drawerSessions).where(openSession(p)),
);
const lockOpenSession = compiled<{ registerId: string }, SessionRow[]>((db, p) =>
  db.select().from(drawerSessions).where(openSession(p)).for('update'),
);
const insertMovement = compiled<NewMovement & { tenantId: string }, MovementRow[]>((db, p) =>
  db
    .insert(drawerMovements)
    .values(
      placeholdersOf(p, [
        'id',
        'tenantId',
        'sessionId',
        'registerId',
        'kind',
        'tender',
        'amountMinor',
        'reason',
        'reference',
        'actorId',
      ]),
    )
    .returning(),
);
const movementByReference = compiled<
  { registerId: string; kind: MovementKind; reference: string },
  MovementRow[]
>((db, p) =>
  db
    .select()
    .from(drawerMovements)
    .where(
      and(
        eq(drawerMovements.registerId, p.registerId),
        eq(drawerMovements.kind, p.kind),
        eq(drawerMovements.reference, p.reference),
      ),
    ),
);

export function drawersRepository(tx: Tx, tenantId: string): DrawersPart {
  return {
    async insertSession(session) {
      try {
        const [row] = await tx
          .insert(drawerSessions)
          .values({ ...session, tenantId, status: 'open' })
          .returning();
        return toSessionView(row!);
      } catch (err) {
        // The partial unique index decides races between concurrent opens.
        if (isUniqueViolation(err, 'drawer_sessions_one_open_key')) {
          raise('drawer-already-open', 'The register already has an open drawer session.');
        }
        throw err;
      }
    },
    async findSession(id, options = {}) {
      const query = tx.select().from(drawerSessions).where(eq(drawerSessions.id, id));
      const [row] = await (options.lock ? query.for('update') : query);
      return row && toSessionView(row);
    },
    async findOpenSession(registerId, options = {}) {
      const [row] = await (options.lock ? lockOpenSession : findOpenSession)(tx, { registerId });
      return row && toSessionView(row);
    },
    async listSessions(query, stores) {
      const k = keyset(
        'drawer-sessions',
        query.sort.replace('openedAt', 'id'),
        { id: [drawerSessions.id] },
        query.cursor,
      );
      const rows = await tx
        .select()
        .from(drawerSessions)
        .where(
          and(
            eq(drawerSessions.tenantId, tenantId),
            query.storeId ? eq(drawerSessions.storeId, query.storeId) : undefined,
            query.registerId ? eq(drawerSessions.registerId, query.registerId) : undefined,
            stores ? inArray(drawerSessions.storeId, [...stores]) : undefined,
            query.status ? eq(drawerSessions.status, query.status) : undefined,
            k.after,
          ),
        )
        .orderBy(...k.orderBy)
        .limit(query.limit + 1);
      return k.page(rows, query.limit, toSessionView, (r) => [r.id]);
    },
    async closeSession(id, closedBy, closedAt) {
      const [row] = await tx
        .update(drawerSessions)
        .set({ status: 'closed', closedBy, closedAt })
        .where(and(eq(drawerSessions.id, id), eq(drawerSessions.status, 'open')))
        .returning();
      if (!row) raise('drawer-not-open', 'The drawer session is already closed.');
      return toSessionView(row);
    },

    async insertMovement(movement, currency) {
      const [row] = await insertMovement(tx, { ...movement, tenantId });
      return toMovementView(currency)(row!);
    },
    async findMovementByReference(registerId, kind, reference, currency) {
      const [row] = await movementByReference(tx, { registerId, kind, reference });
      return row && toMovementView(currency)(row);
    },
    async movementTotals(sessionId) {
      const rows = await tx
        .select({
          kind: drawerMovements.kind,
          tender: drawerMovements.tender,
          amountMinor: sql<number>`sum(${drawerMovements.amountMinor})`.mapWith(Number),
          count: sql<number>`count(*)::int`.mapWith(Number),
        })
        .from(drawerMovements)
        .where(eq(drawerMovements.sessionId, sessionId))
        .groupBy(drawerMovements.kind, drawerMovements.tender);
      return rows.map((r) => ({ ...r, kind: r.kind }));
    },
    async listMovements(sessionId, currency, query) {
      const k = keyset(
        'drawer-movements',
        query.sort.replace('at', 'id'),
        { id: [drawerMovements.id] },
        query.cursor,
      );
      const rows = await tx
        .select()
        .from(drawerMovements)
        .where(
          and(
            eq(drawerMovements.tenantId, tenantId),
            eq(drawerMovements.sessionId, sessionId),
            query.kind ? eq(drawerMovements.kind, query.kind) : undefined,
            k.after,
          ),
        )
        .orderBy(...k.orderBy)
        .limit(query.limit + 1);
      return k.page(rows, query.limit, toMovementView(currency), (r) => [r.id]);
    },
    async insertZReport(report) {
      const [row] = await tx
        .insert(zReports)
        .values({
          ...report,
          tenantId,
          openedAt: new Date(report.openedAt),
          closedAt: new Date(report.closedAt),
        })
        .returning();
      return toZReport(row!);
    },
    async findZReport(sessionId) {
      const [row] = await tx.select().from(zReports).where(eq(zReports.sessionId, sessionId));
      return row && toZReport(row);
    },
  };
}
