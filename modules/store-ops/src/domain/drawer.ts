import { raise, type MovementKind } from '../contract.ts';

/** The tender that is physically in the drawer. */
export const CASH = 'cash';

/** The sum and count of one session's movements of one kind and tender. */
export interface MovementTotal {
  kind: MovementKind;
  tender: string;
  amountMinor: number;
  count: number;
}

export interface TenderTotal {
  tender: string;
  salesMinor: number;
  refundsMinor: number;
  netMinor: number;
  count: number;
}

/** What a drawer should hold, and what went through it, in minor units. */
export interface DrawerTotals {
  openingFloatMinor: number;
  cashInMinor: number;
  cashOutMinor: number;
  cashSalesMinor: number;
  cashRefundsMinor: number;
  expectedCashMinor: number;
  tenders: TenderTotal[];
  movementCount: number;
}

/**
 * Folds a session's ledger into its totals. Amounts are positive; the kind
 * gives the sign. Float, cash-in and cash-out are always cash; sales and
 * refunds move the drawer only when their tender is cash, but every tender
 * is totalled for the X and Z reports.
 */
export function drawerTotals(movements: readonly MovementTotal[]): DrawerTotals {
  const t = {
    openingFloatMinor: 0,
    cashInMinor: 0,
    cashOutMinor: 0,
    cashSalesMinor: 0,
    cashRefundsMinor: 0,
    movementCount: 0,
  };
  const tenders = new Map<string, TenderTotal>();
  for (const m of movements) {
    t.movementCount += m.count;
    switch (m.kind) {
      case 'float':
        t.openingFloatMinor += m.amountMinor;
        break;
      case 'cash-in':
        t.cashInMinor += m.amountMinor;
        break;
      case 'cash-out':
        t.cashOutMinor += m.amountMinor;
        break;
      case 'sale':
      case 'refund': {
        const row = tenders.get(m.tender) ?? {
          tender: m.tender,
          salesMinor: 0,
          refundsMinor: 0,
          netMinor: 0,
          count: 0,
        };
        if (m.kind === 'sale') row.salesMinor += m.amountMinor;
        else row.refundsMinor += m.amountMinor;
        row.netMinor = row.salesMinor - row.refundsMinor;
        row.count += m.count;
        tenders.set(m.tender, row);
        if (m.tender === CASH && m.kind === 'sale') t.cashSalesMinor += m.amountMinor;
        if (m.tender === CASH && m.kind === 'refund') t.cashRefundsMinor += m.amountMinor;
        break;
      }
    }
  }
  return {
    ...t,
    expectedCashMinor:
      t.openingFloatMinor + t.cashInMinor - t.cashOutMinor + t.cashSalesMinor - t.cashRefundsMinor,
    tenders: [...tenders.values()].sort((a, b) => (a.tender < b.tender ? -1 : 1)),
  };
}

/**
 * Cash cannot leave a drawer that does not hold it: a cash-out or a cash
 * refund larger than the expected cash is rejected rather than recorded as a
 * negative balance.
 */
export function assertCashAvailable(totals: DrawerTotals, amountMinor: number): void {
  if (amountMinor > totals.expectedCashMinor) {
    raise(
      'insufficient-cash',
      `The drawer should hold ${totals.expectedCashMinor}; ${amountMinor} cannot be taken out.`,
      { expectedCashMinor: totals.expectedCashMinor, amountMinor },
    );
  }
}

export interface CloseDecision {
  countedCashMinor: number;
  /** counted − expected: positive is over, negative is short. */
  overShortMinor: number;
  reason: string | null;
}

/**
 * The Z close: compares the counted cash with the expected cash. A count that
 * does not match must say why, so every over or short is explained in the
 * audit trail.
 */
export function decideClose(
  totals: DrawerTotals,
  countedCashMinor: number,
  reason: string | undefined,
): CloseDecision {
  const overShortMinor = countedCashMinor - totals.expectedCashMinor;
  if (overShortMinor !== 0 && !reason) {
    raise('reason-required', 'The count differs from the expected cash: give a reason.', {
      expectedCashMinor: totals.expectedCashMinor,
      countedCashMinor,
      overShortMinor,
    });
  }
  return { countedCashMinor, overShortMinor, reason: reason ?? null };
}
