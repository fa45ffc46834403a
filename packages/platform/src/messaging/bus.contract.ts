import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../ids.ts';
import type { EventBus, Subscription } from './bus.ts';
import type { EventEnvelope } from './envelope.ts';

/** An envelope of `type` for a fresh tenant, as a producer would write it. */
export function testEnvelope(type: string, payload: unknown = {}, tenantId = randomUUID()) {
  return {
    id: newId(),
    type,
    version: 1,
    tenantId,
    occurredAt: new Date().toISOString(),
    correlationId: newId(),
    causationId: null,
    traceparent: `00-${randomUUID().replace(/-/g, '')}-${'0'.repeat(15)}1-01`,
    payload,
  } satisfies EventEnvelope;
}

/** Event types no other test (or earlier run) uses: `<module>.<event>-<random>`. */
export function freshType(module: string, event: string): string {
  return `${module}.${event}-${randomUUID().slice(0, 8)}`;
}

/**
 * Publishes as the outbox relay does: again and again while `publish`
 * rejects, until the bus takes the message.
 */
export async function deliver(bus: EventBus, envelope: EventEnvelope, maxAttempts = 100) {
  for (let attempt = 1; ; attempt++) {
    try {
      await bus.publish(envelope);
      return attempt;
    } catch (err) {
      if (attempt >= maxAttempts) throw err;
      await sleep(Math.min(200, 10 * attempt));
    }
  }
}

/** A subscription that records what it handled, and fails while `failing` says so. */
export function recorder(
  name: string,
  types: readonly string[],
  options: { broadcast?: boolean; failing?: (call: number) => boolean } = {},
) {
  const handled: EventEnvelope[] = [];
  let calls = 0;
  const subscription: Subscription = {
    name,
    types,
    ...(options.broadcast && { broadcast: true }),
    handle(envelope) {
      calls += 1;
      if (options.failing?.(calls))
        return Promise.reject(new Error(`${name} failed call ${calls}`));
      handled.push(envelope);
      return Promise.resolve();
    },
  };
  return {
    subscription,
    handled,
    ids: () => handled.map((e) => e.id),
    get calls() {
      return calls;
    },
  };
}

/** Polls `assertion` until it passes (a condition with a deadline, never a fixed sleep). */
export function eventually(assertion: () => void | Promise<void>, timeout = 15_000) {
  return vi.waitFor(assertion, { timeout, interval: 20 });
}

/**
 * What every `EventBus` must do, whatever the transport. `makeBus` returns a
 * new bus each time; the suite closes every bus it made.
 */
export function describeEventBusContract(
  name: string,
  makeBus: () => EventBus | Promise<EventBus>,
): void {
  describe(`${name} (EventBus contract)`, () => {
    const buses: EventBus[] = [];
    const newBus = async (...subscriptions: Subscription[]) => {
      const bus = await makeBus();
      buses.push(bus);
      for (const s of subscriptions) bus.subscribe(s);
      await bus.start?.();
      return bus;
    };
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });

    it('delivers an event, intact, to every subscription whose types include it and no other', async () => {
      const [a, b, c] = [freshType('alpha', 'a'), freshType('alpha', 'b'), freshType('beta', 'c')];
      const onlyA = recorder('contract.only-a', [a]);
      const aAndB = recorder('contract.a-and-b', [a, b]);
      const onlyB = recorder('contract.only-b', [b]);
      const acrossModules = recorder('contract.across-modules', [c, a]);
      const bus = await newBus(
        onlyA.subscription,
        aAndB.subscription,
        onlyB.subscription,
        acrossModules.subscription,
      );
      const [ea, eb, ec] = [testEnvelope(a, { n: 1 }), testEnvelope(b), testEnvelope(c)];
      for (const e of [ea, eb, ec]) await deliver(bus, e);

      await eventually(() => {
        expect(onlyA.ids()).toEqual([ea.id]);
        expect(aAndB.ids().sort()).toEqual([ea.id, eb.id].sort());
        expect(onlyB.ids()).toEqual([eb.id]);
        expect(acrossModules.ids().sort()).toEqual([ea.id, ec.id].sort());
      });
      expect(onlyA.handled[0]).toEqual(ea);
    });

    it('retries a failing handler until it succeeds when the publisher retries as the relay does', async () => {
      const type = freshType('alpha', 'flaky');
      const flaky = recorder('contract.flaky', [type], { failing: (call) => call <= 2 });
      const steady = recorder('contract.steady', [type]);
      const bus = await newBus(flaky.subscription, steady.subscription);
      const envelope = testEnvelope(type);

      await deliver(bus, envelope);

      await eventually(() => expect(flaky.ids()).toEqual([envelope.id]));
      expect(flaky.calls).toBe(3);
      expect(steady.ids()).toContain(envelope.id);
    });

    it('gives an event to each of two subscriptions of its type', async () => {
      const type = freshType('beta', 'twice');
      const first = recorder('contract.first', [type]);
      const second = recorder('contract.second', [type]);
      const bus = await newBus(first.subscription, second.subscription);
      const envelope = testEnvelope(type);

      await deliver(bus, envelope);

      await eventually(() => {
        expect(first.ids()).toEqual([envelope.id]);
        expect(second.ids()).toEqual([envelope.id]);
      });
    });

    it('gives an event to a broadcast subscription', async () => {
      const type = freshType('alpha', 'shout');
      const feed = recorder('contract.feed', [type], { broadcast: true });
      const durable = recorder('contract.durable', [type]);
      const bus = await newBus(feed.subscription, durable.subscription);
      const envelope = testEnvelope(type);

      await deliver(bus, envelope);

      await eventually(() => {
        expect(feed.ids()).toEqual([envelope.id]);
        expect(durable.ids()).toEqual([envelope.id]);
      });
    });

    it('refuses two subscriptions with the same name', async () => {
      const type = freshType('alpha', 'named');
      const bus = await newBus(recorder('contract.same', [type]).subscription);
      expect(() => bus.subscribe(recorder('contract.same', [type]).subscription)).toThrow(
        /Duplicate subscription name/,
      );
    });

    it('delivers nothing once closed', async () => {
      const type = freshType('alpha', 'closing');
      const handler = recorder('contract.closing', [type]);
      const bus = await newBus(handler.subscription);
      const before = testEnvelope(type);
      await deliver(bus, before);
      await eventually(() => expect(handler.ids()).toEqual([before.id]));

      await bus.close();
      // A closed bus may refuse the message or take it; either way no handler runs.
      await bus.publish(testEnvelope(type)).catch(() => undefined);

      expect(handler.ids()).toEqual([before.id]);
    });
  });
}
