// Writes the OpenAPI document to docs/openapi.json: `npm run openapi`.
import { writeFileSync } from 'node:fs';
import { loadServerConfig } from './config.ts';
import { buildServer } from './server.ts';
import { openapiDocument } from './openapi.ts';

const server = await buildServer(
  loadServerConfig({ LOG_LEVEL: 'warn', STRATUM_DATA_DIR: ':memory:' }),
);
const path = new URL('../../../docs/openapi.json', import.meta.url);
writeFileSync(path, openapiDocument(server));
await server.lifecycle.shutdown('document written');
process.stdout.write(`Wrote ${path.pathname}\n`);
