import type { FaultCounts } from './faults.ts';

/** What `GET /admin/stats` answers. `byRoute` keys look like `POST /v1/payments/:id/capture`. */
export interface ProcessorStats {
  requests: number;
  byRoute: Record<string, number>;
  payments: number;
  faultsInjected: FaultCounts;
}

/** Counts the /v1 requests the processor received, faulted ones included. */
export interface RequestCounter {
  count(route: string): void;
  snapshot(): Pick<ProcessorStats, 'requests' | 'byRoute'>;
  reset(): void;
}

export function createRequestCounter(): RequestCounter {
  let requests = 0;
  let byRoute: Record<string, number> = {};
  return {
    count(route) {
      requests += 1;
      byRoute[route] = (byRoute[route] ?? 0) + 1;
    },
    snapshot: () => ({ requests, byRoute: { ...byRoute } }),
    reset() {
      requests = 0;
      byRoute = {};
    },
  };
}
