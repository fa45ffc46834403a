export { registerBffRoutes, bffDefaults, type BffOptions } from './routes.ts';
export type { BffCall, BffSources } from './sources.ts';
export { inProcessBffSources, type BffModules } from './in-process-sources.ts';
export {
  httpBffSources,
  bffModules,
  type BffModule,
  type HttpBffSourcesOptions,
} from './http-sources.ts';
export { partOf, type Part } from './parts.ts';
export { posBootstrapView, type PosBootstrapView } from './pos-bootstrap.ts';
export { dashboardView, type DashboardView } from './back-office-dashboard.ts';
export { localDayWindow } from './local-day.ts';
