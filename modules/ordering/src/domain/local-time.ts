/**
 * Wall-clock time in a store's time zone, from the runtime's tz database
 * (Intl). The instant is passed in: nothing here reads a clock.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs more than formatting with it many times. */
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC as last read, with the UTC minute it was read for. */
const offsets = new Map<string, { minute: number; offsetMs: number }>();

/**
 * The zone's offset from UTC at `instant`, in ms. Asking Intl takes a few
 * microseconds and a checkout asks several times, so the offset is kept for
 * the UTC minute it was read in: since 1970 the tz database changes a zone's
 * offset only on whole minutes, so it holds for the whole minute.
 */
function offsetAt(instant: Date, timeZone: string): number {
  const ms = instant.getTime();
  const minute = Math.floor(ms / 60_000);
  const known = offsets.get(timeZone);
  if (known?.minute === minute) return known.offsetMs;
  const read: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') read[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute: minutes = 0, second = 0 } = read;
  const asUtc = Date.UTC(year, month - 1, day, hour, minutes, second);
  const offsetMs = asUtc - Math.floor(ms / 1000) * 1000;
  offsets.set(timeZone, { minute, offsetMs });
  return offsetMs;
}

function wallClock(instant: Date, timeZone: string) {
  const offsetMs = offsetAt(instant, timeZone);
  const local = new Date(instant.getTime() + offsetMs);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    offsetMs,
  };
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** The store's calendar date at `instant`, `YYYY-MM-DD`: order numbers restart each local day. */
export function businessDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/**
 * `instant` as ISO 8601 local time with the zone's offset at that instant,
 * to the second: `2026-11-22T13:42:10+01:00`. Receipts print local time.
 */
export function localIso(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const offsetMinutes = Math.round(w.offsetMs / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}` +
    `T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offset}`
  );
}
