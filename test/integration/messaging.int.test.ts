import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  afterCommit,
  createOutbox,
  createOutboxRelay,
  inboxSubscription,
  inProcessEventBus,
  lastly,
  rowsOf,
  type EventEnvelope,
  type RelayLink,
  type Tx,
} from '@stratum/platform';
import { identityEvents } from '@stratum/identity/contract';
import { buildServer, loadServerConfig, type StratumServer } from '@stratum/server';
import {
  createTestDatabase,
  postgresUrl,
  signUpTenant,
  startTestServer,
  testEngines,
  transactionWrites,
  type TestServer,
} from '@stratum/testing';
import { inbox, outbox, tenants } from '../../modules/identity/src/adapters/postgres/schema.ts';
import { outbox as storeOpsOutbox } from '../../modules/store-ops/src/adapters/postgres/schema.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type Database = StratumServer['database'];

/** Commits one transaction that writes a tenant-registered event to `table` per name. */
function writeEvents(
  database: Database,
  tenantId: string,
  names: readonly string[],
  relay?: RelayLink,
  table = outbox,
) {
  return database.transaction(
    async (tx) => {
      for (const name of names) {
        await createOutbox(table, relay).add(
          tx,
          identityEvents.tenantRegistered,
          { tenantId, name, ownerUserId: tenantId },
          tenantId,
        );
      }
    },
    { tenantId },
  );
}

/** The tenant's identity outbox rows, or those whose event carries `name`. */
async function rowsNamed(database: Database, tenantId: string, name?: string) {
  const rows = await database.transaction(
    (tx) => tx.select().from(outbox).where(eq(outbox.tenantId, tenantId)),
    { tenantId },
  );
  return name === undefined
    ? rows
    : rows.filter((r) => (r.envelope as EventEnvelope<{ name: string }>).payload.name === name);
}

/** An in-process bus that records the names in the tenant-registered events it carries. */
function recordingBus(subscription: string, first?: (name: string) => Promise<void>) {
  const seen: string[] = [];
  const bus = inProcessEventBus();
  bus.subscribe({
    name: subscription,
    types: ['identity.tenant-registered'],
    handle: async (e) => {
      const { name } = e.payload as { name: string };
      await first?.(name);
      seen.push(name);
    },
  });
  return { bus, seen };
}

const eventually = <T>(fn: () => T) => expect.poll(fn, { timeout: 10_000 });

/** Runs `test` with a tenant on a server whose own relay is not running: only the test's relay claims rows. */
async function withQuietTenant(
  engine: Parameters<typeof startTestServer>[0],
  test: (env: { database: Database; tenantId: string }) => Promise<void>,
) {
  const quiet = await startTestServer(engine, { startRelay: false });
  try {
    const { tenantId } = await signUpTenant(quiet.server);
    await test({ database: quiet.server.database, tenantId });
  } finally {
    await quiet.close();
  }
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

  /** An effect a handler writes through its transaction: an inbox row of a handler of its own. */
  const writeEffect = (tx: Tx, effect: string, tenantId: string) =>
    tx.insert(inbox).values({ messageId: crypto.randomUUID(), handler: effect, tenantId });
  const effectsOf = async (effect: string, tenantId: string) =>
    (
      await server.database.transaction(
        (tx) => tx.select().from(inbox).where(eq(inbox.handler, effect)),
        { tenantId },
      )
    ).length;

  /** Identity's inbox subscribed to `tenant-registered` under `test.<name>-<engine>`. */
  const registrations = (name: string, handle: Parameters<typeof inboxSubscription>[0]['handle']) =>
    inboxSubscription({
      name: `test.${name}-${engine}`,
      module: 'identity',
      event: identityEvents.tenantRegistered,
      database: server.database,
      inbox,
      handle,
    });

  it('applies a handler’s effect once when a message is delivered twice', async () => {
    const { tenantId } = await signUpTenant(server);
    const [row] = await outboxRows(tenantId);
    const envelope = row!.envelope as EventEnvelope;
    const effect = `test.count-effect-${engine}`;
    let committed = 0;
    const subscription = registrations('count', async (tx) => {
      // Registered before the write: a duplicate's rollback must not run it.
      afterCommit(tx, () => (committed += 1));
      await writeEffect(tx, effect, tenantId);
    });
    await Promise.all([subscription.handle(envelope), subscription.handle(envelope)]);
    await subscription.handle(envelope);
    expect(committed).toBe(1);
    expect(await effectsOf(effect, tenantId)).toBe(1);
    const marks = await server.database.transaction(
      (tx) => tx.select().from(inbox).where(eq(inbox.messageId, envelope.id)),
      { tenantId },
    );
    expect(marks.map((m) => m.handler)).toEqual([`test.count-${engine}`]);
  });

  it('commits nothing of a duplicate whose handler sent the commit with its last statements', async () => {
    const { tenantId } = await signUpTenant(server);
    const envelope = (await outboxRows(tenantId))[0]!.envelope as EventEnvelope;
    const effect = `test.lastly-effect-${engine}`;
    // Its only statement leaves with the inbox row's insert and the commit.
    const subscription = registrations('lastly', async (tx) => {
      await lastly(tx, async () => {
        await writeEffect(tx, effect, tenantId);
      });
    });
    await subscription.handle(envelope);
    await Promise.all([subscription.handle(envelope), subscription.handle(envelope)]);
    expect(await effectsOf(effect, tenantId)).toBe(1);
  });

  if (engine === 'postgres') {
    it('sends a handler’s first statements in the same write as its inbox row', async () => {
      const { tenantId } = await signUpTenant(server);
      const [row] = await outboxRows(tenantId);
      const envelope = row!.envelope as EventEnvelope;
      // Counted once the server's own deliveries of the event are done.
      await eventually(async () => (await outboxRows(tenantId))[0]?.publishedAt).not.toBeNull();
      const effect = `test.writes-effect-${engine}`;
      const subscription = registrations('writes', async (tx) => {
        await tx.select().from(inbox).where(eq(inbox.handler, effect));
        await lastly(tx, async () => {
          await writeEffect(tx, effect, tenantId);
        });
      });
      const port = Number(new URL(t.databaseUrl!).port || 5432);
      const writes = () => transactionWrites(port, () => subscription.handle(envelope));
      // The inbox row with the read; the write with the commit (four, each after an answer).
      expect((await writes()).map((w) => w.length)).toEqual([2]);
      // A duplicate costs the same, and its commit is answered with a rollback.
      expect((await writes()).map((w) => w.length)).toEqual([2]);
      expect(await effectsOf(effect, tenantId)).toBe(1);
    });
  }

  it('leaves no inbox mark when the handler fails, so a redelivery applies it', async () => {
    const { tenantId } = await signUpTenant(server);
    const envelope = (await outboxRows(tenantId))[0]!.envelope as EventEnvelope;
    const effect = `test.flaky-effect-${engine}`;
    let calls = 0;
    const subscription = registrations('flaky', async (tx) => {
      calls += 1;
      if (calls === 1) throw new Error('transient failure');
      // A duplicate's handler runs beside its inbox row's insert; its failure is not the message's.
      if (calls === 3) throw new Error('failed while the message was a duplicate');
      await writeEffect(tx, effect, tenantId);
    });
    await expect(subscription.handle(envelope)).rejects.toThrow('transient failure');
    await subscription.handle(envelope);
    await subscription.handle(envelope);
    await subscription.handle(envelope);
    expect(calls).toBe(4);
    expect(await effectsOf(effect, tenantId)).toBe(1);
  });

  it('polls only the outbox a commit woke, and every outbox on the poll tick', async () => {
    await withQuietTenant(engine, async ({ database, tenantId }) => {
      const { bus, seen } = recordingBus('test.wake');
      const arrived = (name: string) => expect.poll(() => seen).toContain(name);
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
        writeEvents(database, tenantId, [name], wake, table);
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
    });
  });

  it('hands what commits while the relay runs to it: leased on insert, published without a claim', async () => {
    await withQuietTenant(engine, async ({ database, tenantId }) => {
      const holding = deferred<void>();
      const release = deferred<void>();
      const { bus, seen } = recordingBus('test.hand-off', async (name) => {
        if (name !== 'held') return;
        holding.resolve();
        await release.promise;
      });
      const relay = createOutboxRelay({
        database,
        bus,
        pollIntervalMs: 60_000,
        outboxes: [{ module: 'identity', table: outbox }],
      });
      const handOff = relay.handOff('identity');
      const rows = (name: string) => rowsNamed(database, tenantId, name);

      // Not running: written due, and the first pass claims it.
      expect(handOff.lease()).toBeUndefined();
      await writeEvents(database, tenantId, ['before start'], handOff);
      expect(await rows('before start')).toMatchObject([{ attempts: 0 }]);
      relay.start();
      await eventually(() => seen).toContain('before start');
      expect(handOff.lease()).toBe(5_000);

      // Running: leased to the relay on insert, handed over in the order written.
      await writeEvents(database, tenantId, ['first', 'second'], handOff);
      await eventually(() => seen).toContain('second');
      expect(seen.slice(-2)).toEqual(['first', 'second']);
      const [first] = await rows('first');
      expect(first!.attempts).toBe(1); // a claim would have counted a second attempt
      expect(first!.availableAt.getTime()).toBeGreaterThan(first!.createdAt.getTime() + 4_000);
      await eventually(async () => (await rows('second'))[0]?.publishedAt).not.toBeNull();

      // A poll while a handed-over message is still being published leaves it alone.
      await writeEvents(database, tenantId, ['held'], handOff);
      await holding.promise;
      expect(await relay.runOnce()).toBe(0);
      release.resolve();
      await eventually(async () => (await rows('held'))[0]?.publishedAt).not.toBeNull();
      expect(seen.filter((n) => n === 'held')).toEqual(['held']);
      await relay.drain();
    });
  });

  it('marks what several commits published with one statement', async () => {
    await withQuietTenant(engine, async ({ database, tenantId }) => {
      const { bus, seen } = recordingBus('test.marks');
      let systemStatements = 0;
      const relay = createOutboxRelay({
        database: {
          ...database,
          system: (fn) => {
            systemStatements += 1;
            return database.system(fn);
          },
        },
        bus,
        pollIntervalMs: 60_000,
        markDelayMs: 60_000,
        outboxes: [{ module: 'identity', table: outbox }],
      });
      relay.start();
      await eventually(() => seen.length).toBe(1); // the sign-up's event
      const handOff = relay.handOff('identity');
      const names = ['one', 'two', 'three'];
      for (const name of names) await writeEvents(database, tenantId, [name], handOff);
      await eventually(() => seen.slice(1)).toEqual(names);
      const unpublished = async () =>
        (await rowsNamed(database, tenantId)).filter((r) => r.publishedAt === null).length;
      expect(await unpublished()).toBe(4); // published, and not marked yet
      const before = systemStatements;
      await relay.drain(); // marks what is waiting: one statement for the four
      expect(systemStatements - before).toBe(2); // the drain's claim, then the mark
      expect(await unpublished()).toBe(0);
    });
  });

  it('leaves a hand-off the bus could not take to the poll once its lease runs out', async () => {
    await withQuietTenant(engine, async ({ database, tenantId }) => {
      const recorded = recordingBus('test.hand-off-lapsed');
      let connected = true;
      const bus = {
        ...recorded.bus,
        get connected() {
          return connected;
        },
      };
      const relay = createOutboxRelay({
        database,
        bus,
        pollIntervalMs: 60_000,
        handOffLeaseMs: 1_500,
        outboxes: [{ module: 'identity', table: outbox }],
      });
      relay.start();
      await eventually(() => recorded.seen.length).toBe(1); // the sign-up's event
      connected = false;
      await writeEvents(database, tenantId, ['while down'], relay.handOff('identity'));
      const row = async () => (await rowsNamed(database, tenantId, 'while down'))[0]!;
      // The bus is down: the pass keeps nothing, and the row stays leased.
      const leasedUntil = (await row()).availableAt.getTime();
      connected = true;
      expect(await relay.runOnce()).toBe(0);
      expect(recorded.seen).not.toContain('while down');
      // Once the lease has run out, a poll claims it: its second attempt.
      await eventually(() => {
        relay.wake();
        return recorded.seen.filter((name) => name === 'while down');
      }).toEqual(['while down']);
      expect(await row()).toMatchObject({ attempts: 2, publishedAt: expect.any(Date) });
      expect(Date.now()).toBeGreaterThanOrEqual(leasedUntil);
      await relay.drain();
    });
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
