import * as assert from 'node:assert/strict';
import { EXPORT_COLUMNS, exportRow, toCsv } from '../../../shared/export-rows';
import { makeJob } from './job-fixtures';

/** A small RFC 4180 reader, enough to read the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  return rows;
}

describe('export rows', () => {
  const jobs = [
    makeJob({
      id: 'j1',
      status: 'failed',
      error: { code: 'upstream', message: 'x' },
      usage: { promptTokens: 10, completionTokens: 20, costUsd: 0.5 },
      startedAt: '2025-02-09T10:00:00Z',
      finishedAt: '2025-02-09T10:00:02.5Z',
    }),
    makeJob({ id: 'j2', model: 'odd/"name", with comma', templateSlug: 'quiz_app' }),
  ];

  it('writes a CSV whose header names the model first and which reads back to the same values', () => {
    const rows = parseCsv(toCsv(jobs.map(exportRow)));
    assert.deepEqual(rows[0], [...EXPORT_COLUMNS]);
    assert.equal(rows[0]![0], 'model');
    assert.equal(rows.length, 3);
    const first = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, rows[1]![i]]));
    assert.equal(first.status, 'failed');
    assert.equal(first.error_code, 'upstream');
    assert.equal(first.cost_usd, '0.5');
    assert.equal(first.duration_ms, '2500');
    assert.equal(rows[2]![0], 'odd/"name", with comma');
  });

  it('leaves unknown values empty rather than zero', () => {
    const row = exportRow(makeJob({ id: 'q', status: 'queued', attempts: 0 }));
    assert.equal(row.cost_usd, null);
    assert.equal(row.duration_ms, null);
    assert.equal(row.check_score, null);
  });
});
