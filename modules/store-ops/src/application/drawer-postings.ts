import { newId, together, type Logger } from '@stratum/platform';
import { CASH, drawerTotals } from '../domain/drawer.ts';
import type { StoreOpsRepository } from './ports.ts';

/** Who the ledger names for movements posted from other modules' events. */
export const POSTED_BY_EVENTS = 'store-ops.drawer-postings';

/** A sale or refund that happened elsewhere (a checkout, a refund) and belongs in a drawer. */
export interface DrawerPosting {
  /** The store the sale was made in: the register must belong to it. */
  storeId: string;
  registerId: string;
  kind: 'sale' | 'refund';
  /** How it was paid: `cash` moves the drawer, other tenders are only totalled. */
  tender: string;
  /** Positive minor units: what the tender paid (a card's tip included) or gave back. */
  amountMinor: number;
  currency: string;
  /** The payment or refund id: the same posting twice is recorded once. */
  reference: string;
  /** When the sale or refund happened (the event's `occurredAt`). */
  occurredAt: string;
  /** The event it comes from, for the log and the audit trail. */
  source: string;
}

export type PostingOutcome =
  | 'posted'
  | 'already-posted'
  | 'no-open-drawer'
  | 'drawer-opened-later'
  | 'unknown-register'
  | 'currency-mismatch'
  | 'invalid-amount'
  | 'reference-conflict';

/**
 * Posts a sale or refund to the register's open drawer session, in the
 * caller's transaction. It never throws over the posting itself: the money
 * has already moved, so retrying cannot make a refused posting right and
 * would only hold the event up (or dead-letter it) for everyone.
 *
 * - No session open now, or only one opened after the sale happened (the
 *   event arrived late): not posted. The session the sale belonged to is
 *   closed and its Z report immutable; adding it to a later session would make
 *   that shift's Z over or short for a sale it never saw. The posting is
 *   logged as a warning and written to the audit log, where a manager finds it.
 * - A cash refund larger than the expected cash is posted all the same (it
 *   was paid out): the Z close then shows the shortfall, and a warning says why.
 * - The same reference again (a re-published event) is recorded once.
 *
 * With `last`, its write (the movement, or the skip's audit entry) is the
 * unit's last statement and the commit leaves with it (`lastly`): nothing is
 * decided on its answer, and the session's lock, which the register's other
 * postings and its Z close queue for, is held one round trip less.
 */
export async function postToDrawer(
  repo: StoreOpsRepository,
  logger: Logger,
  posting: DrawerPosting,
  { last = false }: { last?: boolean } = {},
): Promise<PostingOutcome> {
  const write = <T>(statement: () => Promise<T>) => (last ? repo.lastly(statement) : statement());
  const skip = async (outcome: PostingOutcome, message: string): Promise<PostingOutcome> => {
    await write(() =>
      repo.audit({
        action: 'drawer.posting-skipped',
        entityType: 'register',
        entityId: posting.registerId,
        after: posting,
        reason: outcome,
        actorId: POSTED_BY_EVENTS,
      }),
    );
    // Warned once written: a unit rolled back warns of nothing (a message already
    // handled fails its inbox row's insert, and so every statement after it).
    logger.warn({ posting, outcome }, message);
    return outcome;
  };
  if (!Number.isSafeInteger(posting.amountMinor) || posting.amountMinor <= 0) {
    return skip('invalid-amount', 'drawer posting skipped: not a positive amount');
  }
  // The session is locked as every movement and the Z close lock it: the
  // posting lands before the close or not at all. The look-up of the same
  // posting runs behind the lock, so it sees what the lock's holder committed.
  const [register, session, existing] = await together([
    repo.findRegister(posting.registerId),
    repo.findOpenSession(posting.registerId, { lock: true }),
    repo.findMovementByReference(
      posting.registerId,
      posting.kind,
      posting.reference,
      posting.currency,
    ),
  ]);
  if (!register || register.storeId !== posting.storeId) {
    return skip('unknown-register', 'drawer posting skipped: no such register in the store');
  }
  if (existing) {
    if (existing.tender === posting.tender && existing.amountMinor === posting.amountMinor) {
      return 'already-posted';
    }
    return skip('reference-conflict', 'drawer posting skipped: reference already posted otherwise');
  }
  if (!session) {
    return skip('no-open-drawer', 'drawer posting skipped: the register has no open drawer');
  }
  if (Date.parse(session.openedAt) > Date.parse(posting.occurredAt)) {
    return skip('drawer-opened-later', 'drawer posting skipped: the drawer opened after it');
  }
  if (session.currency !== posting.currency) {
    return skip('currency-mismatch', 'drawer posting skipped: not in the drawer’s currency');
  }
  if (posting.kind === 'refund' && posting.tender === CASH) {
    const { expectedCashMinor } = drawerTotals(await repo.movementTotals(session.id));
    if (posting.amountMinor > expectedCashMinor) {
      logger.warn(
        { posting, expectedCashMinor, sessionId: session.id },
        'cash refund larger than the drawer should hold: posted, the Z close will show it',
      );
    }
  }
  await write(() =>
    repo.insertMovement(
      {
        id: newId(),
        sessionId: session.id,
        registerId: posting.registerId,
        kind: posting.kind,
        tender: posting.tender,
        amountMinor: posting.amountMinor,
        reason: null,
        reference: posting.reference,
        actorId: POSTED_BY_EVENTS,
      },
      session.currency,
    ),
  );
  return 'posted';
}
