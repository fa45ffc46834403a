import type { StratumServer } from './server.ts';

/** The OpenAPI document as committed in docs/openapi.json (stable key order, trailing newline). */
export function openapiDocument(server: StratumServer): string {
  return `${JSON.stringify(server.app.swagger(), null, 2)}\n`;
}
