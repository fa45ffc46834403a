import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsEventBus, newId } from '@stratum/platform';
import { natsUrl } from '@stratum/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from './dead-letters.ts';

const url = natsUrl();
const prefix = `dlq-cli-${randomUUID().slice(0, 8)}`;

async function dlq(
  argv: string[],
  env: Record<string, string> = { NATS_URL: url!, NATS_PREFIX: prefix },
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    env,
    (t) => out.push(t),
    (t) => err.push(t),
  );
  return { code, out: out.join(''), err: err.join('') };
}

describe.runIf(url)('dlq command', () => {
  afterAll(async () => {
    const nc = await connect({ servers: url! });
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${prefix.toUpperCase()}_`)) await jsm.streams.delete(name);
    }
    await nc.close();
  });

  it('lists a dead letter and replays it to its consumer', async () => {
    let broken = true;
    const handled: string[] = [];
    const bus = natsEventBus({ servers: url!, prefix, maxDeliveries: 1 });
    bus.subscribe({
      name: 'cli.handler',
      types: ['alpha.cli-event'],
      handle(envelope) {
        if (broken) return Promise.reject(new Error('not today'));
        handled.push(envelope.id);
        return Promise.resolve();
      },
    });
    await bus.start();
    const id = newId();
    await bus.publish({
      id,
      type: 'alpha.cli-event',
      version: 1,
      tenantId: randomUUID(),
      occurredAt: new Date().toISOString(),
      correlationId: id,
      causationId: null,
      traceparent: null,
      payload: {},
    });

    await vi.waitFor(
      async () => expect(JSON.parse((await dlq(['list', '--json'])).out)).toHaveLength(1),
      {
        timeout: 15_000,
        interval: 20,
      },
    );
    const table = await dlq(['list', '--consumer', 'cli_handler']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/cli_handler\s+alpha\.cli-event/);
    expect(table.out).toContain('not today');
    const [letter] = JSON.parse((await dlq(['list', '--json'])).out) as { seq: number }[];

    broken = false;
    const replay = await dlq(['replay', String(letter!.seq)]);

    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/^Replayed 1 message\(s\):/);
    await vi.waitFor(() => expect(handled).toEqual([id]), { timeout: 15_000, interval: 20 });
    expect((await dlq(['list'])).out).toBe('No dead letters.\n');
    await bus.close();
  });

  it('exits 1 naming the server when NATS cannot be reached', async () => {
    const result = await dlq(['list'], { NATS_URL: 'nats://127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^dlq list failed \(NATS at nats:\/\/127\.0\.0\.1:1\)/);
  });

  it('exits 1 when a sequence is not a dead letter', async () => {
    const result = await dlq(['replay', '999999']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('No dead letter with seq 999999');
  });
});
