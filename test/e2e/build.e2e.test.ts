import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { buildAll, defaultOutdir, type BuildResult } from '../../deploy/build.ts';
import { builtCommand } from '../../deploy/built.ts';
import { runNode, type Running } from '../support/process.ts';

// The compiled build (ADR 0023) is what `npm start`, the image and the bench run:
// built into a folder of its own, each process must still find what lies beside
// its sources (migrations) and behave as it does under tsx.
describe('the compiled build', () => {
  mkdirSync(defaultOutdir, { recursive: true });
  const outdir = mkdtempSync(join(defaultOutdir, '.test-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-build-data-'));
  const running: Running[] = [];
  let build: BuildResult;

  beforeAll(async () => {
    build = await buildAll(outdir);
  }, 60_000);
  afterAll(async () => {
    for (const run of running) run.child.kill('SIGKILL');
    await Promise.all(running.map((run) => run.exited));
    rmSync(outdir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (...args: Parameters<typeof runNode>) => {
    const run = runNode(...args);
    running.push(run);
    return run;
  };

  it('refuses an output folder where Node would not find the dependencies', async () => {
    await expect(buildAll(join(tmpdir(), 'stratum-elsewhere'))).rejects.toThrow(/below/);
  });

  it('writes one file per process, with a source map that names the TypeScript sources', () => {
    expect(Object.keys(build.files).sort()).toEqual(['card-processor', 'gateway', 'server']);
    const map = JSON.parse(readFileSync(`${build.files.server}.map`, 'utf8')) as {
      sources: string[];
    };
    expect(map.sources.some((s) => s.endsWith('modules/catalog/src/application/menu.ts'))).toBe(
      true,
    );
    // npm dependencies are loaded from node_modules, not copied in.
    expect(map.sources.some((s) => s.includes('node_modules/fastify/'))).toBe(false);
  });

  it('runs the server embedded with the demo café, behind the built gateway, and stops cleanly', async () => {
    const server = start([...builtCommand('server', outdir), '--seed'], {
      PORT: '0',
      HOST: '127.0.0.1',
      STRATUM_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    const [, api] = await server.waitFor(/API\s+(http:\/\/localhost:\d+)\/api\/v1/);
    const base = `http://127.0.0.1:${new URL(api!).port}`;

    const gateway = start(builtCommand('gateway', outdir), {
      GATEWAY_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      STRATUM_UPSTREAM: base,
    });
    const [, via] = await gateway.waitFor(/Stratum gateway on (http:\/\/\S+)\/api\/v1/);

    const login = await fetch(`${via}/api/v1/identity/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(demoAccounts.cashier),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const stores = (await (
      await fetch(`${via}/api/v1/store-ops/stores`, { headers: auth })
    ).json()) as {
      items: { id: string }[];
    };
    expect(stores.items).toHaveLength(2);
    const menuUrl = `${base}/api/v1/catalog/stores/${stores.items[0]!.id}/menu`;
    const menu = await fetch(menuUrl, { headers: auth });
    expect(menu.status).toBe(200);
    const document = (await menu.json()) as {
      categories: { items: unknown[] }[];
      uncategorized: unknown[];
    };
    const items = document.categories.flatMap((c) => c.items).length;
    expect(items + document.uncategorized.length).toBeGreaterThanOrEqual(40);
    const etag = menu.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(menuUrl, { headers: { ...auth, 'if-none-match': etag! } });
    expect(again.status).toBe(304);

    gateway.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toContain('shutdown complete');
  }, 120_000);

  it('runs the card processor', async () => {
    const processor = start(builtCommand('card-processor', outdir), {
      PROCESSOR_PORT: '0',
      PROCESSOR_HOST: '127.0.0.1',
    });
    const [, url] = await processor.waitFor(/card processor listening on (http:\/\/\S+)\n/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    processor.child.kill('SIGTERM');
    expect((await processor.exited).code).toBe(0);
  }, 60_000);
});
