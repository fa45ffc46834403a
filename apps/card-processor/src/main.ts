import type { AddressInfo } from 'node:net';
import { ConfigError, loadProcessorConfig } from './config.ts';
import { buildProcessor } from './server.ts';
import { startProcessorTelemetry } from './telemetry.ts';

let config;
try {
  config = loadProcessorConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    // 2, not 1: the caller can tell "misconfigured" from "crashed".
    process.exit(2);
  }
  throw err;
}

const telemetry = config.otlpEndpoint
  ? await startProcessorTelemetry(config.otlpEndpoint)
  : undefined;
const app = buildProcessor({
  apiKey: config.apiKey,
  faults: config.faults,
  ...(telemetry && { instrument: telemetry.instrument }),
});
try {
  await app.listen({ host: config.host, port: config.port });
} catch (err) {
  process.stderr.write(
    `card processor could not listen on ${config.host}:${config.port}: ${String(err)}\n`,
  );
  process.exit(1);
}

const { port } = app.server.address() as AddressInfo;
const host = config.host.includes(':') ? `[${config.host}]` : config.host;
// Test harnesses wait for exactly this line to learn the port; keep it stable.
process.stdout.write(`card processor listening on http://${host}:${port}\n`);

const stop = () => {
  app
    .close()
    // Spans still buffered go out before the exit; an unreachable collector does not fail it.
    .then(() =>
      telemetry?.shutdown().catch((err: unknown) => {
        process.stderr.write(`card processor could not flush its spans: ${String(err)}\n`);
      }),
    )
    .then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`card processor failed to close: ${String(err)}\n`);
        process.exit(1);
      },
    );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
