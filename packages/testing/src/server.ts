import { buildServer, loadServerConfig, type StratumServer } from '@stratum/server';
import type { Logger } from '@stratum/platform';
import { createTestDatabase, postgresUrl, type TestDatabase } from './postgres.ts';

export interface TestServer {
  server: StratumServer;
  engine: 'pglite' | 'postgres';
  /** The PostgreSQL database's owner URL (postgres engine only). */
  databaseUrl?: string;
  close(): Promise<void>;
}

/**
 * A whole Stratum server on in-memory PGlite or a fresh PostgreSQL database,
 * not listening: requests go through `server.app.inject`.
 */
export async function startTestServer(
  engine: 'pglite' | 'postgres',
  options: { env?: Record<string, string>; logger?: Logger; startRelay?: boolean } = {},
): Promise<TestServer> {
  const { env = {}, logger, startRelay = true } = options;
  let db: TestDatabase | undefined;
  if (engine === 'postgres') {
    const admin = postgresUrl();
    if (!admin) throw new Error('PostgreSQL is not available');
    db = await createTestDatabase(admin);
  }
  const config = loadServerConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    STRATUM_DATA_DIR: ':memory:',
    OUTBOX_POLL_MS: '50',
    RATE_LIMIT_SIGNUP_IP: '1000/60',
    RATE_LIMIT_LOGIN_IP: '1000/60',
    RATE_LIMIT_PIN_IP: '1000/60',
    ...(db && { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '4' }),
    ...env,
  });
  const server = await buildServer(config, logger ? { logger } : {});
  if (startRelay) await server.start();
  return {
    server,
    engine,
    ...(db && { databaseUrl: db.url }),
    async close() {
      await server.lifecycle.shutdown('test finished');
      await db?.drop();
    },
  };
}
