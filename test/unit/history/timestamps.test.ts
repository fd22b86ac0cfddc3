import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { EPOCH_MS_THRESHOLD, normalizeTimestamp, nowIso } from '../../../daemon/history/timestamps';
import { writtenTimestampArb } from './timestamp-arbitraries';

describe('normalizeTimestamp', () => {
  const cases: Array<[string, unknown, string | null]> = [
    ['naive with a space, read as UTC', '2025-02-09 10:00:00', '2025-02-09T10:00:00.000Z'],
    ['naive with T, read as UTC', '2025-02-09T10:00:00', '2025-02-09T10:00:00.000Z'],
    ['naive without seconds', '2025-02-09 10:00', '2025-02-09T10:00:00.000Z'],
    ['microseconds truncated to milliseconds', '2025-02-09 10:00:00.123456', '2025-02-09T10:00:00.123Z'],
    ['one fraction digit', '2025-02-09T10:00:00.5', '2025-02-09T10:00:00.500Z'],
    ['offset with colon', '2025-02-09T12:00:00+02:00', '2025-02-09T10:00:00.000Z'],
    ['offset without colon', '2025-02-09T12:00:00+0200', '2025-02-09T10:00:00.000Z'],
    ['offset in hours', '2025-02-09 05:00:00-05', '2025-02-09T10:00:00.000Z'],
    ['offset after a space', '2025-02-09 12:00:00 +02:00', '2025-02-09T10:00:00.000Z'],
    ['negative offset crossing midnight', '2025-02-08T23:30:00-10:30', '2025-02-09T10:00:00.000Z'],
    [
      'python isoformat with microseconds and offset',
      '2025-02-09T10:00:00.123456+00:00',
      '2025-02-09T10:00:00.123Z',
    ],
    ['Z suffix', '2025-02-09T10:00:00Z', '2025-02-09T10:00:00.000Z'],
    ['lower-case t and z', '2025-02-09t10:00:00z', '2025-02-09T10:00:00.000Z'],
    ['surrounding whitespace', '  2025-02-09T10:00:00Z\n', '2025-02-09T10:00:00.000Z'],
    ['already normalised, unchanged', '2025-02-09T10:00:00.000Z', '2025-02-09T10:00:00.000Z'],
    ['a bare date is midnight UTC', '2025-02-09', '2025-02-09T00:00:00.000Z'],
    ['epoch seconds as a number', 1739095200, '2025-02-09T10:00:00.000Z'],
    ['epoch seconds as a string', '1739095200', '2025-02-09T10:00:00.000Z'],
    ['epoch seconds with a fraction', 1739095200.123, '2025-02-09T10:00:00.123Z'],
    ['epoch milliseconds as a number', 1739095200123, '2025-02-09T10:00:00.123Z'],
    ['epoch milliseconds as a string', '1739095200123', '2025-02-09T10:00:00.123Z'],
    ['just below the threshold is seconds', EPOCH_MS_THRESHOLD - 1, '5138-11-16T09:46:39.000Z'],
    ['the threshold itself is milliseconds', EPOCH_MS_THRESHOLD, '1973-03-03T09:46:40.000Z'],
    ['epoch zero', 0, '1970-01-01T00:00:00.000Z'],
    ['a Date', new Date(Date.UTC(2025, 1, 9, 10)), '2025-02-09T10:00:00.000Z'],
    ['leap day', '2024-02-29 00:00:00', '2024-02-29T00:00:00.000Z'],
    ['impossible day', '2025-02-30 10:00:00', null],
    ['impossible hour', '2025-02-09 25:00:00', null],
    ['words', 'yesterday', null],
    ['empty string', '', null],
    ['null', null, null],
    ['undefined', undefined, null],
    ['boolean', true, null],
    ['NaN', Number.NaN, null],
    ['Infinity', Number.POSITIVE_INFINITY, null],
    ['hexadecimal is not a number here', '0x10', null],
    ['an offset followed by Z', '2025-02-09T12:00:00+02:00Z', null],
    ['a year beyond 9999', 1e15, null],
    ['an invalid Date', new Date(Number.NaN), null],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name}: ${JSON.stringify(String(input))} -> ${expected}`, () => {
      assert.equal(normalizeTimestamp(input), expected);
    });
  }

  it('gives the instant each generated form stands for', () => {
    fc.assert(
      fc.property(writtenTimestampArb, ({ value, instant }) => {
        assert.equal(normalizeTimestamp(value), new Date(instant).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          writtenTimestampArb.map((w) => w.value),
          fc.string(),
        ),
        (value) => {
          const once = normalizeTimestamp(value);
          if (once !== null) assert.equal(normalizeTimestamp(once), once);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('preserves order, and the normalised text sorts like the instants', () => {
    fc.assert(
      fc.property(writtenTimestampArb, writtenTimestampArb, (a, b) => {
        const na = normalizeTimestamp(a.value)!;
        const nb = normalizeTimestamp(b.value)!;
        assert.equal(Math.sign(Date.parse(na) - Date.parse(nb)), Math.sign(a.instant - b.instant));
        assert.equal(Math.sign(na.localeCompare(nb, 'en')), Math.sign(a.instant - b.instant));
        assert.equal(na < nb, a.instant < b.instant);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the local time zone of the machine', () => {
    // Naive values are UTC by definition; the same text must give the same result everywhere.
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      const far = normalizeTimestamp('2025-03-30 02:30:00');
      process.env.TZ = 'Europe/Berlin';
      const berlin = normalizeTimestamp('2025-03-30 02:30:00');
      assert.equal(far, '2025-03-30T02:30:00.000Z');
      assert.equal(berlin, '2025-03-30T02:30:00.000Z');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe('nowIso', () => {
  it('formats the clock in the normalised form', () => {
    assert.equal(
      nowIso(() => new Date(Date.UTC(2025, 1, 9, 10, 0, 0, 7))),
      '2025-02-09T10:00:00.007Z',
    );
  });

  it('refuses a clock that returns an invalid date', () => {
    assert.throws(() => nowIso(() => new Date(Number.NaN)), RangeError);
  });
});
