import type * as fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * A fresh copy of the module, so each test starts with no transport selected,
 * on a machine whose PostgreSQL has a socket or not.
 */
const load = async (socket = false) => {
  vi.resetModules();
  vi.doMock('node:fs', async (original) => ({
    ...(await original<typeof fs>()),
    existsSync: (path: string) => socket && path === '/var/run/postgresql/.s.PGSQL.5432',
  }));
  return import('./postgres.ts');
};

describe('how the bench reaches PostgreSQL', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.doUnmock('node:fs');
  });

  it('takes a URL from the environment and tells its transport from its host', async () => {
    vi.stubEnv('BENCH_DATABASE_URL', 'postgres://postgres@localhost/postgres?host=/run/pg');
    const pg = await load();
    expect(pg.selectPostgres()).toBeNull();
    expect(pg.adminUrl()).toBe('postgres://postgres@localhost/postgres?host=/run/pg');
    expect(pg.postgresTransport()).toBe('socket');

    vi.stubEnv('BENCH_DATABASE_URL', 'postgres://postgres@db.internal:5432/postgres');
    expect(pg.selectPostgres()).toBeNull();
    expect(pg.postgresTransport()).toBe('tcp');
  });

  it('refuses a transport the environment’s URL does not use', async () => {
    vi.stubEnv('BENCH_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
    const pg = await load();
    expect(pg.selectPostgres('socket')).toMatch(/reaches PostgreSQL over tcp/);
  });

  it('reaches the local server over its socket when it has one, else over TCP', async () => {
    vi.stubEnv('BENCH_DATABASE_URL', '');
    vi.stubEnv('TEST_DATABASE_URL', '');
    const withSocket = await load(true);
    expect(withSocket.postgresTransport()).toBe('socket');
    expect(withSocket.adminUrl()).toBe(
      'postgres://postgres@localhost/postgres?host=/var/run/postgresql',
    );
    expect(withSocket.selectPostgres('tcp')).toBeNull();
    expect(withSocket.adminUrl()).toBe('postgres://postgres@127.0.0.1:5432/postgres');

    const without = await load(false);
    expect(without.postgresTransport()).toBe('tcp');
    expect(without.selectPostgres('socket')).toMatch(/has no socket in \/var\/run\/postgresql/);
  });
});
