import { newId, type CallContext } from '@stratum/platform';
import { raise, type DrawerSessionView, type StoreOpsApi } from '../contract.ts';
import { storeFilter } from '../domain/access.ts';
import { assertCashAvailable, CASH, drawerTotals } from '../domain/drawer.ts';
import { assertStoreAccess, type StoreOpsDeps } from './deps.ts';
import type { StoreOpsRepository } from './ports.ts';
import { requireRegister } from './registers.ts';
import { requireStore } from './stores.ts';

/**
 * The session, checked against the caller's stores. With `lock`, the session
 * row is held until commit: every movement and the Z close take this lock, so
 * a balance read under it cannot change before the write that depends on it.
 */
export async function requireSession(
  repo: StoreOpsRepository,
  ctx: CallContext,
  sessionId: string,
  options: { lock?: boolean; open?: boolean } = {},
): Promise<DrawerSessionView> {
  const session = await repo.findSession(sessionId, { lock: options.lock ?? false });
  if (!session) raise('drawer-not-found', 'No such drawer session.');
  assertStoreAccess(ctx, session.storeId);
  if (options.open && session.status !== 'open') {
    raise('drawer-not-open', 'The drawer session is closed.');
  }
  return session;
}

export function openDrawer(deps: StoreOpsDeps): StoreOpsApi['openDrawer'] {
  return (ctx, registerId, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      // Shared locks: a concurrent deactivation or archive waits for this open, or wins first.
      const register = await requireRegister(repo, registerId, { active: true, lock: 'share' });
      assertStoreAccess(ctx, register.storeId);
      const store = await requireStore(repo, register.storeId, { active: true, lock: 'share' });
      const session = await repo.insertSession({
        id: newId(),
        storeId: store.id,
        registerId,
        currency: store.currency,
        openingFloatMinor: input.openingFloatMinor,
        openedBy: ctx.actor.id,
      });
      await repo.insertMovement(
        {
          id: newId(),
          sessionId: session.id,
          registerId,
          kind: 'float',
          tender: CASH,
          amountMinor: input.openingFloatMinor,
          reason: null,
          reference: null,
          actorId: ctx.actor.id,
        },
        store.currency,
      );
      return session;
    });
}

export function currentDrawer(deps: StoreOpsDeps): StoreOpsApi['currentDrawer'] {
  return (ctx, registerId) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const register = await requireRegister(repo, registerId);
      assertStoreAccess(ctx, register.storeId);
      const session = await repo.findOpenSession(registerId);
      if (!session) raise('drawer-not-open', 'The register has no open drawer session.');
      return session;
    });
}

export function getDrawerSession(deps: StoreOpsDeps): StoreOpsApi['getDrawerSession'] {
  return (ctx, sessionId) =>
    deps.store.inTenant(ctx.tenantId, (repo) => requireSession(repo, ctx, sessionId));
}

/** Scoped as `listRegisters` is: a `storeId` filter naming another store is refused. */
export function listDrawerSessions(deps: StoreOpsDeps): StoreOpsApi['listDrawerSessions'] {
  return (ctx, query) => {
    if (query.storeId) assertStoreAccess(ctx, query.storeId);
    return deps.store.inTenant(ctx.tenantId, (repo) =>
      repo.listSessions(query, storeFilter(ctx.actor)),
    );
  };
}

/**
 * A cash-in or cash-out, idempotent on the caller's key: the key is the
 * movement's reference, unique per register and kind, so a retry finds the
 * movement its first attempt recorded. The look-up runs behind the session
 * lock every movement takes: a retry racing its first attempt waits for it,
 * then finds its movement instead of recording a second one.
 */
function cashMovement(deps: StoreOpsDeps, kind: 'cash-in' | 'cash-out'): StoreOpsApi['cashIn'] {
  return (ctx, sessionId, input, idempotencyKey) => {
    if (!idempotencyKey) {
      raise(
        'idempotency-key-required',
        'Cash in and out move money: send an Idempotency-Key header, and the same one on a retry.',
      );
    }
    return deps.store.inTenant(ctx.tenantId, async (repo) => {
      const session = await requireSession(repo, ctx, sessionId, { lock: true });
      const existing = await repo.findMovementByReference(
        session.registerId,
        kind,
        idempotencyKey,
        session.currency,
      );
      if (existing) {
        const same =
          existing.sessionId === sessionId &&
          existing.amountMinor === input.amountMinor &&
          existing.reason === input.reason;
        if (!same) {
          raise(
            'idempotency-key-reused',
            `This Idempotency-Key was used for another ${kind} of the register.`,
          );
        }
        return { movement: existing, replayed: true };
      }
      if (session.status !== 'open') raise('drawer-not-open', 'The drawer session is closed.');
      if (kind === 'cash-out') {
        assertCashAvailable(drawerTotals(await repo.movementTotals(sessionId)), input.amountMinor);
      }
      const movement = await repo.insertMovement(
        {
          id: newId(),
          sessionId,
          registerId: session.registerId,
          kind,
          tender: CASH,
          amountMinor: input.amountMinor,
          reason: input.reason,
          reference: idempotencyKey,
          actorId: ctx.actor.id,
        },
        session.currency,
      );
      return { movement, replayed: false };
    });
  };
}

export const cashIn = (deps: StoreOpsDeps) => cashMovement(deps, 'cash-in');
export const cashOut = (deps: StoreOpsDeps) => cashMovement(deps, 'cash-out');

/**
 * A sale or refund posted to the register's open drawer. The reference makes
 * it idempotent: a retry returns the movement already recorded, even after
 * the session closed.
 */
export function recordDrawerMovement(deps: StoreOpsDeps): StoreOpsApi['recordDrawerMovement'] {
  return (ctx, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const register = await requireRegister(repo, input.registerId);
      assertStoreAccess(ctx, register.storeId);
      const session = await repo.findOpenSession(input.registerId, { lock: true });
      const store = session ?? (await requireStore(repo, register.storeId));
      const existing = await repo.findMovementByReference(
        input.registerId,
        input.kind,
        input.reference,
        store.currency,
      );
      if (existing) {
        if (existing.tender === input.tender && existing.amountMinor === input.amountMinor) {
          return existing;
        }
        raise(
          'movement-reference-conflict',
          'This reference was already posted with a different tender or amount.',
          { existing },
        );
      }
      if (!session) raise('drawer-not-open', 'The register has no open drawer session.');
      if (input.kind === 'refund' && input.tender === CASH) {
        assertCashAvailable(drawerTotals(await repo.movementTotals(session.id)), input.amountMinor);
      }
      return repo.insertMovement(
        {
          id: newId(),
          sessionId: session.id,
          registerId: input.registerId,
          kind: input.kind,
          tender: input.tender,
          amountMinor: input.amountMinor,
          reason: null,
          reference: input.reference,
          actorId: ctx.actor.id,
        },
        session.currency,
      );
    });
}

export function listDrawerMovements(deps: StoreOpsDeps): StoreOpsApi['listDrawerMovements'] {
  return (ctx, sessionId, query) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const session = await requireSession(repo, ctx, sessionId);
      return repo.listMovements(sessionId, session.currency, query);
    });
}
