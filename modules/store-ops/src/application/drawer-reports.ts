import { newId } from '@stratum/platform';
import { raise, storeOpsEvents, type StoreOpsApi, type XReport } from '../contract.ts';
import { decideClose, drawerTotals } from '../domain/drawer.ts';
import type { StoreOpsDeps } from './deps.ts';
import { requireSession } from './drawer-sessions.ts';

/** The X report: a session's totals at any moment, open or closed. */
export function xReport(deps: StoreOpsDeps): StoreOpsApi['xReport'] {
  return (ctx, sessionId) =>
    deps.store.inTenant(ctx.tenantId, async (repo): Promise<XReport> => {
      const session = await requireSession(repo, ctx, sessionId);
      const totals = drawerTotals(await repo.movementTotals(sessionId));
      return {
        sessionId,
        storeId: session.storeId,
        registerId: session.registerId,
        currency: session.currency,
        status: session.status,
        openedAt: session.openedAt,
        ...totals,
      };
    });
}

/**
 * The Z close, in one transaction: lock the session, total its ledger, write
 * the Z report (append-only), close the session, audit and publish. The lock
 * keeps any movement from landing between the totals and the close; the
 * unique Z report per session is the backstop.
 */
export function closeDrawer(deps: StoreOpsDeps): StoreOpsApi['closeDrawer'] {
  return (ctx, sessionId, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const session = await requireSession(repo, ctx, sessionId, { lock: true, open: true });
      const totals = drawerTotals(await repo.movementTotals(sessionId));
      const decision = decideClose(totals, input.countedCashMinor, input.reason);
      const closedAt = deps.clock.now();
      const report = await repo.insertZReport({
        id: newId(),
        sessionId,
        storeId: session.storeId,
        registerId: session.registerId,
        currency: session.currency,
        openedAt: session.openedAt,
        ...totals,
        ...decision,
        closedBy: ctx.actor.id,
        closedAt: closedAt.toISOString(),
      });
      const closed = await repo.closeSession(sessionId, ctx.actor.id, closedAt);
      await repo.audit({
        action: 'drawer.z-close',
        entityType: 'drawer-session',
        entityId: sessionId,
        before: { ...session, expectedCashMinor: totals.expectedCashMinor },
        after: { ...closed, zReportId: report.id, countedCashMinor: report.countedCashMinor },
        reason: decision.reason,
      });
      await repo.emit(storeOpsEvents.drawerClosed, {
        sessionId,
        storeId: session.storeId,
        registerId: session.registerId,
        expectedCashMinor: report.expectedCashMinor,
        countedCashMinor: report.countedCashMinor,
        overShortMinor: report.overShortMinor,
        currency: report.currency,
      });
      return report;
    });
}

export function getZReport(deps: StoreOpsDeps): StoreOpsApi['getZReport'] {
  return (ctx, sessionId) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      await requireSession(repo, ctx, sessionId);
      const report = await repo.findZReport(sessionId);
      if (!report) raise('z-report-not-found', 'The session has no Z report yet.');
      return report;
    });
}
