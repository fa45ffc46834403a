// `npm run seed`: creates the demo café (idempotent) and exits.
import { ConfigError } from '@stratum/platform';
import { loadServerConfig } from '../config.ts';
import { buildServer } from '../server.ts';
import { demoAccounts } from './demo-data.ts';
import { seedDemo } from './seed.ts';

try {
  const config = loadServerConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const started = Date.now();
  const server = await buildServer(config);
  await server.start();
  const summary = await seedDemo(server, (m) => process.stdout.write(`  ${m}\n`));
  await server.lifecycle.shutdown('seeded');
  if (summary.created) {
    process.stdout.write(
      `Demo data ready in ${Date.now() - started} ms: ${summary.stores} stores, ${summary.items} items (${summary.variants} variants), ${summary.ingredients} ingredients, ${summary.recipes} recipes.\n`,
    );
  }
  process.stdout.write(
    `Log in as ${demoAccounts.owner.email} / "${demoAccounts.owner.password}" (or manager@ / cashier@ with "demo manager password" / "demo cashier password").\n`,
  );
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
