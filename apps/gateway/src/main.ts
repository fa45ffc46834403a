import { ConfigError, createLifecycle, createLogger, type Lifecycle } from '@stratum/platform';
import { gatewayOptionsOf, loadGatewayConfig } from './index.ts';
import { createGateway } from './gateway.ts';

let config;
try {
  config = loadGatewayConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger({ level: config.LOG_LEVEL });
// Readiness turns 503 as soon as shutdown starts; the lifecycle needs the app to exist first.
const gateway = await createGateway({
  ...gatewayOptionsOf(config, logger),
  isDraining: () => lifecycle.draining,
});
const lifecycle: Lifecycle = createLifecycle({
  logger,
  closeServer: () => gateway.app.close(),
  forceCloseServer: () => gateway.app.server.closeAllConnections(),
  deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
});
lifecycle.installSignalHandlers();
const address = await gateway.app.listen({ host: config.HOST, port: config.GATEWAY_PORT });
logger.info({ url: address, upstreams: config.upstreams }, 'Stratum gateway is ready');
process.stdout.write(`\n  Stratum gateway on ${address}/api/v1\n  Stop with Ctrl-C\n\n`);
