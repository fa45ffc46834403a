import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The admin URL of the test PostgreSQL server, or null when there is none. */
export function postgresUrl(): string | null {
  return inject('postgresUrl');
}

export interface TestDatabase {
  /** Owner (superuser) URL of a fresh, empty database. */
  url: string;
  drop(): Promise<void>;
}

/** Creates a throw-away database so suites never share state. */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `stratum_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The engines a suite runs against: PGlite always, PostgreSQL when reachable. */
export function testEngines(): ('pglite' | 'postgres')[] {
  return postgresUrl() ? ['pglite', 'postgres'] : ['pglite'];
}

/** The test Redis server's URL, or null when there is none. */
export function redisUrl(): string | null {
  return inject('redisUrl');
}

/** The test NATS (JetStream) server's URL, or null when there is none. */
export function natsUrl(): string | null {
  return inject('natsUrl');
}
