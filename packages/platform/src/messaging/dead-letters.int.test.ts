import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsUrl } from '@stratum/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliver, eventually, freshType, recorder, testEnvelope } from './bus.contract.ts';
import { deadLetters, type DeadLetters } from './dead-letters.ts';
import { natsEventBus, type NatsEventBus } from './nats-bus.ts';
import { natsNames } from './nats-streams.ts';

const url = natsUrl();
const prefix = `dead-letters-${randomUUID().slice(0, 8)}`;
const names = natsNames(prefix);

describe.runIf(url)('deadLetters', () => {
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  let dlq: DeadLetters;
  const buses: NatsEventBus[] = [];

  /** A bus whose handlers give up on the first failure. */
  async function busWith(...subscriptions: ReturnType<typeof recorder>[]) {
    const bus = natsEventBus({ servers: url!, prefix, maxDeliveries: 1, retryDelaysMs: [10] });
    buses.push(bus);
    for (const s of subscriptions) bus.subscribe(s.subscription);
    await bus.start();
    return bus;
  }

  beforeAll(async () => {
    admin = await connect({ servers: url! });
    jsm = await jetstreamManager(admin);
    dlq = await deadLetters({ connection: admin, prefix });
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    const all = await dlq.list();
    if (all.length > 0) await jsm.streams.purge(`${names.namePrefix}DEAD_LETTERS`);
  });
  afterAll(async () => {
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(names.namePrefix)) await jsm.streams.delete(name);
    }
    await dlq.close();
    await admin.close();
  });

  it('lists nothing before any message was given up on', async () => {
    const fresh = await deadLetters({ connection: admin, prefix: `${prefix}-none` });
    expect(await fresh.list()).toEqual([]);
    expect(await fresh.replay('all')).toEqual([]);
  });

  it('lists dead letters oldest first, by consumer and up to a limit', async () => {
    const type = freshType('alpha', 'listed');
    let broken = true;
    const first = recorder('dlq.first', [type], { failing: () => broken });
    const second = recorder('dlq.second', [type], { failing: () => broken });
    const bus = await busWith(first, second);
    const envelopes = [testEnvelope(type), testEnvelope(type)];
    for (const e of envelopes) await deliver(bus, e);

    await eventually(async () => expect(await dlq.list()).toHaveLength(4));
    broken = false;

    const ofFirst = await dlq.list({ consumer: 'dlq_first' });
    expect(ofFirst.map((l) => l.envelope?.id)).toEqual(envelopes.map((e) => e.id));
    expect(ofFirst[0]!.seq).toBeLessThan(ofFirst[1]!.seq);
    expect(ofFirst[0]).toMatchObject({ consumer: 'dlq_first', attempts: 1 });
    expect(Date.parse(ofFirst[0]!.failedAt)).not.toBeNaN();
    expect(await dlq.list({ limit: 3 })).toHaveLength(3);
    expect(await dlq.list({ consumer: 'dlq_nobody' })).toEqual([]);
  });

  it('replays every dead letter of one consumer and keeps the others', async () => {
    const type = freshType('beta', 'replayed');
    let broken = true;
    const first = recorder('dlq.first-all', [type], { failing: () => broken });
    const second = recorder('dlq.second-all', [type], { failing: () => broken });
    const bus = await busWith(first, second);
    const envelopes = [testEnvelope(type), testEnvelope(type)];
    for (const e of envelopes) await deliver(bus, e);
    await eventually(async () => expect(await dlq.list()).toHaveLength(4));
    broken = false;

    const replayed = await dlq.replay('all', { consumer: 'dlq_first-all' });

    expect(replayed.map((l) => l.consumer)).toEqual(['dlq_first-all', 'dlq_first-all']);
    await eventually(() => expect(first.ids().sort()).toEqual(envelopes.map((e) => e.id).sort()));
    const left = await dlq.list();
    expect(left.map((l) => l.consumer)).toEqual(['dlq_second-all', 'dlq_second-all']);
    expect(second.ids()).toEqual([]);
  });

  it('replays nothing when a sequence is unknown', async () => {
    const type = freshType('alpha', 'unknown');
    const failing = recorder('dlq.unknown', [type], { failing: () => true });
    const bus = await busWith(failing);
    await deliver(bus, testEnvelope(type));
    await eventually(async () => expect(await dlq.list()).toHaveLength(1));
    const [letter] = await dlq.list();

    await expect(dlq.replay([letter!.seq, letter!.seq + 1000])).rejects.toThrow(
      `No dead letter with seq ${letter!.seq + 1000}`,
    );
    await expect(dlq.replay([letter!.seq], { consumer: 'dlq_other' })).rejects.toThrow(
      /for dlq_other/,
    );
    expect(await dlq.list()).toEqual([letter]);
  });

  it('takes a message that fails again after its replay back into the dead letters', async () => {
    const type = freshType('beta', 'again');
    const failing = recorder('dlq.again', [type], { failing: () => true });
    const bus = await busWith(failing);
    const envelope = testEnvelope(type);
    await deliver(bus, envelope);
    await eventually(async () => expect(await dlq.list()).toHaveLength(1));
    const [before] = await dlq.list();

    await dlq.replay([before!.seq]);

    await eventually(async () => {
      const after = await dlq.list();
      expect(after.map((l) => l.envelope?.id)).toEqual([envelope.id]);
      expect(after[0]!.seq).toBeGreaterThan(before!.seq);
    });
    expect(failing.calls).toBe(2);
  });

  it('gives up at once on a body that is not an envelope', async () => {
    const type = freshType('alpha', 'garbage');
    const handler = recorder('dlq.garbage', [type]);
    await busWith(handler);
    const tenant = randomUUID();

    await jetstream(admin).publish(`${prefix}.${type}.${tenant}`, 'not json');

    await eventually(async () => expect(await dlq.list()).toHaveLength(1));
    const [letter] = await dlq.list();
    expect(letter).toMatchObject({
      consumer: 'dlq_garbage',
      subject: `${prefix}.${type}.${tenant}`,
      envelope: null,
      attempts: 1,
      error: 'The message is not an event envelope',
    });
    expect(handler.calls).toBe(0);
  });
});
