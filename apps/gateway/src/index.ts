export { createGateway, type Gateway, type GatewayOptions } from './gateway.ts';
export { gatewayOptionsOf } from './options.ts';
export {
  gatewayConfigSchema,
  loadGatewayConfig,
  routeVariable,
  stratumModules,
  type GatewayConfig,
  type StratumModule,
} from './config.ts';
export type { UpstreamOptions, UpstreamStatus } from './proxy.ts';
export { w3cTraceContext, type TraceContext } from './upstream-headers.ts';
