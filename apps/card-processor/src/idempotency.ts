import { createHash } from 'node:crypto';

/** A response kept under an idempotency key, replayed as it was first answered. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in-flight' }
  | { kind: 'reused' };

type Entry =
  | { fingerprint: string; state: 'in-flight' }
  | { fingerprint: string; state: 'done'; response: StoredResponse };

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same request": method, path and canonical body. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

export interface IdempotencyStore {
  /**
   * Claims a key for a request. A key is scoped to its api key (`scope`): two merchants
   * may use the same key without seeing each other's answers.
   */
  claim(scope: string, key: string, fingerprint: string): Claim;
  /** Stores the answer of a claimed request; a replay returns it from now on. */
  complete(scope: string, key: string, response: StoredResponse): void;
  /** Gives a claimed key back unanswered, so the client's retry is processed afresh. */
  release(scope: string, key: string): void;
  clear(): void;
  readonly size: number;
}

/**
 * In memory and unbounded: sandbox keys live until `POST /admin/reset` or the process ends,
 * which is longer than any client retries (real processors keep them for about a day).
 */
export function createIdempotencyStore(): IdempotencyStore {
  const scopes = new Map<string, Map<string, Entry>>();
  const entriesOf = (scope: string) => {
    let entries = scopes.get(scope);
    if (!entries) {
      entries = new Map();
      scopes.set(scope, entries);
    }
    return entries;
  };

  return {
    claim(scope, key, print) {
      const entries = entriesOf(scope);
      const entry = entries.get(key);
      if (!entry) {
        entries.set(key, { fingerprint: print, state: 'in-flight' });
        return { kind: 'claimed' };
      }
      // A different request is a client bug whether or not the first one has finished.
      if (entry.fingerprint !== print) return { kind: 'reused' };
      if (entry.state === 'in-flight') return { kind: 'in-flight' };
      return { kind: 'replay', response: entry.response };
    },
    complete(scope, key, response) {
      const entry = scopes.get(scope)?.get(key);
      // A reset while the request was being processed has forgotten the key: keep it forgotten.
      if (entry?.state !== 'in-flight') return;
      scopes.get(scope)?.set(key, { fingerprint: entry.fingerprint, state: 'done', response });
    },
    release(scope, key) {
      const entries = scopes.get(scope);
      if (entries?.get(key)?.state === 'in-flight') entries.delete(key);
    },
    clear() {
      scopes.clear();
    },
    get size() {
      let count = 0;
      for (const entries of scopes.values()) count += entries.size;
      return count;
    },
  };
}
