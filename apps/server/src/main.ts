// Start-up time is measured from process start (performance.now()), module loading included.
// The heap's growth factor is set before the rest is loaded.
import './heap.ts';
import { performance } from 'node:perf_hooks';
import { ConfigError, createLogger, telemetryFromSettings } from '@stratum/platform';
import { loadServerConfig, serviceNameOf } from './config.ts';
import { buildServer } from './server.ts';
import { demoAccounts } from './seed/demo-data.ts';
import { seedDemo } from './seed/seed.ts';

let config;
try {
  config = loadServerConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

// Telemetry first: the HTTP app and the call policies look for it when they are built.
const logger = createLogger({ level: config.LOG_LEVEL });
const telemetry = telemetryFromSettings(serviceNameOf(config), config, logger);
const server = await buildServer(config, { logger, telemetry });
server.lifecycle.installSignalHandlers();
await server.start();
// `npm start -- --seed`: create the demo café first (once; later starts skip it).
const seeded = process.argv.includes('--seed')
  ? await seedDemo(server, (m) => process.stdout.write(`  seed: ${m}\n`))
  : undefined;
const address = await server.app.listen({ host: config.HOST, port: config.PORT });
const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
const shape = config.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite';
server.logger.info(
  {
    url,
    docs: `${url}/docs`,
    data: server.location,
    startupMs: Math.round(performance.now()),
  },
  'Stratum is ready',
);
process.stdout.write(
  [
    '',
    `  Stratum is running (${shape}), started in ${Math.round(performance.now())} ms`,
    `  API   ${url}/api/v1`,
    `  Docs  ${url}/docs`,
    `  Data  ${server.location}`,
    ...(seeded
      ? [
          `  Demo  ${demoAccounts.owner.email} / "${demoAccounts.owner.password}" (also manager@, cashier@)`,
        ]
      : []),
    '  Stop with Ctrl-C',
    '',
  ].join('\n') + '\n',
);
