import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLogs } from '@stratum/testing';
import { createHttpApp } from './app.ts';
import { registerHealth, type HealthOptions } from './health.ts';

const problemJson = /^application\/problem\+json/;

async function buildApp(options: HealthOptions, openapi = false) {
  const app = await createHttpApp({
    logger: captureLogs('silent').logger,
    ...(openapi && { openapi: { title: 'Health', version: '1.0.0' } }),
  });
  registerHealth(app, options);
  await app.ready();
  return app;
}

const up = () => Promise.resolve();
const notDraining = () => false;

afterEach(() => {
  vi.useRealTimers();
});

describe('/health/live', () => {
  it('answers 200 even when a dependency is down', async () => {
    const app = await buildApp({
      checks: { database: () => Promise.reject(new Error('down')) },
      isDraining: notDraining,
    });

    const res = await app.inject({ url: '/health/live' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'live' });
  });
});

describe('/health/ready', () => {
  it('answers 200 with every check up when all checks pass', async () => {
    const app = await buildApp({ checks: { database: up, bus: up }, isDraining: notDraining });

    const res = await app.inject({ url: '/health/ready' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'up', bus: 'up' } });
  });

  it('answers 200 when the process has no dependencies to check', async () => {
    const app = await buildApp({ checks: {}, isDraining: notDraining });

    const res = await app.inject({ url: '/health/ready' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: {} });
  });

  it('answers 503 not-ready marking the rejecting check down and the others up', async () => {
    const app = await buildApp({
      checks: { database: up, bus: () => Promise.reject(new Error('connection refused')) },
      isDraining: notDraining,
    });

    const res = await app.inject({ url: '/health/ready' });

    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(problemJson);
    expect(res.json()).toMatchObject({
      type: 'urn:stratum:problem:not-ready',
      status: 503,
      code: 'not-ready',
      checks: { database: 'up', bus: 'down' },
    });
    expect(res.body).not.toContain('connection refused');
  });

  it('marks a check that throws synchronously as down', async () => {
    const app = await buildApp({
      checks: {
        cache: () => {
          throw new Error('not connected');
        },
      },
      isDraining: notDraining,
    });

    const res = await app.inject({ url: '/health/ready' });

    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'not-ready', checks: { cache: 'down' } });
  });

  it('marks a check that does not answer within the time limit as down', async () => {
    let called!: () => void;
    const checkStarted = new Promise<void>((resolve) => (called = resolve));
    const app = await buildApp({
      checks: {
        database: up,
        bus: () => {
          called();
          return new Promise<void>(() => {});
        },
      },
      isDraining: notDraining,
      timeoutMs: 5_000,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const pending = app.inject({ url: '/health/ready' });
    await checkStarted;
    await vi.advanceTimersByTimeAsync(5_000);
    const res = await pending;

    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      code: 'not-ready',
      checks: { database: 'up', bus: 'down' },
    });
  });

  it('still gives up on a hung check when no time limit is configured', async () => {
    let called!: () => void;
    const checkStarted = new Promise<void>((resolve) => (called = resolve));
    const app = await buildApp({
      checks: {
        database: () => {
          called();
          return new Promise<void>(() => {});
        },
      },
      isDraining: notDraining,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const pending = app.inject({ url: '/health/ready' });
    await checkStarted;
    await vi.runOnlyPendingTimersAsync();
    const res = await pending;

    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ checks: { database: 'down' } });
  });

  it('answers 503 shutting-down while draining, without running the checks', async () => {
    const check = vi.fn(up);
    const app = await buildApp({ checks: { database: check }, isDraining: () => true });

    const res = await app.inject({ url: '/health/ready' });

    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(problemJson);
    expect(res.json()).toMatchObject({
      type: 'urn:stratum:problem:shutting-down',
      status: 503,
      code: 'shutting-down',
    });
    expect(check).not.toHaveBeenCalled();
  });

  it('asks whether the process is draining on every request', async () => {
    let draining = false;
    const app = await buildApp({ checks: { database: up }, isDraining: () => draining });

    const before = await app.inject({ url: '/health/ready' });
    draining = true;
    const after = await app.inject({ url: '/health/ready' });

    expect(before.statusCode).toBe(200);
    expect(after.statusCode).toBe(503);
    expect(after.json()).toMatchObject({ code: 'shutting-down' });
  });

  it('runs the checks again on every request', async () => {
    let databaseUp = false;
    const app = await buildApp({
      checks: {
        database: () => (databaseUp ? Promise.resolve() : Promise.reject(new Error('down'))),
      },
      isDraining: notDraining,
    });

    const first = await app.inject({ url: '/health/ready' });
    databaseUp = true;
    const second = await app.inject({ url: '/health/ready' });

    expect(first.statusCode).toBe(503);
    expect(second.statusCode).toBe(200);
  });
});

describe('health routes', () => {
  it('stay out of the OpenAPI document', async () => {
    const app = await buildApp({ checks: {}, isDraining: notDraining }, true);

    const doc = (await app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();

    expect(Object.keys(doc.paths)).not.toContain('/health/live');
    expect(Object.keys(doc.paths)).not.toContain('/health/ready');
  });
});
