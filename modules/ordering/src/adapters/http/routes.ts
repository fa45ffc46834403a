import type { StratumApp } from '@stratum/platform';
import type { OrderingApi } from '../../contract.ts';
import type { KitchenBroadcaster } from '../bus/kitchen-broadcaster.ts';
import { kitchenFeedRoute, type KitchenFeedOptions } from './kitchen-feed.ts';
import { kitchenRoutes } from './kitchen-routes.ts';
import { lineRoutes } from './line-routes.ts';
import { orderRoutes } from './order-routes.ts';
import { reportRoutes } from './report-routes.ts';

/** HTTP binding of the ordering API under /api/v1/ordering. */
export function orderingRoutes(
  api: OrderingApi,
  broadcaster: KitchenBroadcaster,
  feed: KitchenFeedOptions = {},
) {
  return (app: StratumApp) => {
    orderRoutes(app, api);
    lineRoutes(app, api);
    kitchenRoutes(app, api);
    kitchenFeedRoute(app, api, broadcaster, feed);
    reportRoutes(app, api);
  };
}
