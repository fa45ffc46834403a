import { describe, expect, it } from 'vitest';
import { describeEventBusContract, freshType, recorder, testEnvelope } from './bus.contract.ts';
import { inProcessEventBus } from './in-process-bus.ts';

describeEventBusContract('inProcessEventBus', () => inProcessEventBus());

describe('inProcessEventBus', () => {
  it('rejects a publish while a handler fails, so the relay keeps the message', async () => {
    const type = freshType('alpha', 'failing');
    const bus = inProcessEventBus();
    const failing = recorder('in-process.failing', [type], { failing: () => true });
    const healthy = recorder('in-process.healthy', [type]);
    bus.subscribe(failing.subscription);
    bus.subscribe(healthy.subscription);
    const envelope = testEnvelope(type);

    await expect(bus.publish(envelope)).rejects.toThrow(/1 handler\(s\) failed/);
    expect(healthy.ids()).toEqual([envelope.id]);
  });

  it('runs a broadcast subscription like any other', async () => {
    const type = freshType('alpha', 'feed');
    const bus = inProcessEventBus();
    const feed = recorder('in-process.feed', [type], { broadcast: true, failing: () => true });
    bus.subscribe(feed.subscription);

    await expect(bus.publish(testEnvelope(type))).rejects.toThrow(/handler\(s\) failed/);
    expect(feed.calls).toBe(1);
  });
});
