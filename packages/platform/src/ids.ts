import { randomFillSync } from 'node:crypto';
import { v5 as uuidv5, validate, version } from 'uuid';

declare const brand: unique symbol;
/** A string that the type system keeps apart from other strings. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/**
 * Random bytes for many ids, filled at once: one call into the system's
 * generator per 1024 ids. Each id takes the next 16 bytes and is laid out in
 * place, so making one allocates nothing but its text.
 */
const pool = new Uint8Array(16 * 1024);
let taken = pool.length;

/** The offset of the next 16 unused random bytes of the pool. */
function nextSixteen(): number {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  const at = taken;
  taken += 16;
  return at;
}

/**
 * UUID text is written into this buffer and read out as one string. Built by
 * concatenation (as `crypto.randomUUID` and `uuid` do), the text is a rope of
 * twenty pieces that every later use — a header check, a query parameter, a
 * socket write — first has to flatten: about 1 µs per id in a server under
 * load, more than making the id (ADR 0010).
 */
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
/** Where each of the 16 bytes' two hex digits go in the text. */
const textAt = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const digits = Buffer.from('0123456789abcdef', 'latin1');

/** The canonical text of the UUID in `pool` at `at`. */
function uuidText(at: number): string {
  for (let i = 0; i < 16; i++) {
    const byte = pool[at + i]!;
    const to = textAt[i]!;
    text[to] = digits[byte >> 4]!;
    text[to + 1] = digits[byte & 15]!;
  }
  return text.toString('latin1', 0, 36);
}

/** The last id's millisecond and counter (RFC 9562 §6.2, method 1), as `uuid` keeps them. */
const clock = { msecs: -Infinity, seq: 0 };

/**
 * A new time-ordered UUID (v7): index-friendly and sortable by creation, also
 * within one millisecond — ids from this process are strictly increasing (the
 * relay publishes a batch in id order). `uuid`'s own `v7()` asks the web
 * crypto API for 16 bytes per id; under checkout load that was 2 % of the
 * server's CPU, so the random bytes come from a pool. The counter and the
 * layout are `uuid`'s: 48 bits of milliseconds, the version, a 31-bit counter
 * that starts at random each millisecond, the variant, and 34 random bits.
 */
export function newId<T extends string = string>(): T {
  const at = nextSixteen();
  const now = Date.now();
  if (now > clock.msecs) {
    // A new millisecond: the counter starts at a random 31-bit value.
    clock.seq =
      ((pool[at + 6]! & 0x7f) << 24) | (pool[at + 7]! << 16) | (pool[at + 8]! << 8) | pool[at + 9]!;
    clock.msecs = now;
  } else {
    // The same millisecond (or the clock went back): count on, into the next millisecond if full.
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs += 1;
  }
  const { msecs, seq } = clock;
  pool[at] = (msecs / 0x10000000000) & 0xff;
  pool[at + 1] = (msecs / 0x100000000) & 0xff;
  pool[at + 2] = (msecs / 0x1000000) & 0xff;
  pool[at + 3] = (msecs / 0x10000) & 0xff;
  pool[at + 4] = (msecs / 0x100) & 0xff;
  pool[at + 5] = msecs & 0xff;
  pool[at + 6] = 0x70 | ((seq >>> 28) & 0x0f);
  pool[at + 7] = (seq >>> 20) & 0xff;
  pool[at + 8] = 0x80 | ((seq >>> 14) & 0x3f);
  pool[at + 9] = (seq >>> 6) & 0xff;
  pool[at + 10] = ((seq << 2) & 0xff) | (pool[at + 10]! & 0x03);
  return uuidText(at) as T;
}

/**
 * A new random UUID (v4), as `crypto.randomUUID()` gives, from the same pool
 * and as one flat string: for ids that say nothing about time (request ids).
 */
export function randomUuid(): string {
  const at = nextSixteen();
  pool[at + 6] = (pool[at + 6]! & 0x0f) | 0x40;
  pool[at + 8] = (pool[at + 8]! & 0x3f) | 0x80;
  return uuidText(at);
}

/** Stratum's namespace for name-based ids (a fixed, random UUID). */
const STABLE_ID_NAMESPACE = '5b0e4f1c-3f6a-4d2e-9c41-7a8b2d9e6f10';

/**
 * The same UUID (v5) for the same name, every time and in every process: for
 * an id that a retry must derive again rather than remember (e.g. the refund
 * that reverses a payment).
 */
export function stableId<T extends string = string>(name: string): T {
  return uuidv5(name, STABLE_ID_NAMESPACE) as T;
}

export function isUuid(value: string): boolean {
  return validate(value) && [4, 7].includes(version(value));
}
