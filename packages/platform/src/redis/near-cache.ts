import { LRUCache } from 'lru-cache';

export interface NearCacheOptions {
  /** Most entries held in this process. */
  max: number;
  /** How long a near copy is trusted at most; keep it short (seconds). */
  ttlMs: number;
}

/** A read from the shared store in progress; an invalidation meanwhile marks it stale. */
export interface PendingRead {
  stale: boolean;
}

/**
 * The in-process copy in front of Redis that lets `peek` answer without I/O.
 * A copy is only taken while invalidations are being received (`live`), and
 * never from a read that an invalidation overtook: a delete published while
 * the value was on its way would otherwise be undone by the late arrival.
 */
export function nearCache(options: NearCacheOptions | undefined) {
  const lru = options
    ? new LRUCache<string, { value: unknown }>({ max: options.max, ttl: options.ttlMs })
    : undefined;
  const pending = new Map<string, Set<PendingRead>>();
  let live = false;
  return {
    get(key: string): { value: unknown } | undefined {
      return lru?.get(key);
    },
    begin(key: string): PendingRead {
      const read: PendingRead = { stale: false };
      const reads = pending.get(key) ?? new Set<PendingRead>();
      reads.add(read);
      pending.set(key, reads);
      return read;
    },
    end(key: string, read: PendingRead): void {
      const reads = pending.get(key);
      reads?.delete(read);
      if (reads?.size === 0) pending.delete(key);
    },
    keep(key: string, value: unknown, ttlMs: number, read: PendingRead): void {
      if (!lru || !options || !live || read.stale || ttlMs <= 0) return;
      lru.set(key, { value }, { ttl: Math.min(options.ttlMs, ttlMs) });
    },
    invalidate(key: string): void {
      lru?.delete(key);
      for (const read of pending.get(key) ?? []) read.stale = true;
    },
    /** Off: copies may miss invalidations from now on, so every one is dropped. */
    setLive(on: boolean): void {
      if (!on) {
        lru?.clear();
        for (const reads of pending.values()) for (const read of reads) read.stale = true;
      }
      live = on;
    },
  };
}
