export { buildServer, manifests, permissionCatalog, type StratumServer } from './server.ts';
export { loadServerConfig, serverConfigSchema, type ServerConfig } from './config.ts';
export { openapiDocument } from './openapi.ts';
