import { describe, expect, it, vi } from 'vitest';
import { parse, stringify, v7 } from 'uuid';
import { isUuid, newId, randomUuid, stableId } from './ids.ts';

const v7Shape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const v4Shape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('gives version-7 UUIDs with the RFC 9562 variant, all distinct', () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(v7Shape);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(isUuid)).toBe(true);
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    const msecs = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(msecs).toBeGreaterThanOrEqual(before);
    expect(msecs).toBeLessThanOrEqual(after + 1);
  });

  it('increases strictly within one millisecond and when the clock goes back', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T12:00:00Z'), toFake: ['Date'] });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 1_000; i++) ids.push(newId());
      vi.setSystemTime(new Date('2030-01-01T11:59:59Z'));
      for (let i = 0; i < 1_000; i++) ids.push(newId());
      vi.setSystemTime(new Date('2030-01-01T12:00:01Z'));
      ids.push(newId());
      const sorted = [...ids].sort();
      expect(ids).toEqual(sorted);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not repeat the random part of an id across the pool refills', () => {
    const tails = new Set(Array.from({ length: 1_000 }, () => newId().slice(-12)));
    expect(tails.size).toBe(1_000);
  });

  it('writes the canonical text of its bytes, and a later id leaves an earlier one as it was', () => {
    const first = newId();
    const copy = `${first}`;
    const later = Array.from({ length: 300 }, () => newId());
    expect(first).toBe(copy);
    for (const id of [first, ...later]) expect(stringify(parse(id))).toBe(id);
  });
  it("lays out its bytes as uuid's own v7 does for the same time, counter and random bits", () => {
    for (let i = 0; i < 200; i++) {
      const id = newId();
      const b = parse(id);
      const msecs = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
      const seq =
        (((b[6]! & 0x0f) << 28) |
          (b[7]! << 20) |
          ((b[8]! & 0x3f) << 14) |
          (b[9]! << 6) |
          (b[10]! >> 2)) >>>
        0;
      expect(v7({ random: b, msecs, seq })).toBe(id);
    }
  });
});

describe('randomUuid', () => {
  it('gives version-4 UUIDs in canonical text, all distinct across pool refills', () => {
    const ids = Array.from({ length: 5_000 }, () => randomUuid());
    for (const id of ids) expect(id).toMatch(v4Shape);
    for (const id of ids.slice(0, 300)) expect(stringify(parse(id))).toBe(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(isUuid)).toBe(true);
  });

  it('shares the pool with newId without either repeating the other', () => {
    const mixed = Array.from({ length: 2_000 }, (_, i) => (i % 2 ? randomUuid() : newId()));
    const randomParts = new Set(mixed.map((id) => id.slice(-12)));
    expect(randomParts.size).toBe(mixed.length);
  });
});

describe('stableId', () => {
  it('derives the same version-5 UUID from the same name', () => {
    expect(stableId('refund of p1')).toBe(stableId('refund of p1'));
    expect(stableId('refund of p1')).not.toBe(stableId('refund of p2'));
    expect(isUuid(stableId('x'))).toBe(false); // v5 is not an id Stratum hands out
  });
});
