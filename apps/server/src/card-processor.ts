import { buildProcessor } from '@stratum/card-processor';
import type { ServerConfig } from './config.ts';

/**
 * The sandbox card processor inside the server's own process, on a free
 * loopback port, for the embedded shape: card payments then work with no
 * set-up, still over real HTTP through the same adapter and call policy as a
 * real processor. Setting PROCESSOR_URL replaces it.
 */
export async function embeddedCardProcessor(config: ServerConfig) {
  const app = buildProcessor({ apiKey: config.PROCESSOR_API_KEY });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}
