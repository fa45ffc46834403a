// The checkout saga's shape (ADR 0014), as data: which steps run in which
// order, which of them can be undone, and what undoing a failed checkout
// takes. The orchestrator in application/checkout runs it; nothing here does I/O.

/** One tender of a checkout, with the payment id it will be recorded under. */
export interface PlannedTender {
  readonly index: number;
  readonly paymentId: string;
  readonly kind: 'cash' | 'card';
  /** What this tender pays of the order total, in minor units (tip excluded). */
  readonly amount: number;
  /** Card only: a tip on top of `amount`. */
  readonly tip: number;
  /** Cash only: what the customer handed over. */
  readonly given?: number;
  /** Card only: the card as the terminal read it (a processor token in production). */
  readonly card?: { readonly number: string };
  /** The split-bill part this tender pays, if the bill was split. */
  readonly partId?: string;
}

/**
 * What a checkout pays of its order, which decides its steps:
 * - `whole`: the whole bill, nothing paid before. Stock is reserved and sold,
 *   and a failed checkout cancels the order it was for.
 * - `part`: one split-bill part, leaving a balance: only money moves, and a
 *   failure gives back this part's money and leaves the order as it was.
 * - `rest`: what settles a partly paid bill (its last part, or every part
 *   left): stock and receipt as `whole`, but a failure leaves the order open,
 *   since other guests have paid their parts.
 */
export type CheckoutKind = 'whole' | 'part' | 'rest';

export type ForwardStep =
  'place' | 'reserve-stock' | `pay:${number}` | 'confirm-order' | 'fire-kitchen' | 'confirm-stock';

/**
 * `cancel-order` is planned no more (a failed checkout leaves the bill open);
 * a saga stopped at it by an earlier version releases the order there.
 */
export type CompensationStep =
  'cancel-order' | 'release-stock' | `refund:${number}` | 'release-order';

/**
 * The pivot: `confirm-order` marks the order paid and fires the kitchen in
 * one transaction, so it either happens or not. A failure up to and including
 * it is undone; once it is done the customer has paid and the order stands,
 * and the steps after it are retried until they succeed, never compensated.
 */
export const pivotStep: ForwardStep = 'confirm-order';

/**
 * `fire-kitchen` is planned no more: the pivot fires the kitchen. A saga an
 * earlier version left at it fires what is left, then goes on to `confirm-stock`.
 */
const legacyFireKitchen: ForwardStep = 'fire-kitchen';

export function forwardSteps(
  tenders: readonly PlannedTender[],
  kind: CheckoutKind = 'whole',
): ForwardStep[] {
  const pays = tenders.map((t): ForwardStep => `pay:${t.index}`);
  if (kind === 'part') return ['place', ...pays, 'confirm-order'];
  return ['place', 'reserve-stock', ...pays, 'confirm-order', 'confirm-stock'];
}

/** Whether a failure at `step` is undone (up to and including the pivot). */
export function canCompensate(
  step: ForwardStep,
  tenders: readonly PlannedTender[],
  kind: CheckoutKind = 'whole',
): boolean {
  if (step === legacyFireKitchen) return false;
  const steps = forwardSteps(tenders, kind);
  return steps.indexOf(step) <= steps.indexOf(pivotStep);
}

/** The step after `step`, or `null` once the last one is done. */
export function nextForward(
  step: ForwardStep,
  tenders: readonly PlannedTender[],
  kind: CheckoutKind = 'whole',
): ForwardStep | null {
  if (step === legacyFireKitchen) return 'confirm-stock';
  const steps = forwardSteps(tenders, kind);
  const at = steps.indexOf(step);
  if (at < 0) throw new Error(`unknown checkout step ${step}`);
  return steps[at + 1] ?? null;
}

/**
 * What undoing a checkout that failed at `failedAt` takes, newest first:
 * refund or void every payment, release the stock, free the order the
 * checkout held — whichever step failed (a part's checkout gives back its
 * own money only). The order itself is never voided: the guest still owes
 * the bill and pays it another way, or the till voids it. The saga records
 * its progress at checkpoints (ADR 0014), so steps after the failing one may
 * have run in an attempt that crashed; undoing a step that never ran is a
 * no-op. A failure after the pivot is not compensated.
 */
export function compensationSteps(
  failedAt: ForwardStep,
  tenders: readonly PlannedTender[],
  kind: CheckoutKind = 'whole',
): CompensationStep[] {
  if (!canCompensate(failedAt, tenders, kind)) {
    throw new Error(`a checkout is not compensated after ${pivotStep} (failed at ${failedAt})`);
  }
  const refunds = [...tenders].reverse().map((t): CompensationStep => `refund:${t.index}`);
  // Last, the order the checkout held is free again: still owed, to be paid another way.
  if (kind === 'part') return [...refunds, 'release-order'];
  return [...refunds, 'release-stock', 'release-order'];
}

export function nextCompensation(
  step: CompensationStep,
  failedAt: ForwardStep,
  tenders: readonly PlannedTender[],
  kind: CheckoutKind = 'whole',
): CompensationStep | null {
  const steps = compensationSteps(failedAt, tenders, kind);
  if (step === 'cancel-order') return 'release-order';
  const at = steps.indexOf(step);
  if (at < 0) throw new Error(`unknown compensation step ${step}`);
  return steps[at + 1] ?? null;
}

/** Change due on the cash tenders: what was handed over beyond what they pay. */
export function changeDue(tenders: readonly PlannedTender[]): number {
  return tenders.reduce(
    (sum, t) => sum + (t.kind === 'cash' && t.given !== undefined ? t.given - t.amount : 0),
    0,
  );
}
