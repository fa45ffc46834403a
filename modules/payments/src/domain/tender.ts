import { raise } from '../contract.ts';

/** An amount of money: an integer count of the currency's minor unit plus its ISO 4217 code. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export interface CashTender {
  /** What the cash pays: the amount due. */
  readonly applied: Money;
  readonly given: Money;
  readonly change: Money;
}

function requireMoney(value: Money, what: string): void {
  if (!Number.isSafeInteger(value.amount) || value.amount < 0) {
    raise('invalid-amount', `${what} must be a whole number of minor units, 0 or more.`);
  }
  if (!/^[A-Z]{3}$/.test(value.currency)) {
    raise('invalid-currency', `${what} needs an ISO 4217 currency code.`);
  }
}

/**
 * Cash handed over for an amount due: the cash pays the amount due in full
 * and the rest goes back as change. Less cash than due is refused; in a split
 * tender, `due` is the part of the bill the cash pays. No cash rounding (to 5
 * cents, say) is applied here.
 */
export function cashTender(due: Money, given: Money): CashTender {
  requireMoney(due, 'The amount due');
  requireMoney(given, 'The cash given');
  if (due.amount === 0) raise('invalid-amount', 'Nothing is due.');
  if (given.currency !== due.currency) {
    raise(
      'currency-mismatch',
      `Cash in ${given.currency} cannot pay an amount in ${due.currency}.`,
    );
  }
  if (given.amount < due.amount) {
    raise('cash-insufficient', 'The cash given is less than the amount due.', {
      due: due.amount,
      given: given.amount,
      short: due.amount - given.amount,
    });
  }
  return {
    applied: due,
    given,
    change: { amount: given.amount - due.amount, currency: due.currency },
  };
}

/** The change due when `given` cash pays `due`. */
export function changeDue(due: Money, given: Money): Money {
  return cashTender(due, given).change;
}
