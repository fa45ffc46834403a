import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl } from '@stratum/testing';
import { runScript } from '../support/process.ts';

const main = 'apps/server/src/main.ts';

describe('the server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts embedded, prints where it listens, its docs and its data, and stops cleanly on SIGTERM', async () => {
    const run = runScript(main, {
      PORT: '0',
      HOST: '127.0.0.1',
      STRATUM_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    const [, url] = await run.waitFor(/API\s+(http:\/\/localhost:\d+)\/api\/v1/);
    expect(run.stdout()).toContain(`Docs  ${url}/docs`);
    expect(run.stdout()).toContain(`Data  ${join(dataDir, 'pglite')}`);
    expect(run.stdout()).toMatch(/embedded PGlite/);

    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const docs = await fetch(`${url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as {
      openapi: string;
      paths: object;
    };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/v1/identity/signup');

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toContain('shutdown complete');
  });

  it('refuses to start on bad configuration and names every bad variable', async () => {
    const run = runScript(main, {
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://db/x',
      STRATUM_DATA_DIR: dataDir,
    });
    expect((await run.exited).code).toBe(1);
    const err = run.stderr();
    expect(err).toContain('Invalid configuration');
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL']) expect(err).toContain(name);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it.runIf(postgresUrl())('runs on PostgreSQL when DATABASE_URL is set', async () => {
    const db = await createTestDatabase(postgresUrl()!);
    try {
      const run = runScript(main, { PORT: '0', DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
      const [, url] = await run.waitFor(/API\s+(http:\/\/localhost:\d+)\/api\/v1/);
      expect(run.stdout()).toContain('(PostgreSQL)');
      expect(run.stdout()).not.toContain(new URL(db.url).password || '\u0000');
      const ready = (await (await fetch(`${url}/health/ready`)).json()) as { checks: object };
      expect(ready.checks).toEqual({ database: 'up' });
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
