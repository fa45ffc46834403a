import { randomUUID } from 'node:crypto';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsUrl } from '@stratum/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  describeEventBusContract,
  deliver,
  eventually,
  freshType,
  recorder,
  testEnvelope,
} from './bus.contract.ts';
import { deadLetters } from './dead-letters.ts';
import { natsEventBus, planConsumers, type NatsEventBusOptions } from './nats-bus.ts';
import { eventStreamName, natsNames } from './nats-streams.ts';

const url = natsUrl();
const prefix = `nats-bus-${randomUUID().slice(0, 8)}`;
const names = natsNames(prefix);

/** Quick retries and few deliveries, so failures play out within a test. */
const fast = (extra: NatsEventBusOptions = {}): NatsEventBusOptions => ({
  servers: url ?? undefined,
  prefix,
  retryDelaysMs: [20, 40, 80],
  maxDeliveries: 4,
  ...extra,
});

describe('planConsumers', () => {
  const sub = { name: 'store-ops.on-orders', types: ['ordering.a', 'ordering.b', 'catalog.c'] };
  const handle = () => Promise.resolve();

  it('makes one consumer per producing stream, filtered to the subscription types', () => {
    const plans = planConsumers(names, { ...sub, handle }, true);
    expect(plans).toEqual([
      {
        module: 'ordering',
        stream: `${prefix.toUpperCase()}_EVENTS_ORDERING`,
        name: 'store-ops_on-orders',
        filters: [`${prefix}.ordering.a.*`, `${prefix}.ordering.b.*`],
        broadcast: false,
      },
      {
        module: 'catalog',
        stream: `${prefix.toUpperCase()}_EVENTS_CATALOG`,
        name: 'store-ops_on-orders',
        filters: [`${prefix}.catalog.c.*`],
        broadcast: false,
      },
    ]);
  });

  it('splits a stream’s types into one consumer each where the server takes one filter', () => {
    const plans = planConsumers(natsNames(), { ...sub, handle }, false);
    expect(plans.map((p) => [p.stream, p.name, p.filters])).toEqual([
      ['EVENTS_ORDERING', 'store-ops_on-orders_a', ['ordering.a.*']],
      ['EVENTS_ORDERING', 'store-ops_on-orders_b', ['ordering.b.*']],
      ['EVENTS_CATALOG', 'store-ops_on-orders', ['catalog.c.*']],
    ]);
  });

  it('names streams after modules, dashes included', () => {
    expect(eventStreamName(natsNames(), 'store-ops')).toBe('EVENTS_STORE_OPS');
  });
});

describe.runIf(url)('natsEventBus', () => {
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  const opened: { close(): Promise<void> }[] = [];
  const bus = async (extra: NatsEventBusOptions = {}) => {
    const b = natsEventBus(fast(extra));
    opened.push(b);
    return b;
  };

  beforeAll(async () => {
    admin = await connect({ servers: url! });
    jsm = await jetstreamManager(admin);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(names.namePrefix)) await jsm.streams.delete(name);
    }
    await admin.close();
  });

  describeEventBusContract('natsEventBus', () => natsEventBus(fast()));

  it('puts the tenant in the subject and the trace context in a header', async () => {
    const type = freshType('alpha', 'subject');
    const b = await bus();
    const envelope = testEnvelope(type);

    await deliver(b, envelope);

    const stored = await jsm.streams.getMessage(`${names.namePrefix}EVENTS_ALPHA`, {
      last_by_subj: `${prefix}.${type}.${envelope.tenantId}`,
    });
    expect(stored?.json()).toEqual(envelope);
    expect(stored?.header.get('traceparent')).toBe(envelope.traceparent);
    expect(stored?.header.get('Nats-Msg-Id')).toBe(envelope.id);
  });

  it('delivers a re-published envelope once within the duplicate window', async () => {
    const type = freshType('alpha', 'twice');
    const handler = recorder('nats.once', [type]);
    const b = await bus();
    b.subscribe(handler.subscription);
    await b.start();
    const envelope = testEnvelope(type);
    const marker = testEnvelope(type);

    await b.publish(envelope);
    await b.publish(envelope);
    await b.publish(marker);

    await eventually(() => expect(handler.ids()).toContain(marker.id));
    expect(handler.ids().filter((id) => id === envelope.id)).toHaveLength(1);
    const info = await jsm.consumers.info(`${names.namePrefix}EVENTS_ALPHA`, 'nats_once');
    expect(info.delivered.consumer_seq).toBe(2);
  });

  it('dead-letters a message after the last failed delivery, and replays it to that consumer only', async () => {
    const type = freshType('beta', 'poison');
    let healed = false;
    const poisoned = recorder('nats.poisoned', [type], { failing: () => !healed });
    const healthy = recorder('nats.healthy', [type]);
    const b = await bus();
    b.subscribe(poisoned.subscription);
    b.subscribe(healthy.subscription);
    await b.start();
    const envelope = testEnvelope(type);
    const dlq = await deadLetters({ connection: admin, prefix });

    await deliver(b, envelope);

    await eventually(async () =>
      expect(await dlq.list({ consumer: 'nats_poisoned' })).toHaveLength(1),
    );
    const [letter] = await dlq.list({ consumer: 'nats_poisoned' });
    expect(letter).toMatchObject({
      consumer: 'nats_poisoned',
      stream: `${names.namePrefix}EVENTS_BETA`,
      subject: `${prefix}.${type}.${envelope.tenantId}`,
      envelope,
      attempts: 4,
      error: 'nats.poisoned failed call 4',
    });
    expect(poisoned.calls).toBe(4);
    expect(healthy.ids()).toEqual([envelope.id]);

    healed = true;
    expect((await dlq.replay([letter!.seq])).map((l) => l.seq)).toEqual([letter!.seq]);

    await eventually(() => expect(poisoned.ids()).toEqual([envelope.id]));
    await eventually(async () => {
      const lag = (await b.lag()).find((l) => l.consumer === 'nats_healthy');
      expect(lag).toMatchObject({ pending: 0, ackPending: 0 });
    });
    expect(healthy.ids()).toEqual([envelope.id]);
    expect(await dlq.list({ consumer: 'nats_poisoned' })).toEqual([]);
    await dlq.close();
  });

  it('reports the messages a slow consumer has not finished', async () => {
    const type = freshType('alpha', 'slow');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const b = await bus({ concurrency: 1 });
    b.subscribe({
      name: 'nats.slow',
      types: [type],
      async handle(envelope) {
        await gate;
        handled.push(envelope.id);
      },
    });
    await b.start();

    for (let i = 0; i < 3; i++) await b.publish(testEnvelope(type));

    await eventually(async () => {
      const [lag] = await b.lag();
      expect(lag).toMatchObject({ subscription: 'nats.slow', consumer: 'nats_slow' });
      expect(lag!.pending + lag!.ackPending).toBe(3);
    });
    release();
    await eventually(() => expect(handled).toHaveLength(3));
    await eventually(async () =>
      expect(await b.lag()).toMatchObject([{ pending: 0, ackPending: 0 }]),
    );
  });

  it('leaves messages for a closed bus’s consumer on the server', async () => {
    const type = freshType('beta', 'closed');
    const stopped = recorder('nats.stopped', [type]);
    const watcher = recorder('nats.watcher', [type]);
    const first = await bus();
    first.subscribe(stopped.subscription);
    await first.start();
    await first.close();
    const second = await bus();
    second.subscribe(watcher.subscription);
    await second.start();
    const envelope = testEnvelope(type);

    await deliver(second, envelope);

    await eventually(() => expect(watcher.ids()).toEqual([envelope.id]));
    const info = await jsm.consumers.info(`${names.namePrefix}EVENTS_BETA`, 'nats_stopped');
    // Not acknowledged: still pending (or, at most, sent to the closed bus and never acked).
    expect(info.num_pending + info.num_ack_pending).toBe(1);
    expect(stopped.ids()).toEqual([]);
    await expect(first.publish(envelope)).rejects.toThrow(/closed/);
  });

  it('gives broadcasts to every process and a durable subscription’s message to one', async () => {
    const type = freshType('alpha', 'fanout');
    const feeds = [0, 1].map(() => recorder('nats.feed', [type], { broadcast: true }));
    const shared = [0, 1].map(() => recorder('nats.shared', [type]));
    const processes = await Promise.all([0, 1].map(() => bus()));
    for (const [i, p] of processes.entries()) {
      p.subscribe(feeds[i]!.subscription);
      p.subscribe(shared[i]!.subscription);
      await p.start();
    }
    const envelope = testEnvelope(type);

    await deliver(processes[0]!, envelope);

    await eventually(() => {
      for (const feed of feeds) expect(feed.ids()).toEqual([envelope.id]);
    });
    await eventually(async () =>
      expect(await processes[1]!.lag()).toMatchObject([{ pending: 0, ackPending: 0 }]),
    );
    expect(shared.flatMap((s) => s.ids())).toEqual([envelope.id]);
  });

  it('rejects a publish at once when NATS cannot be reached', async () => {
    const b = await bus({ servers: '127.0.0.1:1', reconnectWaitMs: 1 });

    await expect(b.publish(testEnvelope(freshType('alpha', 'nowhere')))).rejects.toThrow(
      /not connected/,
    );
    expect(b.connected).toBe(false);
  });

  it('fails publishes while the connection is lost and resumes after it comes back', async () => {
    const proxy = await tcpProxy(url!);
    const type = freshType('beta', 'reconnect');
    const listener = recorder('nats.after-reconnect', [type]);
    const direct = await bus();
    direct.subscribe(listener.subscription);
    await direct.start();
    const viaProxy = await bus({ servers: proxy.url, reconnectWaitMs: 10, maxReconnectWaitMs: 50 });
    await deliver(viaProxy, testEnvelope(type));

    await proxy.stop();
    await expect(viaProxy.publish(testEnvelope(type))).rejects.toThrow();
    await eventually(() => expect(viaProxy.connected).toBe(false));
    await expect(viaProxy.publish(testEnvelope(type))).rejects.toThrow(/not connected/);

    await proxy.start();
    const afterwards = testEnvelope(type);
    await deliver(viaProxy, afterwards, 1000);

    await eventually(() => expect(listener.ids()).toContain(afterwards.id));
    expect(viaProxy.connected).toBe(true);
    await proxy.stop();
  });
});

/** A TCP relay to the shared NATS server that the test can cut and restore. */
async function tcpProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let listenPort = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = tcpConnect({ host: hostname, port: Number(port) });
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(listenPort, '127.0.0.1', () => {
        const address = server!.address();
        if (address && typeof address === 'object') listenPort = address.port;
        resolve();
      });
    });
  await start();
  return {
    url: `nats://127.0.0.1:${listenPort}`,
    start,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server?.close(() => resolve());
      }),
  };
}
