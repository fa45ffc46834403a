import { describe, expect, it } from 'vitest';
import {
  createFaults,
  decideEarlyFault,
  decideLatency,
  decideLostResponse,
  defaultFaults,
  faultPatchSchema,
  seededRandom,
  type FaultSettings,
} from './faults.ts';

const settings = (overrides: Partial<FaultSettings> = {}): FaultSettings => ({
  ...defaultFaults,
  seed: 42,
  ...overrides,
});

const draws = (random: () => number, count: number) => Array.from({ length: count }, random);

describe('seededRandom', () => {
  it('yields the same sequence for the same seed', () => {
    expect(draws(seededRandom(7), 5)).toEqual(draws(seededRandom(7), 5));
  });

  it('yields another sequence for another seed', () => {
    expect(draws(seededRandom(7), 5)).not.toEqual(draws(seededRandom(8), 5));
  });

  it('stays within [0, 1)', () => {
    for (const value of draws(seededRandom(123), 10_000)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('fault decisions', () => {
  it('never injects a fault when every rate is 0', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 1000; i += 1) {
      expect(decideEarlyFault(settings(), random)).toBeNull();
      expect(decideLostResponse(settings(), random)).toBe(false);
    }
  });

  it('always injects a fault whose rate is 1, and an error wins over a timeout', () => {
    const random = seededRandom(1);
    expect(decideEarlyFault(settings({ errorRate: 1 }), random)).toBe('error');
    expect(decideEarlyFault(settings({ timeoutRate: 1 }), random)).toBe('timeout');
    expect(decideEarlyFault(settings({ errorRate: 1, timeoutRate: 1 }), random)).toBe('error');
    expect(decideLostResponse(settings({ lostResponseRate: 1 }), random)).toBe(true);
  });

  it('repeats the same outcomes for a fixed seed', () => {
    const flaky = settings({ errorRate: 0.3, timeoutRate: 0.3 });
    const run = () => {
      const random = seededRandom(2024);
      return Array.from({ length: 20 }, () => decideEarlyFault(flaky, random));
    };
    expect(run()).toEqual(run());
    expect(new Set(run())).toEqual(new Set(['error', 'timeout', null]));
  });

  it('injects a fault at about its rate', () => {
    const random = seededRandom(99);
    const lost = draws(
      () => Number(decideLostResponse(settings({ lostResponseRate: 0.25 }), random)),
      4000,
    );
    const share = lost.reduce((a, b) => a + b, 0) / lost.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
  });

  it('adds up to jitterMs of random latency to latencyMs', () => {
    const random = seededRandom(5);
    const latencies = draws(
      () => decideLatency(settings({ latencyMs: 100, jitterMs: 20 }), random),
      500,
    );
    expect(Math.min(...latencies)).toBe(100);
    expect(Math.max(...latencies)).toBe(120);
    expect(decideLatency(settings({ latencyMs: 30 }), random)).toBe(30);
  });
});

describe('createFaults', () => {
  it('starts from the given settings over the defaults', () => {
    expect(createFaults({ errorRate: 0.5, seed: 3 }).settings).toEqual({
      ...defaultFaults,
      errorRate: 0.5,
      seed: 3,
    });
  });

  it('picks a random seed when none is given, and reports it', () => {
    expect(Number.isInteger(createFaults().settings.seed)).toBe(true);
  });

  it('restarts the random sequence when given a seed', () => {
    const faults = createFaults({ seed: 11, errorRate: 0.5 });
    const first = Array.from({ length: 10 }, () => faults.earlyFault());
    faults.update({ seed: 11 });
    expect(Array.from({ length: 10 }, () => faults.earlyFault())).toEqual(first);
  });

  it('changes only the fields a patch names', () => {
    const faults = createFaults({ seed: 1, latencyMs: 50 });
    expect(faults.update({ errorRate: 1 })).toMatchObject({ latencyMs: 50, errorRate: 1 });
  });

  it('counts the faults it injects', () => {
    const faults = createFaults({ seed: 1, errorRate: 1, lostResponseRate: 1 });
    faults.earlyFault();
    faults.earlyFault();
    faults.lostResponse();
    faults.update({ errorRate: 0, timeoutRate: 1 });
    faults.earlyFault();
    expect(faults.injected).toEqual({ error: 2, timeout: 1, lostResponse: 1 });
  });

  it('goes back to the start-up settings and zero counts on reset', () => {
    const faults = createFaults({ seed: 9, latencyMs: 10 });
    faults.update({ errorRate: 1, seed: 10 });
    faults.earlyFault();
    expect(faults.reset()).toEqual({ ...defaultFaults, latencyMs: 10, seed: 9 });
    expect(faults.injected).toEqual({ error: 0, timeout: 0, lostResponse: 0 });
  });
});

describe('faultPatchSchema', () => {
  it('accepts an empty patch and a full one', () => {
    expect(faultPatchSchema.safeParse({}).success).toBe(true);
    const full = { ...defaultFaults, errorRate: 0.1, seed: -4 };
    expect(faultPatchSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['an unknown field', { errorrate: 1 }],
    ['a rate above 1', { errorRate: 1.5 }],
    ['a negative rate', { timeoutRate: -0.1 }],
    ['a fractional latency', { latencyMs: 1.5 }],
    ['a negative hang', { hangMs: -1 }],
    ['a hang longer than a timer can wait', { hangMs: 2 ** 31 }],
    ['a string rate', { lostResponseRate: '0.5' }],
  ])('refuses %s', (_what, patch) => {
    expect(faultPatchSchema.safeParse(patch).success).toBe(false);
  });
});
