// Writes one event to the outbox with the relay stopped, reports it, then
// waits to be killed: the message is committed but never relayed.
import { buildServer, loadServerConfig } from '@stratum/server';
import { signUpTenant } from '@stratum/testing';

const server = await buildServer(
  loadServerConfig({ ...process.env, LOG_LEVEL: 'silent', STRATUM_DATA_DIR: ':memory:' }),
);
const { tenantId } = await signUpTenant(server, 'Crash Café');
process.stdout.write(`written ${tenantId}\n`);
setInterval(() => {}, 1 << 30);
