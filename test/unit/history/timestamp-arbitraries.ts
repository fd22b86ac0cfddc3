import fc from 'fast-check';
import { EPOCH_MS_THRESHOLD } from '../../../daemon/history/timestamps';

/** A point in time written in one of the forms found in old databases, with the instant it means. */
export interface WrittenTimestamp {
  value: string | number;
  /** Epoch ms the value stands for, at the precision the form keeps. */
  instant: number;
}

const YEAR_1971 = Date.UTC(1971, 0, 1);
const YEAR_2100 = Date.UTC(2100, 0, 1);

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** The wall-clock text of `instant` seen at `offsetMinutes` east of UTC: `YYYY-MM-DD`, `HH:mm:ss`, `mmm`. */
function wallClock(instant: number, offsetMinutes: number): { day: string; time: string; ms: string } {
  const iso = new Date(instant + offsetMinutes * 60_000).toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 19), ms: iso.slice(20, 23) };
}

function offsetText(offsetMinutes: number, style: 'colon' | 'compact' | 'hours'): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = pad(Math.trunc(Math.abs(offsetMinutes) / 60));
  const minutes = pad(Math.abs(offsetMinutes) % 60);
  if (style === 'colon') return `${sign}${hours}:${minutes}`;
  if (style === 'compact') return `${sign}${hours}${minutes}`;
  return `${sign}${hours}`;
}

const instantArb = fc.integer({ min: YEAR_1971, max: YEAR_2100 });
const offsetArb = fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => quarters * 15);

/** Every form the normaliser accepts, generated with the instant it must come out as. */
export const writtenTimestampArb: fc.Arbitrary<WrittenTimestamp> = fc.oneof(
  instantArb.map((instant) => ({ value: new Date(instant).toISOString(), instant })),
  fc.tuple(instantArb, fc.constantFrom(' ', 'T'), fc.boolean()).map(([instant, separator, withMs]) => {
    const { day, time, ms } = wallClock(instant, 0);
    const kept = withMs ? instant : instant - (instant % 1000);
    return { value: `${day}${separator}${time}${withMs ? `.${ms}` : ''}`, instant: kept };
  }),
  fc.tuple(instantArb, fc.integer({ min: 0, max: 999 })).map(([instant, micros]) => {
    const { day, time, ms } = wallClock(instant, 0);
    return { value: `${day} ${time}.${ms}${pad(micros, 3)}`, instant };
  }),
  fc
    .tuple(
      instantArb,
      offsetArb,
      fc.constantFrom('colon', 'compact', 'hours') as fc.Arbitrary<'colon' | 'compact' | 'hours'>,
    )
    .map(([instant, offset, style]) => {
      const usable = style === 'hours' ? offset - (offset % 60) : offset;
      const { day, time, ms } = wallClock(instant, usable);
      return { value: `${day}T${time}.${ms}${offsetText(usable, style)}`, instant };
    }),
  fc.tuple(instantArb, fc.boolean()).map(([instant, asString]) => {
    const seconds = Math.floor(instant / 1000);
    return { value: asString ? String(seconds) : seconds, instant: seconds * 1000 };
  }),
  fc
    .tuple(fc.integer({ min: EPOCH_MS_THRESHOLD, max: YEAR_2100 }), fc.boolean())
    .map(([instant, asString]) => ({ value: asString ? String(instant) : instant, instant })),
);
