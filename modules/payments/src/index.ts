import { fileURLToPath } from 'node:url';
import type { ModuleDeps, ModuleInstance, ModuleManifest } from '@stratum/platform';
import type { StoreOpsApi } from '@stratum/store-ops/contract';
import { paymentsPermissions, type PaymentsApi } from './contract.ts';
import type {
  Approvals,
  CardProcessor,
  Clock,
  IdempotencyKeyRetention,
  IdempotencyStore,
  PaymentsDeps,
} from './application/ports.ts';
import { takePayment } from './application/take-payment.ts';
import { voidPayment } from './application/void-payment.ts';
import { refundPayment } from './application/refund-payment.ts';
import { reconcile } from './application/reconcile.ts';
import { reversePayment } from './application/reverse-payment.ts';
import { getPayment, listPayments, paymentEvents } from './application/queries.ts';
import { getRefundLimit, setRefundLimit } from './application/refund-limit.ts';
import {
  idempotencyKeySweeper,
  idempotencyRetentionSettings,
  type IdempotencyKeySweeper,
} from './application/idempotency-retention.ts';
import { pgPaymentStore } from './adapters/postgres/store.ts';
import { pgIdempotencyStore } from './adapters/postgres/idempotency-store.ts';
import { outbox } from './adapters/postgres/schema.ts';
import { paymentsRoutes } from './adapters/http/routes.ts';
import { storeOpsDrawers } from './adapters/store-ops/drawers.ts';
import { storeOpsStores } from './adapters/store-ops/stores.ts';

export type {
  Approvals,
  AuthorizeRequest,
  AuthorizeResult,
  CardProcessor,
  Clock,
  IdempotencyKeyRetention,
  IdempotencyStore,
  ProcessorPayment,
  ProcessorRefund,
} from './application/ports.ts';
export type { IdempotencyKeySweeper } from './application/idempotency-retention.ts';
export {
  httpCardProcessor,
  ProcessorUnavailableError,
  type HttpCardProcessorOptions,
} from './adapters/processor/http-card-processor.ts';

export const paymentsManifest: ModuleManifest = {
  name: 'payments',
  migrations: {
    module: 'payments',
    schema: 'payments',
    folder: fileURLToPath(new URL('./adapters/postgres/migrations', import.meta.url)),
  },
  permissions: paymentsPermissions,
};

export interface PaymentsOptions {
  /** Refund limit of a store that has not set its own, in minor units (default 5000). */
  defaultRefundLimit?: number;
  /**
   * How long `reconcile` lets an unanswered card authorization stay pending
   * before concluding the processor never processed it (ms, default 60 000).
   * Keep it above the processor call policy's deadline.
   */
  reconcileGraceMs?: number;
  /** How long an in-flight Idempotency-Key claim holds before it may be taken over (ms, default 300 000). */
  idempotencyLeaseMs?: number;
  /**
   * How long an Idempotency-Key and its stored response are kept, from the
   * key's first request (ms, default 86 400 000: 24 h; at least the lease).
   * Past it the key is deleted, and the same key afterwards is a new request.
   */
  idempotencyRetentionMs?: number;
  /** How often expired Idempotency-Keys are swept while the module is started (ms, default 600 000). */
  idempotencySweepIntervalMs?: number;
  /** The most Idempotency-Keys one delete of the sweep removes (default 500). */
  idempotencySweepBatchSize?: number;
  clock?: Clock;
}

export interface PaymentsModule extends ModuleInstance {
  readonly api: PaymentsApi;
  /** Deletes expired Idempotency-Keys, every tenant's; runs while the module is started. */
  readonly idempotencySweeper: IdempotencyKeySweeper;
}

export interface PaymentsModuleDeps extends ModuleDeps {
  /** The card processor: `httpCardProcessor({ baseUrl, apiKey, policy })` or another adapter. */
  processor: CardProcessor;
  /** Verifies a manager's access token given as a refund approval (same tenant only). */
  approvals: Approvals;
  /**
   * Store-ops, in process or remote: whether the drawer a cash refund leaves
   * is open, and which stores a business has.
   */
  storeOps: Pick<StoreOpsApi, 'currentDrawer' | 'getStore'>;
  options?: PaymentsOptions;
  /** Idempotency-Key records and their retention; default: payments' own PostgreSQL table. */
  idempotencyKeys?: IdempotencyStore & IdempotencyKeyRetention;
}

export function createPaymentsModule(deps: PaymentsModuleDeps): PaymentsModule {
  const options = deps.options ?? {};
  const retention = idempotencyRetentionSettings(options);
  const d: PaymentsDeps = {
    store: pgPaymentStore(deps.database, deps.wakeRelay),
    processor: deps.processor,
    approvals: deps.approvals,
    drawers: storeOpsDrawers(deps.storeOps),
    stores: storeOpsStores(deps.storeOps),
    clock: options.clock ?? { now: () => new Date() },
    settings: {
      defaultRefundLimit: options.defaultRefundLimit ?? 5_000,
      reconcileGraceMs: options.reconcileGraceMs ?? 60_000,
    },
  };
  const api: PaymentsApi = {
    takePayment: takePayment(d),
    voidPayment: voidPayment(d),
    refundPayment: refundPayment(d),
    getPayment: getPayment(d),
    listPayments: listPayments(d),
    paymentEvents: paymentEvents(d),
    setRefundLimit: setRefundLimit(d),
    getRefundLimit: getRefundLimit(d),
    reconcile: reconcile(d),
    reversePayment: reversePayment(d),
  };
  const keys =
    deps.idempotencyKeys ??
    pgIdempotencyStore(deps.database, {
      ...(options.idempotencyLeaseMs !== undefined && { leaseMs: options.idempotencyLeaseMs }),
    });
  const sweeper = idempotencyKeySweeper(keys, retention, deps.logger);
  return {
    name: 'payments',
    api,
    idempotencySweeper: sweeper,
    outbox,
    registerRoutes: paymentsRoutes(api, keys),
    start: () => sweeper.start(),
    stop: () => sweeper.stop(),
  };
}
