// `npm run seed`: creates the demo café (idempotent) and exits.
// `npm run seed -- --url http://localhost:4000`: the same through a running deployment's HTTP API.
import { parseArgs } from 'node:util';
import { ConfigError } from '@stratum/platform';
import { loadServerConfig } from '../config.ts';
import { buildServer } from '../server.ts';
import { demoAccounts } from './demo-data.ts';
import { seedDemo, type SeedSummary } from './seed.ts';

const log = (m: string) => process.stdout.write(`  ${m}\n`);

/** Seeds a server built in this process on the configured database. */
async function seedHere(): Promise<SeedSummary> {
  const config = loadServerConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const server = await buildServer(config);
  await server.start();
  try {
    return await seedDemo(server, log);
  } finally {
    await server.lifecycle.shutdown('seeded');
  }
}

try {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  if (values.url !== undefined && !/^https?:\/\/[^/]+\/?$/.test(values.url)) {
    throw new Error(`--url must be a base URL like http://localhost:4000 (got "${values.url}")`);
  }
  const started = Date.now();
  const summary = values.url ? await seedDemo(values.url, log) : await seedHere();
  if (summary.created) {
    process.stdout.write(
      `Demo data ready in ${Date.now() - started} ms: ${summary.stores} stores, ${summary.items} items (${summary.variants} variants), ${summary.ingredients} ingredients, ${summary.recipes} recipes.\n`,
    );
  }
  process.stdout.write(
    `Log in as ${demoAccounts.owner.email} / "${demoAccounts.owner.password}" (or manager@ / cashier@ with "demo manager password" / "demo cashier password").\n`,
  );
} catch (err) {
  process.stderr.write(
    `${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
}
