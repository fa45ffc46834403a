/**
 * A store's calendar day as a window of instants, from the runtime's tz
 * database (Intl). "Today's sales" means the store's day, not the server's:
 * a café in Auckland closes its day eleven hours before one in London.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

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

/** The zone's wall clock at `instant`, read as if it were UTC, in ms. */
function wallClockMs(instant: number, timeZone: string): number {
  const parts = formatFor(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
}

/** The zone's offset from UTC at `instant`, in ms (positive east of Greenwich). */
const offsetAt = (instant: number, timeZone: string) =>
  wallClockMs(instant, timeZone) - Math.floor(instant / 1000) * 1000;

/**
 * The instant the zone's wall clock reads `wall` (ms, as UTC). Two passes
 * settle the offset around a DST change; a midnight that does not exist
 * (clocks jump at 00:00) resolves to the first instant after the jump.
 */
function instantOf(wall: number, timeZone: string): number {
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `date` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(date: string): boolean {
  const m = datePattern.exec(date);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === date;
}

/** `[from, to)` of the calendar day `date` (`YYYY-MM-DD`) in `timeZone`, as ISO instants. */
export function localDayWindow(date: string, timeZone: string): { from: string; to: string } {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  const midnight = Date.parse(`${date}T00:00:00Z`);
  return {
    from: new Date(instantOf(midnight, timeZone)).toISOString(),
    to: new Date(instantOf(midnight + 86_400_000, timeZone)).toISOString(),
  };
}

/** The calendar date at `instant` in `timeZone`, `YYYY-MM-DD`. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(wallClockMs(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}
