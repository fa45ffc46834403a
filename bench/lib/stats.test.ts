import { describe, expect, it } from 'vitest';
import { cpuMicrosPerRequest, percentile, round } from './stats.ts';

describe('bench statistics', () => {
  it('takes the nearest-rank percentile', () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 99)).toBe(5);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rounds to JSON numbers, and what JSON cannot hold to null', () => {
    expect(round(17.349)).toBe(17.3);
    expect(round(0.12345, 3)).toBe(0.123);
    expect(round(Number.NaN)).toBeNull();
    expect(round(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('divides a server’s CPU over the requests it answered, in microseconds', () => {
    expect(cpuMicrosPerRequest(1.5, 100_000)).toBeCloseTo(15, 10);
    expect(cpuMicrosPerRequest(0, 10)).toBe(0);
    expect(cpuMicrosPerRequest(1.5, 0)).toBeNaN();
    expect(cpuMicrosPerRequest(Number.NaN, 10)).toBeNaN();
    expect(cpuMicrosPerRequest(-0.01, 10)).toBeNaN();
  });
});
