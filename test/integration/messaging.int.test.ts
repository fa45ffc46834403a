import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutbox,
  createOutboxRelay,
  inboxSubscription,
  inProcessEventBus,
  rowsOf,
  type EventEnvelope,
} from '@stratum/platform';
import { identityEvents } from '@stratum/identity/contract';
import { buildServer, loadServerConfig, type StratumServer } from '@stratum/server';
import {
  createTestDatabase,
  postgresUrl,
  signUpTenant,
  startTestServer,
  testEngines,
  type TestServer,
} from '@stratum/testing';
import { inbox, outbox, tenants } from '../../modules/identity/src/adapters/postgres/schema.ts';
import { outbox as storeOpsOutbox } from '../../modules/store-ops/src/adapters/postgres/schema.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(testEngines())('outbox and inbox on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
  });
  afterAll(() => t?.close());

  const outboxRows = (tenantId: string) =>
    server.database.transaction(
      (tx) => tx.select().from(outbox).where(eq(outbox.tenantId, tenantId)),
      {
        tenantId,
      },
    );

  it('commits an event together with the state change', async () => {
    const { tenantId } = await signUpTenant(server);
    const rows = await outboxRows(tenantId);
    expect(rows.map((r) => r.type)).toEqual(['identity.tenant-registered']);
    const envelope = rows[0]!.envelope as EventEnvelope<{ tenantId: string }>;
    expect(envelope).toMatchObject({ tenantId, version: 1, payload: { tenantId } });
  });

  it('drops the event when the transaction rolls back', async () => {
    const tenantId = '01900000-0000-7000-8000-00000000dead';
    const events = createOutbox(outbox);
    const attempt = server.database.transaction(
      async (tx) => {
        await tx.insert(tenants).values({ tenantId, name: 'Doomed' });
        await events.add(
          tx,
          identityEvents.tenantRegistered,
          { tenantId, name: 'Doomed', ownerUserId: tenantId },
          tenantId,
        );
        throw new Error('business rule failed after the event was written');
      },
      { tenantId },
    );
    await expect(attempt).rejects.toThrow('business rule failed');
    expect(await outboxRows(tenantId)).toEqual([]);
    const state = await server.database.transaction((tx) => tx.select().from(tenants), {
      tenantId,
    });
    expect(state).toEqual([]);
  });

  it('relays committed events to subscribers and marks them published', async () => {
    const received = deferred<EventEnvelope>();
    const marker = `Relay Café ${engine}`;
    server.bus.subscribe({
      name: `test.relay-${engine}`,
      types: ['identity.tenant-registered'],
      handle: async (e) => {
        if ((e.payload as { name: string }).name === marker) received.resolve(e);
      },
    });
    const { tenantId } = await signUpTenant(server, marker);
    const envelope = await received.promise;
    expect(envelope.tenantId).toBe(tenantId);
    await expect.poll(async () => (await outboxRows(tenantId))[0]?.publishedAt).not.toBeNull();
  });

  it('applies a handler’s effect once when a message is delivered twice', async () => {
    const { tenantId } = await signUpTenant(server);
    const [row] = await outboxRows(tenantId);
    const envelope = row!.envelope as EventEnvelope;
    let applied = 0;
    const subscription = inboxSubscription({
      name: `test.count-${engine}`,
      module: 'identity',
      event: identityEvents.tenantRegistered,
      database: server.database,
      inbox,
      handle: async () => {
        applied += 1;
      },
    });
    await Promise.all([subscription.handle(envelope), subscription.handle(envelope)]);
    await subscription.handle(envelope);
    expect(applied).toBe(1);
    const marks = await server.database.transaction(
      (tx) => tx.select().from(inbox).where(eq(inbox.messageId, envelope.id)),
      { tenantId },
    );
    expect(marks.map((m) => m.handler)).toEqual([`test.count-${engine}`]);
  });

  it('leaves no inbox mark when the handler fails, so a redelivery applies it', async () => {
    const { tenantId } = await signUpTenant(server);
    const envelope = (await outboxRows(tenantId))[0]!.envelope as EventEnvelope;
    let calls = 0;
    let applied = 0;
    const subscription = inboxSubscription({
      name: `test.flaky-${engine}`,
      module: 'identity',
      event: identityEvents.tenantRegistered,
      database: server.database,
      inbox,
      handle: async () => {
        calls += 1;
        if (calls === 1) throw new Error('transient failure');
        applied += 1;
      },
    });
    await expect(subscription.handle(envelope)).rejects.toThrow('transient failure');
    await subscription.handle(envelope);
    await subscription.handle(envelope);
    expect({ calls, applied }).toEqual({ calls: 2, applied: 1 });
  });

  it('polls only the outbox a commit woke, and every outbox on the poll tick', async () => {
    const quiet = await startTestServer(engine, { startRelay: false });
    try {
      const { database } = quiet.server;
      const { tenantId } = await signUpTenant(quiet.server);
      const seen: string[] = [];
      const arrived = (name: string) => expect.poll(() => seen).toContain(name);
      const bus = inProcessEventBus();
      bus.subscribe({
        name: 'test.wake',
        types: ['identity.tenant-registered'],
        handle: async (e) => {
          seen.push((e.payload as { name: string }).name);
        },
      });
      const relay = createOutboxRelay({
        database,
        bus,
        pollIntervalMs: 60_000,
        outboxes: [
          { module: 'identity', table: outbox },
          { module: 'store-ops', table: storeOpsOutbox },
        ],
      });
      const write = (table: typeof outbox, name: string, wake?: () => void) =>
        database.transaction(
          (tx) =>
            createOutbox(table, wake).add(
              tx,
              identityEvents.tenantRegistered,
              { tenantId, name, ownerUserId: tenantId },
              tenantId,
            ),
          { tenantId },
        );
      await write(storeOpsOutbox, 'before start');
      relay.start();
      await arrived('before start'); // the first pass polls every outbox

      await write(storeOpsOutbox, 'not woken');
      await write(outbox, 'woken', () => relay.wake('identity'));
      await arrived('woken');
      expect(seen).not.toContain('not woken');

      relay.wake(); // what a poll tick does: every outbox
      await arrived('not woken');
      await relay.drain();
    } finally {
      await quiet.close();
    }
  });

  it('retries a failed publish later and sets a message aside after the last attempt', async () => {
    // A server whose own relay is not running, so only this test's relay claims rows.
    const quiet = await startTestServer(engine, { startRelay: false });
    const server = quiet.server;
    const outboxRows = (tenantId: string) =>
      server.database.transaction(
        (tx) => tx.select().from(outbox).where(eq(outbox.tenantId, tenantId)),
        {
          tenantId,
        },
      );
    const { tenantId } = await signUpTenant(server);
    const bus = inProcessEventBus();
    let failing = true;
    let delivered = 0;
    bus.subscribe({
      name: 'test.retry',
      types: ['identity.tenant-registered'],
      handle: async (e) => {
        if (e.tenantId !== tenantId) return;
        if (failing) throw new Error('consumer down');
        delivered += 1;
      },
    });
    const relay = createOutboxRelay({
      database: server.database,
      bus,
      outboxes: [{ module: 'identity', table: outbox }],
      maxAttempts: 3,
    });
    const makeDue = () =>
      server.database.transaction(
        (tx) =>
          tx
            .update(outbox)
            .set({ availableAt: sql`now()`, publishedAt: null })
            .where(eq(outbox.tenantId, tenantId)),
        { system: true },
      );
    await makeDue();
    await relay.runOnce();
    let [row] = await outboxRows(tenantId);
    expect(row).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('handler(s) failed'),
      publishedAt: null,
    });
    expect(row!.availableAt.getTime()).toBeGreaterThan(Date.now());

    failing = false;
    await makeDue();
    await relay.runOnce();
    [row] = await outboxRows(tenantId);
    expect(row!.publishedAt).not.toBeNull();
    expect(delivered).toBe(1);

    failing = true;
    for (let i = 0; i < 3; i++) {
      await makeDue();
      await relay.runOnce();
    }
    [row] = await outboxRows(tenantId);
    expect(row!.deadAt).not.toBeNull();
    await quiet.close();
  });
});

describe('a message written but not relayed before the process died', () => {
  it('is delivered after a restart on PGlite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stratum-outbox-'));
    try {
      const config = loadServerConfig({
        LOG_LEVEL: 'silent',
        STRATUM_DATA_DIR: dataDir,
        OUTBOX_POLL_MS: '50',
      });
      const first = await buildServer(config);
      const { tenantId } = await signUpTenant(first, 'Restart Café');
      // Die without relaying: no drain, just let go of the data folder.
      await first.database.close();

      const second = await buildServer(config);
      const received = deferred<EventEnvelope>();
      second.bus.subscribe({
        name: 'test.after-restart',
        types: ['identity.tenant-registered'],
        handle: async (e) => {
          if (e.tenantId === tenantId) received.resolve(e);
        },
      });
      await second.start();
      expect((await received.promise).tenantId).toBe(tenantId);
      await second.lifecycle.shutdown('test finished');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(postgresUrl())('is delivered after the writer is SIGKILLed on PostgreSQL', async () => {
    const db = await createTestDatabase(postgresUrl()!);
    try {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, '../support/crash-writer.ts')],
        {
          env: { ...process.env, DATABASE_URL: db.url },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exited = new Promise((r) => child.once('exit', (_code, signal) => r(signal)));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on(
          'line',
          (l) => l.startsWith('written') && resolve(l),
        );
        child.once('exit', () => reject(new Error('writer exited before writing')));
      });
      const tenantId = line.split(' ')[1]!;
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const server = await buildServer(
        loadServerConfig({ LOG_LEVEL: 'silent', DATABASE_URL: db.url, OUTBOX_POLL_MS: '50' }),
      );
      const pending = await server.database.transaction(
        async (tx) =>
          rowsOf<{ n: number }>(
            await tx.execute(
              sql`select count(*)::int as n from identity.outbox where published_at is null`,
            ),
          ),
        { tenantId },
      );
      expect(pending[0]!.n).toBe(1);
      const received = deferred<EventEnvelope>();
      server.bus.subscribe({
        name: 'test.after-kill',
        types: ['identity.tenant-registered'],
        handle: async (e) => {
          if (e.tenantId === tenantId) received.resolve(e);
        },
      });
      await server.start();
      expect((await received.promise).tenantId).toBe(tenantId);
      await server.lifecycle.shutdown('test finished');
    } finally {
      await db.drop();
    }
  });
});
