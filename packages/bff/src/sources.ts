import type { CallContext } from '@stratum/platform';
import type { DrawerSessionView, RegisterView, StoreView } from '@stratum/store-ops/contract';
import type { MenuDocument } from '@stratum/catalog/contract';
import type { OrderSummaryView, SalesSummaryView } from '@stratum/ordering/contract';
import type { LevelView } from '@stratum/inventory/contract';

/**
 * One BFF request as the sources see it: who asks (for in-process calls),
 * the caller's own credentials and ids (for calls over HTTP, which go out as
 * the caller so every module applies its own checks), and the part's deadline.
 */
export interface BffCall extends CallContext {
  /** The caller's access token, forwarded unchanged by HTTP sources. */
  readonly bearer: string;
  readonly requestId: string;
  /** W3C trace context of the incoming request, for the calls it makes. */
  readonly traceparent?: string;
  /** Aborted when the part's deadline passes: a source stops waiting then. */
  readonly signal: AbortSignal;
}

/**
 * What the BFF routes read, as narrow functions typed on the modules'
 * contracts. In the embedded server they are the module APIs in process
 * (`inProcessBffSources`); behind the gateway they are the modules' public
 * HTTP routes (`httpBffSources`). Failures are DomainErrors with the
 * module's codes, whichever way the call went.
 */
export interface BffSources {
  getStore(call: BffCall, storeId: string): Promise<StoreView>;
  getRegister(call: BffCall, registerId: string): Promise<RegisterView>;
  /** The register's open drawer session, or null when the drawer is closed. */
  currentDrawer(call: BffCall, registerId: string): Promise<DrawerSessionView | null>;
  /** The store's POS menu document, availability included. */
  menu(call: BffCall, storeId: string): Promise<MenuDocument>;
  /** Orders of the register still being served (open or sent to the kitchen), newest first. */
  openOrders(
    call: BffCall,
    query: { registerId: string; limit: number },
  ): Promise<OrderSummaryView[]>;
  salesSummary(
    call: BffCall,
    query: { storeId: string; from: string; to: string; top: number },
  ): Promise<SalesSummaryView>;
  /** Stock levels of the store below their threshold, lowest first. */
  lowStock(call: BffCall, query: { storeId: string; limit: number }): Promise<LevelView[]>;
}

/** The statuses `openOrders` covers: an order still on the till. */
export const openOrderStatuses = ['open', 'sent'] as const;

/** Newest first, as the till lists them; ties on the id, so the order is stable. */
export function newestFirst(a: OrderSummaryView, b: OrderSummaryView): number {
  return b.openedAt.localeCompare(a.openedAt) || b.orderId.localeCompare(a.orderId);
}
