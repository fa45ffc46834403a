// The container health check: `node deploy/healthcheck.js [path]` exits 0 when the
// process answers 2xx on the path (default /health/live). Plain JavaScript so a check
// every few seconds does not pay for loading tsx.
import { request } from 'node:http';
import process from 'node:process';

const path = process.argv[2] ?? process.env.HEALTHCHECK_PATH ?? '/health/live';
// Servers listen on PORT, the gateway on GATEWAY_PORT, the processor on PROCESSOR_PORT.
const port = process.env.PORT ?? process.env.GATEWAY_PORT ?? process.env.PROCESSOR_PORT ?? '3000';

const req = request({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode >= 200 && res.statusCode < 300 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  process.stderr.write(`health check ${path} on port ${port} failed: ${err.message}\n`);
  process.exit(1);
});
req.end();
