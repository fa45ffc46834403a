export type Tender = 'cash' | 'card';

/**
 * What happened to one payment, in stream order. `version` is the stream
 * version the event produces (1 for the first), so the store can append with
 * optimistic concurrency on `unique(stream_id, version)`.
 *
 * A card payment starts with `authorization-requested`, written BEFORE the
 * processor is called, so that a crash between the processor's answer and our
 * commit leaves a trace to reconcile; it is followed by `authorized` or
 * `declined`. A cash payment starts at `authorized` (and is captured at once).
 */
export type PaymentEvent =
  | {
      type: 'payment.authorization-requested';
      version: number;
      tender: 'card';
      /** The total asked for, tip included. */
      amount: number;
      tip?: number;
      currency: string;
      orderId: string;
      storeId: string;
      /** The till that took the payment, when the caller said (its drawer pays cash back). */
      registerId?: string;
      reference?: string;
      last4?: string;
    }
  | {
      type: 'payment.authorized';
      version: number;
      tender: Tender;
      /** The total authorized, tip included. */
      amount: number;
      currency: string;
      orderId: string;
      storeId: string;
      registerId?: string;
      processorRef?: string;
      last4?: string;
      /** The part of `amount` the customer asked to give as a tip. */
      tip?: number;
      reference?: string;
      /** Cash handed over and the change given back, in minor units. */
      cash?: { given: number; change: number };
    }
  | { type: 'payment.declined'; version: number; declineCode: string; message: string }
  | { type: 'payment.captured'; version: number; amount: number; tip?: number }
  | { type: 'payment.capture-failed'; version: number; reason: string }
  | {
      type: 'payment.refunded';
      version: number;
      refundId: string;
      amount: number;
      reason: string;
      toOriginalTender: boolean;
      approvedBy?: string;
    }
  | { type: 'payment.voided'; version: number; reason: string };

type Requested = Extract<PaymentEvent, { type: 'payment.authorization-requested' }>;
type Authorized = Extract<PaymentEvent, { type: 'payment.authorized' }>;
export type AuthorizationRequest = Omit<Requested, 'type' | 'version'>;
export type Authorization = Omit<Authorized, 'type' | 'version'>;

export type PaymentCommand =
  /** Records that a card authorization is about to be asked of the processor. */
  | ({ type: 'request-authorization' } & AuthorizationRequest)
  /** Records the processor's approval of the requested authorization. */
  | { type: 'record-authorization'; processorRef: string; last4?: string }
  /** Records the processor's refusal of the requested authorization. */
  | { type: 'record-decline'; declineCode: string; message: string }
  /** An authorization obtained at once (cash) or outside the request step. */
  | ({ type: 'authorize' } & Authorization)
  /** `amount` defaults to the whole authorization; amount + tip may not exceed it. */
  | { type: 'capture'; amount?: number; tip?: number }
  | { type: 'record-capture-failure'; reason: string }
  | { type: 'refund'; refundId: string; amount: number; reason: string; toOriginalTender: boolean }
  | { type: 'void'; reason: string };

export type Stage =
  'initial' | 'requested' | 'declined' | 'authorized' | 'capture-failed' | 'captured' | 'voided';

export interface PaymentState {
  readonly version: number;
  readonly stage: Stage;
  /** The card authorization asked for, while the processor's answer is awaited (and after). */
  readonly request: AuthorizationRequest | null;
  readonly authorization: Authorization | null;
  /** Captured amount, tip included. */
  readonly captured: number;
  readonly tip: number;
  readonly refunded: number;
  readonly refundIds: readonly string[];
}

export const initialPayment: PaymentState = {
  version: 0,
  stage: 'initial',
  request: null,
  authorization: null,
  captured: 0,
  tip: 0,
  refunded: 0,
  refundIds: [],
};

function corrupt(event: PaymentEvent, state: PaymentState): never {
  throw new Error(
    `invariant: ${event.type} v${event.version} cannot follow v${state.version} (${state.stage})`,
  );
}

/** Folds one event into the state. Events are facts: one that cannot follow is corruption. */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.version !== state.version + 1) corrupt(event, state);
  const version = event.version;
  switch (event.type) {
    case 'payment.authorization-requested': {
      if (state.stage !== 'initial') corrupt(event, state);
      const { type: _type, version: _version, ...request } = event;
      return { ...state, version, stage: 'requested', request };
    }
    case 'payment.authorized': {
      if (state.stage !== 'initial' && state.stage !== 'requested') corrupt(event, state);
      const { type: _type, version: _version, ...authorization } = event;
      return { ...state, version, stage: 'authorized', authorization };
    }
    case 'payment.declined':
      if (state.stage !== 'requested') corrupt(event, state);
      return { ...state, version, stage: 'declined' };
    case 'payment.captured': {
      if (state.stage !== 'authorized' && state.stage !== 'capture-failed') corrupt(event, state);
      const tip = event.tip ?? 0;
      return { ...state, version, stage: 'captured', captured: event.amount + tip, tip };
    }
    case 'payment.capture-failed':
      if (state.stage !== 'authorized' && state.stage !== 'capture-failed') corrupt(event, state);
      return { ...state, version, stage: 'capture-failed' };
    case 'payment.refunded':
      if (state.stage !== 'captured') corrupt(event, state);
      return {
        ...state,
        version,
        refunded: state.refunded + event.amount,
        refundIds: [...state.refundIds, event.refundId],
      };
    case 'payment.voided':
      if (state.stage !== 'authorized' && state.stage !== 'capture-failed') corrupt(event, state);
      return { ...state, version, stage: 'voided' };
  }
}

/** The state a stream of events leads to. */
export function replay(events: readonly PaymentEvent[]): PaymentState {
  return events.reduce(evolve, initialPayment);
}
