import { isValid, parseISO, toDate } from 'date-fns';

/** Where the current time comes from; tests pass a fixed one. */
export type Clock = () => Date;

// The shape check only decides which parts are present; date-fns does the parsing and rejects
// impossible dates (2025-02-30, 25:00). A value without an offset is read as UTC.
const ISO_LIKE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) ?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;

/**
 * Absolute values at or above this are epoch milliseconds, below it epoch seconds. 1e11 seconds
 * is the year 5138 and 1e11 milliseconds is March 1973, so neither reading is plausible for
 * the other's range.
 */
export const EPOCH_MS_THRESHOLD = 1e11;

/**
 * Turns any timestamp the database may hold into ISO-8601 UTC with milliseconds and a `Z`
 * (`2025-02-09T10:00:00.000Z`), or null when the value cannot be read as a point in time.
 *
 * Accepted: ISO-like strings with `T` or a space, with or without seconds and fractions (fractions
 * beyond milliseconds are truncated), with `Z`, `+02:00`, `+0200` or `+02`, or none (read as UTC);
 * a bare date (midnight UTC); epoch seconds or milliseconds as numbers or numeric strings; Dates.
 * Years outside 0000-9999 give null, so every result has the same width and sorts as text.
 */
export function normalizeTimestamp(value: unknown): string | null {
  const date = toInstant(value);
  if (date === undefined || !isValid(date)) return null;
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return null;
  return date.toISOString();
}

/** The clock's current time in the normalised form. */
export function nowIso(clock: Clock = () => new Date()): string {
  const iso = normalizeTimestamp(clock());
  if (iso === null) throw new RangeError('the clock returned an invalid date');
  return iso;
}

function toInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return toDate(value);
  // Almost every value is already in the normalised form; recognise it without parsing.
  if (typeof value === 'string' && value.length === 24 && value.endsWith('Z')) {
    const date = new Date(value);
    if (isValid(date) && date.toISOString() === value) return date;
  }
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toUpperCase();
  if (NUMERIC.test(text)) return fromEpoch(Number(text));
  const match = ISO_LIKE.exec(text);
  if (match === null) return undefined;
  const [, day, time = '00:00', zone = 'Z'] = match;
  return parseISO(`${day}T${time}${zone}`);
}

function fromEpoch(value: number): Date | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (Math.abs(value) >= EPOCH_MS_THRESHOLD) return toDate(Math.floor(value));
  // Round to whole microseconds first so that 1739095200.123 does not become ...122.9999 ms, then
  // truncate to the millisecond like the string forms.
  return toDate(Math.floor(Math.round(value * 1e6) / 1e3));
}
