import { describe, expect, it } from 'vitest';
import { joinRepository } from './repository.ts';

describe('joinRepository', () => {
  it('offers every method of every part, bound to what each part closed over', async () => {
    const tx = { name: 'tx-1' };
    const levels = { findLevel: async (id: string) => `${tx.name}:level:${id}` };
    const outbox = { emit: async (type: string) => `${tx.name}:emitted:${type}` };
    const repo = joinRepository(levels, outbox, { lastly: <T>(fn: () => T) => fn() });

    expect(await repo.findLevel('a')).toBe('tx-1:level:a');
    expect(await repo.emit('stock-low')).toBe('tx-1:emitted:stock-low');
    expect(repo.lastly(() => 7)).toBe(7);
    expect(Object.keys(repo).sort()).toEqual(['emit', 'findLevel', 'lastly']);
  });

  it('lets a later part replace an earlier part’s method of the same name', () => {
    const repo = joinRepository(
      { audit: () => 'first', keep: () => 'kept' },
      { audit: () => 'second' },
    );
    expect(repo.audit()).toBe('second');
    expect(repo.keep()).toBe('kept');
  });

  it('returns a new object each time and leaves the parts as they were', () => {
    const part = { find: () => 1 };
    const a = joinRepository(part);
    const b = joinRepository(part);
    expect(a).not.toBe(b);
    expect(a).not.toBe(part);
    a.find = () => 2;
    expect(part.find()).toBe(1);
    expect(b.find()).toBe(1);
  });
});
