import { raise } from '../contract.ts';
import { refundApproval, type Principal } from './refund-policy.ts';
import type {
  Authorization,
  AuthorizationRequest,
  PaymentCommand,
  PaymentEvent,
  PaymentState,
} from './payment-events.ts';

export * from './payment-events.ts';

/** Facts the caller has verified: who acts, who approved, and the store's refund limit. */
export interface DecideContext {
  readonly actor: Principal;
  readonly approver?: Principal;
  /** Minor units; refunds above it need a manager. */
  readonly refundLimit: number;
  /**
   * The sale this payment was for never happened (the checkout that took it
   * was undone): the whole refundable amount goes back to the original
   * tender without a manager, because no money leaves for a sale.
   */
  readonly reversal?: boolean;
}

const isAmount = (n: number | undefined, min: number) =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= min;

function requireAmount(value: number, what: string): void {
  if (!isAmount(value, 1)) raise('invalid-amount', `${what} must be a positive whole number.`);
}

function requireReason(reason: string): string {
  const trimmed = reason.trim();
  if (!trimmed) raise('reason-required', 'A reason is required.');
  return trimmed;
}

function requireAuthorization(state: PaymentState): Authorization {
  if (state.stage === 'requested') {
    raise('payment-pending', 'The processor has not answered yet: reconcile the payment first.');
  }
  if (state.stage === 'declined') raise('payment-declined', 'The card was declined.');
  if (!state.authorization) raise('payment-not-found', 'The payment was never authorized.');
  return state.authorization;
}

function requireCurrency(currency: string): void {
  if (!/^[A-Z]{3}$/.test(currency)) {
    raise('invalid-currency', 'The currency must be an ISO 4217 code.');
  }
}

/** The processor's answer is recorded only against a request still awaiting it. */
function requirePending(state: PaymentState): AuthorizationRequest {
  if (state.stage !== 'requested' || !state.request) {
    raise('payment-not-pending', 'No authorization of this payment awaits an answer.', {
      stage: state.stage,
    });
  }
  return state.request;
}

function authorizationRequested(
  command: Extract<PaymentCommand, { type: 'request-authorization' }>,
  version: number,
): PaymentEvent {
  const { type: _type, ...request } = command;
  requireAmount(request.amount, 'The amount');
  requireCurrency(request.currency);
  const tip = request.tip ?? 0;
  // The tip is part of what the card is asked for; the sale itself must still be positive.
  if (!isAmount(tip, 0) || tip >= request.amount) {
    raise('invalid-amount', 'A tip must be a whole number, 0 or more, below the total.');
  }
  return { type: 'payment.authorization-requested', version, ...request };
}

/** Voided payments and captured ones leave the authorized stages for good. */
function requireUncaptured(state: PaymentState): void {
  if (state.stage === 'voided') raise('payment-voided', 'The payment was voided.');
  if (state.stage === 'captured') raise('payment-already-captured', 'The payment is captured.');
}

/**
 * Decides what a command does to a payment: the events to append, or a
 * DomainError with a stable code. Pure: time, ids and approvals come in.
 */
export function decide(
  state: PaymentState,
  command: PaymentCommand,
  context: DecideContext,
): PaymentEvent[] {
  const next = state.version + 1;
  switch (command.type) {
    case 'request-authorization':
      if (state.stage !== 'initial') raise('payment-already-exists', 'The payment exists.');
      return [authorizationRequested(command, next)];
    case 'record-authorization': {
      const { tip, ...request } = requirePending(state);
      if (!command.processorRef) raise('processor-rejected', 'The approval carries no reference.');
      const last4 = command.last4 ?? request.last4;
      return [
        {
          type: 'payment.authorized',
          version: next,
          ...request,
          processorRef: command.processorRef,
          ...(last4 !== undefined && { last4 }),
          ...(tip !== undefined && tip > 0 && { tip }),
        },
      ];
    }
    case 'record-decline':
      requirePending(state);
      return [
        {
          type: 'payment.declined',
          version: next,
          declineCode: command.declineCode,
          message: command.message,
        },
      ];
    case 'authorize': {
      if (state.stage !== 'initial') raise('payment-already-exists', 'The payment exists.');
      const { type: _type, ...authorization } = command;
      requireAmount(authorization.amount, 'The amount');
      requireCurrency(authorization.currency);
      return [{ type: 'payment.authorized', version: next, ...authorization }];
    }
    case 'capture': {
      const authorization = requireAuthorization(state);
      requireUncaptured(state);
      const tip = command.tip ?? 0;
      const amount = command.amount ?? authorization.amount - tip;
      requireAmount(amount, 'The captured amount');
      if (!isAmount(tip, 0)) raise('invalid-amount', 'A tip must be a whole number, 0 or more.');
      // The processor captures at most what it authorized, so the tip must be in the authorization.
      if (amount + tip > authorization.amount) {
        raise('capture-exceeds-authorized', 'Amount and tip exceed the authorized amount.', {
          authorized: authorization.amount,
        });
      }
      return [{ type: 'payment.captured', version: next, amount, ...(tip > 0 && { tip }) }];
    }
    case 'record-capture-failure': {
      requireAuthorization(state);
      requireUncaptured(state);
      return [
        { type: 'payment.capture-failed', version: next, reason: requireReason(command.reason) },
      ];
    }
    case 'void': {
      requireAuthorization(state);
      requireUncaptured(state);
      return [{ type: 'payment.voided', version: next, reason: requireReason(command.reason) }];
    }
    case 'refund':
      return decideRefund(state, command, context);
  }
}

function decideRefund(
  state: PaymentState,
  command: Extract<PaymentCommand, { type: 'refund' }>,
  context: DecideContext,
): PaymentEvent[] {
  const authorization = requireAuthorization(state);
  if (state.stage === 'voided') raise('payment-voided', 'A voided payment cannot be refunded.');
  if (state.stage !== 'captured') {
    raise('payment-not-captured', 'An uncaptured payment is voided, not refunded.');
  }
  requireAmount(command.amount, 'The refund');
  const reason = requireReason(command.reason);
  if (state.refundIds.includes(command.refundId)) {
    raise('refund-already-recorded', 'This refund is already recorded.', {
      refundId: command.refundId,
    });
  }
  const refundable = state.captured - state.refunded;
  if (command.amount > refundable) {
    raise('refund-exceeds-captured', 'Refunds may not exceed what was captured.', { refundable });
  }
  if (context.reversal) {
    if (command.amount !== refundable || !command.toOriginalTender) {
      raise('invalid-amount', 'A reversal gives back all of the payment, to its own tender.');
    }
    return [
      {
        type: 'payment.refunded',
        version: state.version + 1,
        refundId: command.refundId,
        amount: command.amount,
        reason,
        toOriginalTender: true,
      },
    ];
  }
  const approval = refundApproval({
    actor: context.actor,
    storeId: authorization.storeId,
    // What the payment will have given back in all: a refund over the limit needs
    // a manager however it is cut up (three refunds of 300 against a limit of 500).
    amount: state.refunded + command.amount,
    storeLimit: context.refundLimit,
    toOriginalTender: command.toOriginalTender,
    ...(context.approver && { approver: context.approver }),
  });
  if (approval.outcome === 'forbidden') raise('refund-forbidden', approval.reason);
  if (approval.outcome === 'approval-required') {
    raise('refund-approval-required', 'A manager must approve this refund.', {
      reasons: approval.reasons,
    });
  }
  return [
    {
      type: 'payment.refunded',
      version: state.version + 1,
      refundId: command.refundId,
      amount: command.amount,
      reason,
      toOriginalTender: command.toOriginalTender,
      ...(approval.approvedBy !== undefined && { approvedBy: approval.approvedBy }),
    },
  ];
}
