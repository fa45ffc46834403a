// Starts signing access tokens with a new key: `npm run keys:rotate`.
// Tokens signed with the old key stay valid until they expire; running
// processes pick the new key up within a minute.
import { ConfigError } from '@stratum/platform';
import { loadServerConfig } from './config.ts';
import { buildServer } from './server.ts';

try {
  const config = loadServerConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const server = await buildServer(config);
  const kid = await server.identity.keys.rotate();
  await server.lifecycle.shutdown('key rotated');
  process.stdout.write(`New signing key: ${kid}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
