/**
 * Availability per store: an item is "86'd" (unavailable) indefinitely, or
 * until an instant after which it is available again by itself. Instants are
 * epoch milliseconds; the caller supplies "now".
 */
export interface Unavailability {
  readonly itemId: string;
  /** null: until someone makes it available again. */
  readonly until: number | null;
}

export function isUnavailableAt(u: Unavailability, now: number): boolean {
  return u.until === null || u.until > now;
}

/**
 * The first instant after `now` at which an entry expires by itself: a
 * document that shows availability is valid until then and no longer.
 */
export function nextExpiry(entries: readonly Unavailability[], now: number): number | null {
  let next: number | null = null;
  for (const e of entries) {
    if (e.until !== null && e.until > now && (next === null || e.until < next)) next = e.until;
  }
  return next;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for a zone the runtime does not know.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar date of an instant in a time zone, as yyyymmdd. */
export function localDate(instant: number, timeZone: string): number {
  let y = 0;
  let m = 0;
  let d = 0;
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type === 'year') y = Number(part.value);
    else if (part.type === 'month') m = Number(part.value);
    else if (part.type === 'day') d = Number(part.value);
  }
  return y * 10_000 + m * 100 + d;
}

/**
 * The start of the next calendar day in `timeZone` after `now`: when "86 for
 * today" ends. Found by bisection on the local date rather than by offset
 * arithmetic, so days of 23 or 25 hours and zones whose clocks skip midnight
 * (the day then starts at 01:00) come out right.
 */
export function endOfLocalDay(now: number, timeZone: string): number {
  const today = localDate(now, timeZone);
  let lo = now; // still today
  let hi = now + 50 * 3_600_000; // certainly a later day, whatever the offsets
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (localDate(mid, timeZone) > today) hi = mid;
    else lo = mid;
  }
  return hi;
}
