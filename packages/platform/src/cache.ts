import { LRUCache } from 'lru-cache';

/**
 * A cache-aside store for read models. Keys are versioned by the caller
 * (e.g. `menu:<tenant>:<store>:<catalogVersion>`), so invalidation is a
 * version bump or a `delete`, never a scan.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  /**
   * The value if this process holds it (an in-process store, or a near cache in
   * front of a shared one), without I/O and without a promise; `undefined` on
   * a miss or when only a remote store could answer. For the hottest reads.
   */
  peek<T>(key: string): T | undefined;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The cached value, or the loader's result stored under `key`. Concurrent
   * misses for one key share a single load (single-flight).
   */
  getOrLoad<T>(key: string, load: () => Promise<T>, ttlMs?: number): Promise<T>;
}

export interface LruCacheOptions {
  /** Most entries kept; the least recently used go first. */
  max?: number;
  /** Default time to live, in ms. */
  ttlMs?: number;
}

/** In-process cache on lru-cache (embedded shape and unit tests). */
export function lruCache(options: LruCacheOptions = {}): Cache {
  const lru = new LRUCache<string, { value: unknown }>({
    max: options.max ?? 10_000,
    ttl: options.ttlMs ?? 5 * 60_000,
  });
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    get<T>(key: string) {
      return Promise.resolve(lru.get(key)?.value as T | undefined);
    },
    peek<T>(key: string) {
      return lru.get(key)?.value as T | undefined;
    },
    set(key, value, ttlMs) {
      lru.set(key, { value }, ttlMs === undefined ? undefined : { ttl: ttlMs });
      return Promise.resolve();
    },
    delete(key) {
      lru.delete(key);
      inFlight.delete(key);
      return Promise.resolve();
    },
    getOrLoad<T>(key: string, load: () => Promise<T>, ttlMs?: number): Promise<T> {
      const hit = lru.get(key);
      if (hit) return Promise.resolve(hit.value as T);
      const pending = inFlight.get(key);
      if (pending) return pending as Promise<T>;
      const loading = load().then(
        (value) => {
          // A delete during the load means the value may be stale: hand it out, do not keep it.
          if (inFlight.get(key) === loading)
            lru.set(key, { value }, ttlMs === undefined ? undefined : { ttl: ttlMs });
          inFlight.delete(key);
          return value;
        },
        (err: unknown) => {
          if (inFlight.get(key) === loading) inFlight.delete(key);
          throw err;
        },
      );
      inFlight.set(key, loading);
      return loading;
    },
  };
}
