import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLogs } from '@stratum/testing';
import { createHttpApp, type StratumApp } from './http/app.ts';
import { registerHealth } from './http/health.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface Running {
  app: StratumApp;
  baseUrl: string;
  logs: ReturnType<typeof captureLogs>;
  /** Resolves when the /slow handler has started. */
  slowStarted: Promise<void>;
  /** Lets the /slow handler finish. */
  releaseSlow: () => void;
}

const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real app listening on an ephemeral port, with a route that waits to be released. */
async function startApp(): Promise<Running> {
  const logs = captureLogs('info');
  const app = await createHttpApp({ logger: logs.logger });
  const started = deferred();
  const release = deferred();
  app.get('/slow', async () => {
    started.resolve();
    await release.promise;
    return { finished: true };
  });
  app.get('/fast', () => ({ fast: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  cleanups.push(() => {
    release.resolve();
    app.server.closeAllConnections();
    return app.close();
  });
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    slowStarted: started.promise,
    releaseSlow: () => release.resolve(),
  };
}

describe('createLifecycle with a listening server', () => {
  it('lets a keep-alive request in flight finish, refuses new connections, then drains and closes in order', async () => {
    const { app, baseUrl, slowStarted, releaseSlow, logs } = await startApp();
    const steps: string[] = [];
    const forceCloseServer = vi.fn(() => app.server.closeAllConnections());
    const lifecycle = createLifecycle({
      logger: logs.logger,
      closeServer: async () => {
        await app.close();
        steps.push('server closed');
      },
      forceCloseServer,
      drainers: [
        async () => {
          steps.push('drain relay');
        },
        async () => {
          steps.push('drain jobs');
        },
      ],
      closers: [
        async () => {
          steps.push('close bus');
        },
        async () => {
          steps.push('close database');
        },
      ],
    });

    // Global fetch keeps its connection open after a response, unless the server says close.
    const warmUp = await fetch(`${baseUrl}/fast`);
    expect(warmUp.headers.get('connection')).toBe('keep-alive');
    await warmUp.json();
    const inFlight = fetch(`${baseUrl}/slow`);
    await slowStarted;
    expect(lifecycle.draining).toBe(false);

    const done = lifecycle.shutdown('test');
    expect(lifecycle.draining).toBe(true);
    await vi.waitFor(() => expect(app.server.listening).toBe(false));

    const refused = await fetch(`${baseUrl}/fast`).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(steps).toEqual([]);

    releaseSlow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ finished: true });

    await done;
    expect(steps).toEqual([
      'server closed',
      'drain relay',
      'drain jobs',
      'close bus',
      'close database',
    ]);
    expect(forceCloseServer).not.toHaveBeenCalled();
    const messages = logs.lines().map((l) => l['msg']);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('shutdown complete');
    expect(messages).not.toContain(
      'in-flight requests did not finish in time; closing connections',
    );
    expect(logs.lines().find((l) => l['msg'] === 'shutting down')).toMatchObject({
      reason: 'test',
    });
  });

  it('forces open connections closed when a request does not finish before the deadline', async () => {
    const { app, baseUrl, slowStarted, logs } = await startApp();
    const steps: string[] = [];
    const forceCloseServer = vi.fn(() => {
      steps.push('forced');
      app.server.closeAllConnections();
    });
    const lifecycle = createLifecycle({
      logger: logs.logger,
      closeServer: async () => {
        await app.close();
        steps.push('server closed');
      },
      forceCloseServer,
      drainers: [
        async () => {
          steps.push('drained');
        },
      ],
      closers: [
        async () => {
          steps.push('closed');
        },
      ],
      deadlineMs: 200,
    });

    const inFlight = fetch(`${baseUrl}/slow`).catch((err: unknown) => err);
    await slowStarted;
    await lifecycle.shutdown('deadline test');

    expect(forceCloseServer).toHaveBeenCalledTimes(1);
    expect(steps).toEqual(['forced', 'server closed', 'drained', 'closed']);
    expect(await inFlight).toBeInstanceOf(TypeError);
    expect(logs.lines().find((l) => l['level'] === 'warn')).toMatchObject({
      msg: 'in-flight requests did not finish in time; closing connections',
      deadlineMs: 200,
    });
  });

  it('turns readiness to shutting-down as soon as shutdown starts, before the server stops', async () => {
    const logs = captureLogs('silent');
    const app = await createHttpApp({ logger: logs.logger });
    const closeServer = vi.fn(() => app.close());
    const lifecycle: Lifecycle = createLifecycle({
      logger: logs.logger,
      closeServer,
      drainDelayMs: 5_000,
    });
    registerHealth(app, { checks: {}, isDraining: () => lifecycle.draining });
    await app.ready();
    cleanups.push(() => app.close());
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const before = await app.inject({ url: '/health/ready' });
    const done = lifecycle.shutdown('rolling update');
    const during = await app.inject({ url: '/health/ready' });

    expect(before.statusCode).toBe(200);
    expect(during.statusCode).toBe(503);
    expect(during.json()).toMatchObject({ code: 'shutting-down' });
    expect(closeServer).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(5_000);
    await done;
    expect(closeServer).toHaveBeenCalledTimes(1);
  });
});

describe('createLifecycle', () => {
  it('returns the same promise when shutdown is called twice and runs the sequence once', async () => {
    const logs = captureLogs('silent');
    const closed = deferred();
    const closeServer = vi.fn(() => closed.promise);
    const closer = vi.fn(() => Promise.resolve());
    const lifecycle = createLifecycle({ logger: logs.logger, closeServer, closers: [closer] });

    const first = lifecycle.shutdown('SIGTERM');
    const second = lifecycle.shutdown('SIGINT');
    expect(second).toBe(first);

    closed.resolve();
    await first;
    expect(lifecycle.shutdown('again')).toBe(first);
    expect(closeServer).toHaveBeenCalledTimes(1);
    expect(closer).toHaveBeenCalledTimes(1);
  });

  it('still runs the remaining drainers and every closer when a drainer fails, then rejects with its error', async () => {
    const logs = captureLogs('info');
    const steps: string[] = [];
    const lifecycle = createLifecycle({
      logger: logs.logger,
      closeServer: () => Promise.resolve(),
      drainers: [
        () => Promise.reject(new Error('relay stuck')),
        async () => {
          steps.push('drain jobs');
        },
      ],
      closers: [
        async () => {
          steps.push('close bus');
        },
        async () => {
          steps.push('close database');
        },
      ],
    });

    await expect(lifecycle.shutdown('test')).rejects.toThrow('relay stuck');

    expect(steps).toEqual(['drain jobs', 'close bus', 'close database']);
    expect(logs.lines().filter((l) => l['msg'] === 'shutdown step failed')).toEqual([
      expect.objectContaining({
        level: 'error',
        err: expect.objectContaining({ message: 'relay stuck' }),
      }),
    ]);
    expect(logs.lines().map((l) => l['msg'])).not.toContain('shutdown complete');
  });

  it('logs every failing step and rejects with the first failure', async () => {
    const logs = captureLogs('info');
    const lastCloser = vi.fn(() => Promise.resolve());
    const lifecycle = createLifecycle({
      logger: logs.logger,
      closeServer: () => Promise.resolve(),
      drainers: [() => Promise.reject(new Error('relay stuck'))],
      closers: [() => Promise.reject(new Error('bus would not close')), lastCloser],
    });

    await expect(lifecycle.shutdown('test')).rejects.toThrow('relay stuck');

    expect(lastCloser).toHaveBeenCalledTimes(1);
    const failures = logs.lines().filter((l) => l['msg'] === 'shutdown step failed');
    expect(failures.map((l) => (l['err'] as { message: string }).message)).toEqual([
      'relay stuck',
      'bus would not close',
    ]);
  });

  it('clears the deadline timer when closing the server fails', async () => {
    const logs = captureLogs('silent');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const lifecycle = createLifecycle({
      logger: logs.logger,
      closeServer: () => Promise.reject(new Error('server would not close')),
      deadlineMs: 60_000,
    });

    await expect(lifecycle.shutdown('test')).rejects.toThrow('server would not close');

    expect(vi.getTimerCount()).toBe(0);
  });

  it('exits 0 after a signal-triggered shutdown succeeds', async () => {
    const logs = captureLogs('silent');
    const handlers = new Map<string, (signal: NodeJS.Signals) => void>();
    vi.spyOn(process, 'once').mockImplementation(((event: string, handler: never) => {
      handlers.set(event, handler);
      return process;
    }) as typeof process.once);
    const closeServer = vi.fn(() => Promise.resolve());
    const lifecycle = createLifecycle({ logger: logs.logger, closeServer });
    const exited = deferred<number>();

    lifecycle.installSignalHandlers((code) => exited.resolve(code));
    expect([...handlers.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    handlers.get('SIGTERM')?.('SIGTERM');

    expect(await exited.promise).toBe(0);
    expect(lifecycle.draining).toBe(true);
    expect(closeServer).toHaveBeenCalledTimes(1);
  });

  it('logs the failure and exits 1 when a signal-triggered shutdown fails', async () => {
    const logs = captureLogs('info');
    const handlers = new Map<string, (signal: NodeJS.Signals) => void>();
    vi.spyOn(process, 'once').mockImplementation(((event: string, handler: never) => {
      handlers.set(event, handler);
      return process;
    }) as typeof process.once);
    const lifecycle = createLifecycle({
      logger: logs.logger,
      closeServer: () => Promise.resolve(),
      closers: [() => Promise.reject(new Error('pool would not close'))],
    });
    const exited = deferred<number>();

    lifecycle.installSignalHandlers((code) => exited.resolve(code));
    handlers.get('SIGINT')?.('SIGINT');

    expect(await exited.promise).toBe(1);
    expect(logs.lines().find((l) => l['msg'] === 'shutdown failed')).toMatchObject({
      level: 'error',
      err: expect.objectContaining({ message: 'pool would not close' }),
    });
  });
});
