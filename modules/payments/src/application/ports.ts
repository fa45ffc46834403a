import type { z } from 'zod';
import type { Actor, AuditEntry, CallContext, EventDefinition } from '@stratum/platform';
import type { PaymentEvent } from '../domain/payment.ts';
import type { IdempotencyRecord } from '../domain/idempotency.ts';
import type { PaymentView as PaymentProjection } from '../domain/projection.ts';

/** One event of a payment's stream as stored, with when and by whom. */
export interface StoredEvent {
  event: PaymentEvent;
  occurredAt: Date;
  actorId: string | null;
}

/** A row of the payments read model. */
export interface PaymentRecord {
  id: string;
  view: PaymentProjection;
  createdAt: Date;
  updatedAt: Date;
}

export interface RefundLimitRecord {
  refundLimit: number;
  updatedAt: Date;
}

/** Payments' data, inside one tenant-scoped transaction. */
export interface PaymentRepository {
  /** The stream of one payment, oldest first; empty if there is none. */
  readStream(paymentId: string): Promise<StoredEvent[]>;
  /**
   * Appends events that continue the stream after `expectedVersion` and saves
   * the projection `view` in the same transaction. A version already taken by
   * another writer fails with `payment-concurrency-conflict` (the transaction
   * is then lost: the caller starts again on a fresh read), and so does a
   * projection that is not at `expectedVersion`. Both are failing statements,
   * never an answer read afterwards, so the append may be among `lastly`'s.
   */
  append(
    paymentId: string,
    expectedVersion: number,
    events: readonly PaymentEvent[],
    view: PaymentProjection,
    meta: { at: Date; actorId: string | null },
  ): Promise<void>;
  findPayment(paymentId: string): Promise<PaymentRecord | undefined>;
  /** Newest first, after the (createdAt, id) cursor; `stores` null means every store. */
  listPayments(
    query: { limit: number; orderId?: string; storeId?: string },
    after: { createdAt: Date; id: string } | undefined,
    stores: string[] | null,
  ): Promise<PaymentRecord[]>;
  findRefundLimit(storeId: string): Promise<RefundLimitRecord | undefined>;
  saveRefundLimit(
    storeId: string,
    refundLimit: number,
    meta: { at: Date; actorId: string | null },
  ): Promise<RefundLimitRecord>;
  /**
   * Runs the unit's last statements, started together; the commit leaves with
   * them where the engine allows (the platform's `lastly`, whose rules apply).
   */
  lastly<T>(writes: () => Promise<T>): Promise<T>;
  /** Records an integration event in the outbox, in this transaction. */
  emit<S extends z.ZodType>(event: EventDefinition<string, S>, payload: z.input<S>): Promise<void>;
  /** Appends to the audit log, in this transaction. */
  audit(entry: AuditEntry): Promise<void>;
}

export interface PaymentStore {
  /** Runs `fn` in one transaction of the caller's tenant, as the caller. */
  inTenant<T>(ctx: CallContext, fn: (repo: PaymentRepository) => Promise<T>): Promise<T>;
}

/**
 * Verifies a refund approval: a manager's or owner's access token obtained by
 * a PIN or password login at the till. Implementations verify it like any
 * access token (signature, expiry, revocation) and MUST reject a token of
 * another tenant than `ctx.tenantId`; a rejection of kind `unauthenticated`,
 * `forbidden` or `invalid` becomes `refund-approval-invalid`.
 */
export interface Approvals {
  verify(ctx: CallContext, token: string): Promise<Actor>;
}

/**
 * Store-ops' cash drawers, as refunds need them: cash handed back over the
 * counter leaves a till's drawer, and only an open one accounts for it.
 */
export interface Drawers {
  /** True while the register has an open drawer session. */
  isOpen(ctx: CallContext, registerId: string): Promise<boolean>;
}

/** Store-ops' stores, as payments' store settings need them. */
export interface Stores {
  /** A store of the caller's tenant, or `store-not-found` (another tenant's too). */
  get(ctx: CallContext, storeId: string): Promise<{ id: string; active: boolean }>;
}

/** A response stored under an Idempotency-Key, replayed to a repeated request. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * The Idempotency-Key records of a tenant. Each call is its own short
 * transaction, so no transaction stays open while the request is processed.
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request with `fingerprint`: undefined when this caller
   * now holds it (new, or taken over from a claim that outlived its lease),
   * else what the key already holds.
   */
  claim(
    ctx: CallContext,
    scope: string,
    key: string,
    fingerprint: string,
  ): Promise<IdempotencyRecord<StoredResponse> | undefined>;
  /** Stores the response of the request that holds the key. */
  complete(ctx: CallContext, scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets an in-flight claim, so that the request may be tried again. */
  release(ctx: CallContext, scope: string, key: string): Promise<void>;
}

/**
 * Forgets Idempotency-Key records past their retention, every tenant's at
 * once (the retention sweep's way in; the records themselves are per tenant).
 */
export interface IdempotencyKeyRetention {
  /**
   * Deletes at most `limit` of the oldest records first claimed more than
   * `retentionMs` ago, and says how many it deleted. A claim still in flight
   * goes only when its lease was also last taken more than `retentionMs` ago.
   */
  pruneExpired(retentionMs: number, limit: number): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export interface PaymentsSettings {
  /** Refund limit of a store that has not set its own, in minor units. */
  defaultRefundLimit: number;
  /**
   * How long after an authorization request `reconcile` waits for the
   * processor to show it before concluding that it was never processed (ms).
   */
  reconcileGraceMs: number;
}

/** What the use cases are built with. */
export interface PaymentsDeps {
  store: PaymentStore;
  processor: CardProcessor;
  approvals: Approvals;
  drawers: Drawers;
  stores: Stores;
  clock: Clock;
  settings: PaymentsSettings;
}

/**
 * A card processor as the payment use cases need it. Every call that moves
 * money carries an idempotency key: the processor answers a repeated key with
 * the first answer, so a call whose answer was lost may be sent again with
 * the same key and never charges twice. Amounts are minor units.
 *
 * A decline is an answer, not a failure: `authorize` returns it as a value.
 * Failures reject with DomainErrors: `processor-conflict` (the payment's state
 * forbids the operation), `processor-rejected`, `refund-exceeds-captured`,
 * `idempotency-key-reused`, `idempotency-key-in-flight`, `payment-not-found`,
 * and the 503 dependency errors (`dependency-timeout`, `dependency-busy`,
 * `dependency-circuit-open`, `dependency-unavailable`) when it cannot be reached.
 */
export interface CardProcessor {
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Captures `amount` (default: all of it) of an authorized payment. */
  capture(request: {
    paymentId: string;
    amount?: number;
    idempotencyKey: string;
  }): Promise<ProcessorPayment>;
  /** Releases an authorization that was never captured. */
  void(request: { paymentId: string; idempotencyKey: string }): Promise<ProcessorPayment>;
  refund(request: {
    paymentId: string;
    amount: number;
    idempotencyKey: string;
  }): Promise<ProcessorRefund>;
  /** Payments made under `reference`, to reconcile after a crash left the outcome unknown. */
  findByReference(reference: string): Promise<ProcessorPayment[]>;
}

export interface AuthorizeRequest {
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** The card as the terminal hands it over (a test number in the sandbox). */
  card: { number: string };
  /** Capture at once (card-present sale) rather than authorize only. */
  capture?: boolean;
  /** Our own id for the payment (e.g. the payment stream id), for reconciliation. */
  reference?: string;
  idempotencyKey: string;
}

export type AuthorizeResult =
  | { outcome: 'approved'; payment: ProcessorPayment }
  | { outcome: 'declined'; declineCode: string; message: string };

export type ProcessorPaymentStatus =
  'authorized' | 'captured' | 'partially-refunded' | 'refunded' | 'voided';

export interface ProcessorPayment {
  /** The processor's id: our `processorRef`. */
  id: string;
  status: ProcessorPaymentStatus;
  amount: number;
  currency: string;
  capturedAmount: number;
  refundedAmount: number;
  authorizationCode: string;
  last4: string;
  reference: string | null;
  createdAt: string;
}

export interface ProcessorRefund {
  id: string;
  paymentId: string;
  amount: number;
  payment: ProcessorPayment;
}
