// Applies every module's migrations and exits: `npm run migrate`.
import { ConfigError, createLogger, migratePostgres, openDatabase } from '@stratum/platform';
import { join } from 'node:path';
import { loadServerConfig } from './config.ts';
import { manifests } from './server.ts';

try {
  const config = loadServerConfig();
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'debug' : config.LOG_LEVEL });
  const sets = manifests.map((m) => m.migrations);
  if (config.DATABASE_URL) {
    await migratePostgres(config.DATABASE_URL, sets, undefined, logger);
  } else {
    const { database } = await openDatabase(
      { dataDir: join(config.STRATUM_DATA_DIR, 'pglite'), logger },
      sets,
    );
    await database.close();
  }
  process.stdout.write(`Migrations applied for: ${manifests.map((m) => m.name).join(', ')}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
