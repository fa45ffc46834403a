import { fileURLToPath } from 'node:url';
import type { ModuleDeps, ModuleInstance, ModuleManifest } from '@stratum/platform';
import type { CatalogApi } from '@stratum/catalog/contract';
import type { InventoryApi } from '@stratum/inventory/contract';
import type { PaymentsApi } from '@stratum/payments/contract';
import { paymentsSubscriptions } from './adapters/payments/subscriptions.ts';
import type { StoreDirectory, StoreOpsApi } from '@stratum/store-ops/contract';
import { orderingPermissions, type OrderingApi } from './contract.ts';
import type {
  Approvals,
  Catalog,
  Clock,
  OrderingDeps,
  OrderingRepository,
  OrderingStore,
  Registers,
  Stores,
  Tables,
} from './application/ports.ts';
import { createOrder } from './application/create-order.ts';
import { getOrder, getReceipt, listOrders } from './application/queries.ts';
import { addLine, changeLineQuantity, removeLine, setLineDiscount } from './application/lines.ts';
import { setOrderDiscount, setServiceCharge, setTip } from './application/adjustments.ts';
import { bumpTicket, fireCourse, getKitchenTickets } from './application/kitchen.ts';
import { voidOrder } from './application/void-order.ts';
import { splitBill } from './application/split-bill.ts';
import { closeOrder, recordPayment } from './application/settlement.ts';
import { pgOrderingStore } from './adapters/postgres/store.ts';
import { pgSalesReports } from './adapters/postgres/sales-reports.ts';
import { salesSummary } from './application/sales-summary.ts';
import { outbox } from './adapters/postgres/schema.ts';
import { orderingRoutes } from './adapters/http/routes.ts';
import type { KitchenFeedOptions } from './adapters/http/kitchen-feed.ts';
import { kitchenBroadcaster, type KitchenBroadcaster } from './adapters/bus/kitchen-broadcaster.ts';
import { catalogQuotes } from './adapters/catalog/catalog.ts';
import { storeOpsStores } from './adapters/store-ops/stores.ts';
import { storeOpsRegisters } from './adapters/store-ops/registers.ts';
import { storeOpsTables } from './adapters/store-ops/tables.ts';
import { checkoutUseCases, checkoutViewOf } from './application/checkout/checkout.ts';
import { checkoutOrders } from './application/checkout/orders.ts';
import {
  defaultCheckoutSettings,
  type CheckoutDeps,
  type CheckoutSettings,
} from './application/checkout/ports.ts';
import { recoveryWorker, type RecoveryWorker } from './application/checkout/recovery.ts';
import { pgCheckoutStore } from './adapters/postgres/checkout-store.ts';
import { checkoutRoutes } from './adapters/http/checkout-routes.ts';
import { inventoryReservations } from './adapters/inventory/stock-reservations.ts';
import { paymentsForCheckout, paymentsForRefunds } from './adapters/payments/checkout-payments.ts';
import { refundOrder } from './application/refund-order.ts';
import { storeOpsReceiptNumbers } from './adapters/store-ops/receipt-numbers.ts';
import { storeOpsDrawers } from './adapters/store-ops/drawers.ts';

export type {
  Approvals,
  Catalog,
  Clock,
  Registers,
  StoreInfo,
  Stores,
  Tables,
} from './application/ports.ts';
export type {
  PaymentRecorded,
  RecordPaymentInput,
  SettledPayment,
} from './application/settlement.ts';
export { authenticatorApprovals } from './adapters/auth/approvals.ts';

export const orderingManifest: ModuleManifest = {
  name: 'ordering',
  migrations: {
    module: 'ordering',
    schema: 'ordering',
    folder: fileURLToPath(new URL('./adapters/postgres/migrations', import.meta.url)),
  },
  permissions: orderingPermissions,
};

export interface OrderingOptions {
  clock?: Clock;
  /** The checkout saga's timings (ADR 0014). */
  checkout?: Partial<CheckoutSettings> & {
    /** How often the recovery worker looks for sagas to resume (ms, default 1000). */
    recoveryIntervalMs?: number;
    /** Fault injection for crash tests: called before and after every saga step. */
    onStep?: CheckoutDeps['onStep'];
  };
  /** Attempts of a command that loses a race for an order; retries lock the row (default 3). */
  attempts?: number;
  kitchenFeed?: KitchenFeedOptions;
}

/** The checkout saga's way into ordering, beside the public API (not HTTP routes). */
export interface OrderingCheckout {
  recordPayment: ReturnType<typeof recordPayment>;
  closeOrder: OrderingApi['closeOrder'];
}

export interface OrderingModule extends ModuleInstance {
  readonly api: OrderingApi;
  readonly checkout: OrderingCheckout;
  /** What the use cases are built on, for the checkout saga built inside this module. */
  readonly deps: OrderingDeps;
  readonly kitchenFeed: KitchenBroadcaster;
  /** The checkout saga's use cases, when the module was given its dependencies. */
  readonly checkouts?: ReturnType<typeof checkoutUseCases>;
  readonly recovery?: RecoveryWorker;
}

/** The modules the checkout saga calls, in process or through remote clients of their contracts. */
export interface CheckoutModules {
  inventory: Pick<InventoryApi, 'reserve' | 'confirmReservation' | 'releaseReservation'>;
  payments: Pick<
    PaymentsApi,
    'takePayment' | 'reversePayment' | 'getPayment' | 'refundPayment' | 'paymentEvents'
  >;
  storeOps: Pick<StoreOpsApi, 'allocateReceiptNumber' | 'currentDrawer'>;
}

export interface OrderingModuleDeps extends ModuleDeps, OrderingOptions {
  /** The catalog's API (in process, or a remote client of the same contract). */
  catalog: Pick<CatalogApi, 'quoteLine'>;
  /** Store-ops' directory (currency, tax mode, time zone, name and address), registers and tables. */
  storeDirectory: StoreDirectory & Pick<StoreOpsApi, 'getRegister' | 'getTable'>;
  /** Verifies a manager's access token (see `authenticatorApprovals`). */
  approvals: Approvals;
  /** Inventory, payments and store-ops for the checkout saga; without them there is no checkout. */
  checkoutModules?: CheckoutModules;
}

export function createOrderingModule(deps: OrderingModuleDeps): OrderingModule {
  return buildOrderingModule({
    ...deps,
    catalogPort: catalogQuotes(deps.catalog),
    stores: storeOpsStores(deps.storeDirectory),
    registers: storeOpsRegisters(deps.storeDirectory),
    tables: storeOpsTables(deps.storeDirectory),
  });
}

/** The module over any `Catalog` and `Stores` ports (tests may pass in-memory ones). */
export function buildOrderingModule(
  deps: ModuleDeps &
    OrderingOptions & {
      catalogPort: Catalog;
      stores: Stores;
      registers: Registers;
      tables: Tables;
      approvals: Approvals;
      checkoutModules?: CheckoutModules;
    },
): OrderingModule {
  const store: OrderingStore = pgOrderingStore(deps.database, deps.wakeRelay);
  const d: OrderingDeps = {
    store,
    catalog: deps.catalogPort,
    stores: deps.stores,
    registers: deps.registers,
    tables: deps.tables,
    approvals: deps.approvals,
    clock: deps.clock ?? { now: () => new Date() },
    attempts: deps.attempts ?? 3,
  };
  const api: OrderingApi = {
    createOrder: createOrder(d),
    getOrder: getOrder(d),
    listOrders: listOrders(d),
    addLine: addLine(d),
    changeLineQuantity: changeLineQuantity(d),
    removeLine: removeLine(d),
    setLineDiscount: setLineDiscount(d),
    setOrderDiscount: setOrderDiscount(d),
    setServiceCharge: setServiceCharge(d),
    setTip: setTip(d),
    fireCourse: fireCourse(d),
    voidOrder: voidOrder(d),
    closeOrder: closeOrder(d),
    splitBill: splitBill(d),
    getKitchenTickets: getKitchenTickets(d),
    bumpTicket: bumpTicket(d),
    getReceipt: getReceipt(d),
    salesSummary: salesSummary({ reports: pgSalesReports(deps.database), stores: d.stores }),
  };
  const feed = kitchenBroadcaster();
  const settle = { recordPayment: recordPayment(d) };
  const saga = deps.checkoutModules && checkoutOf(deps, d, api, deps.checkoutModules);
  const routes = orderingRoutes(api, feed, deps.kitchenFeed);
  return {
    name: 'ordering',
    api,
    checkout: { ...settle, closeOrder: closeOrder(d) },
    deps: d,
    kitchenFeed: feed,
    ...(saga && { checkouts: saga.checkouts, recovery: saga.recovery }),
    outbox,
    subscriptions: [
      feed.subscription,
      ...paymentsSubscriptions(deps.database, deps.wakeRelay, d, deps.logger),
    ],
    registerRoutes(app) {
      routes(app);
      if (saga) {
        checkoutRoutes(app, { ...saga.checkouts, view: checkoutViewOf, refund: saga.refund });
      }
    },
    start: () => saga?.recovery.start(),
    stop: async () => {
      await saga?.recovery.stop();
    },
  };
}

/** The checkout saga (ADR 0014) wired to the other modules' contracts and ordering's own use cases. */
function checkoutOf(
  deps: ModuleDeps & OrderingOptions,
  d: OrderingDeps,
  api: OrderingApi,
  modules: CheckoutModules,
) {
  const { recoveryIntervalMs = 1000, onStep, ...timings } = deps.checkout ?? {};
  const checkoutDeps: CheckoutDeps<OrderingRepository> = {
    store: pgCheckoutStore(deps.database, outbox, deps.wakeRelay),
    orders: checkoutOrders(d),
    reservations: inventoryReservations(modules.inventory),
    payments: paymentsForCheckout(modules.payments),
    receipts: storeOpsReceiptNumbers(modules.storeOps),
    registers: d.registers,
    stores: d.stores,
    drawers: storeOpsDrawers(modules.storeOps),
    clock: d.clock,
    settings: { ...defaultCheckoutSettings, ...timings },
    ...(onStep && { onStep }),
    log: (level, message, fields) => deps.logger[level](fields, message),
  };
  const checkouts = checkoutUseCases(checkoutDeps);
  const recovery = recoveryWorker(checkouts.resumeDue, recoveryIntervalMs, deps.logger);
  const refund = refundOrder(d, checkoutDeps.drawers, paymentsForRefunds(modules.payments));
  return { checkouts, recovery, refund };
}
