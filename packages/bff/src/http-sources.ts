import {
  DomainError,
  createCallPolicy,
  tracedRequest,
  type CallPolicy,
  type CallPolicyOptions,
  type ErrorKind,
  type HttpAnswer,
} from '@stratum/platform';
import type { DrawerSessionView, RegisterView, StoreView } from '@stratum/store-ops/contract';
import type { MenuDocument } from '@stratum/catalog/contract';
import type { OrderSummaryView, SalesSummaryView } from '@stratum/ordering/contract';
import type { LevelView } from '@stratum/inventory/contract';
import { newestFirst, openOrderStatuses, type BffCall, type BffSources } from './sources.ts';

/** The modules the BFF reads. */
export const bffModules = ['store-ops', 'catalog', 'ordering', 'inventory'] as const;
export type BffModule = (typeof bffModules)[number];

export interface HttpBffSourcesOptions {
  /** Where each module's public routes are served: `http://host:port`, no path. */
  baseUrls: Readonly<Record<BffModule, string>>;
  /** Longest wait for one call (ms); the BFF's part deadline may cut it shorter. */
  timeoutMs?: number;
  /** Circuit breaker and bulkhead per module (defaults: the platform's). */
  policy?: Pick<CallPolicyOptions, 'breaker' | 'bulkhead' | 'onEvent'>;
}

const kindOfStatus: Record<number, ErrorKind> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate-limited',
};

/**
 * The module's problem document as the DomainError it was, so the BFF sees
 * the same codes as in process. A 5xx without a problem is the module's
 * failure, of kind 'unavailable' (the breaker counts those).
 */
function problemOf(module: BffModule, res: HttpAnswer): DomainError {
  let body: { code?: unknown; detail?: unknown } = {};
  try {
    body = res.json();
  } catch {
    // Not JSON: the status says what there is to say.
  }
  const code = typeof body.code === 'string' ? body.code : `${module}-error`;
  const detail =
    typeof body.detail === 'string' ? body.detail : `${module} answered ${res.status}.`;
  const kind = kindOfStatus[res.status] ?? (res.status >= 500 ? 'unavailable' : 'invalid');
  return new DomainError(code, detail, kind, { status: res.status });
}

/** The headers every call carries: the caller's token and the request's ids. */
function headersOf(call: BffCall): Record<string, string> {
  return {
    accept: 'application/json',
    authorization: `Bearer ${call.bearer}`,
    'x-request-id': call.requestId,
    ...(call.traceparent && { traceparent: call.traceparent }),
  };
}

const query = (params: Record<string, string | number | boolean>) =>
  new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();

/**
 * The BFF's sources over the modules' public HTTP routes, called as the
 * caller (their bearer token is forwarded): each module authenticates and
 * authorises the call as it would the caller's own. One call policy per
 * module (timeout, circuit breaker, bulkhead; GETs only, no retries: the
 * part deadline leaves no room for one).
 */
export function httpBffSources(options: HttpBffSourcesOptions): BffSources & {
  /** The call policies, per module (for health and tests). */
  readonly policies: Readonly<Record<BffModule, CallPolicy>>;
} {
  const timeoutMs = options.timeoutMs ?? 2000;
  const policies = Object.fromEntries(
    bffModules.map((m) => [
      m,
      createCallPolicy(`${m} (BFF)`, {
        attemptTimeoutMs: timeoutMs,
        deadlineMs: timeoutMs,
        retry: { maxRetries: 0 },
        ...options.policy,
      }),
    ]),
  ) as Record<BffModule, CallPolicy>;

  async function get<T>(module: BffModule, call: BffCall, path: string): Promise<T> {
    const url = new URL(path, options.baseUrls[module]);
    return policies[module].execute(
      async (signal) => {
        const res = await tracedRequest(
          url,
          { headers: headersOf(call), signal },
          { route: `/api/v1/${module}/… (BFF)` },
        );
        if (!res.ok) throw problemOf(module, res);
        return res.json<T>();
      },
      { idempotent: true, signal: call.signal },
    );
  }

  return {
    policies,
    getStore: (call, storeId) =>
      get<StoreView>('store-ops', call, `/api/v1/store-ops/stores/${encodeURIComponent(storeId)}`),
    getRegister: (call, registerId) =>
      get<RegisterView>(
        'store-ops',
        call,
        `/api/v1/store-ops/registers/${encodeURIComponent(registerId)}`,
      ),
    async currentDrawer(call, registerId) {
      try {
        return await get<DrawerSessionView>(
          'store-ops',
          call,
          `/api/v1/store-ops/registers/${encodeURIComponent(registerId)}/drawer`,
        );
      } catch (error) {
        if (error instanceof DomainError && error.code === 'drawer-not-open') return null;
        throw error;
      }
    },
    menu: (call, storeId) =>
      get<MenuDocument>(
        'catalog',
        call,
        `/api/v1/catalog/stores/${encodeURIComponent(storeId)}/menu`,
      ),
    async openOrders(call, { registerId, limit }) {
      const pages = await Promise.all(
        openOrderStatuses.map((status) =>
          get<{ items: OrderSummaryView[] }>(
            'ordering',
            call,
            `/api/v1/ordering/orders?${query({ registerId, status, limit })}`,
          ),
        ),
      );
      return pages
        .flatMap((p) => p.items)
        .sort(newestFirst)
        .slice(0, limit);
    },
    salesSummary: (call, q) =>
      get<SalesSummaryView>('ordering', call, `/api/v1/ordering/reports/sales?${query(q)}`),
    async lowStock(call, { storeId, limit }) {
      const page = await get<{ items: LevelView[] }>(
        'inventory',
        call,
        `/api/v1/inventory/levels?${query({ storeId, lowStock: true, limit, sort: 'onHand' })}`,
      );
      return page.items;
    },
  };
}
