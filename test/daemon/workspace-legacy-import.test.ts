/**
 * `history/importLegacy` over JSON-RPC: the old platform's `generated_applications` table, built here
 * with sql.js, becomes history entries with mapped statuses and normalised times; a second import
 * adds nothing; a file that is not such a database is refused with -32602 naming it.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlValue } from 'sql.js';
import type { ResponseError } from 'vscode-jsonrpc';
import type { HistoryEntry } from '../../shared/job';
import * as P from '../../shared/protocol';
import type { DaemonProcess } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { sqlJs } from '../support/sql-js';

const UTC_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** [model_slug, app_number, template_slug, generation_status, created_at, updated_at, metadata_json] */
type LegacyRow = [string, number, string, string, SqlValue, SqlValue, string | null];

const LEGACY_ROWS: LegacyRow[] = [
  [
    'openai_gpt-4o',
    1,
    'crud_todo_list',
    'completed',
    '2025-02-09 10:00:00',
    '2025-02-09 10:05:00',
    '{"model": "openai/gpt-4o"}',
  ],
  [
    'anthropic_claude-3.5-sonnet',
    1,
    'api_url_shortener',
    'failed',
    '2025-02-09T12:00:00+02:00',
    '2025-02-09T12:01:00+02:00',
    '{"error_message": "HTTP 429 after 3 attempts"}',
  ],
  ['openai_gpt-4o', 2, 'markdown_notes', 'cancelled', 1739095200, 1739095260, null],
  ['x-ai_grok', 1, 'crud_todo_list', 'pending', 1739095200000, '1739095200000', null],
  ['x-ai_grok', 2, 'quiz_app', 'running', '2025-02-09T10:00:00Z', '2025-02-09 10:30:00', 'not json'],
];

/** The status each legacy row must be imported with, by model slug and app number. */
const EXPECTED: Record<string, { status: string; createdAt: string; interrupted?: boolean }> = {
  'openai_gpt-4o/1': { status: 'succeeded', createdAt: '2025-02-09T10:00:00.000Z' },
  'anthropic_claude-3.5-sonnet/1': { status: 'failed', createdAt: '2025-02-09T10:00:00.000Z' },
  'openai_gpt-4o/2': { status: 'cancelled', createdAt: '2025-02-09T10:00:00.000Z' },
  'x-ai_grok/1': { status: 'failed', createdAt: '2025-02-09T10:00:00.000Z', interrupted: true },
  'x-ai_grok/2': { status: 'failed', createdAt: '2025-02-09T10:00:00.000Z', interrupted: true },
};

async function writeLegacyDatabase(file: string, withTable = true): Promise<void> {
  const SQL = await sqlJs();
  const db = new SQL.Database();
  try {
    if (withTable) {
      db.exec(`CREATE TABLE generated_applications (
        id INTEGER PRIMARY KEY AUTOINCREMENT, model_slug TEXT, app_number INTEGER, template_slug TEXT,
        generation_status TEXT, created_at, updated_at, metadata_json TEXT)`);
      for (const row of LEGACY_ROWS) {
        db.run(
          `INSERT INTO generated_applications (model_slug, app_number, template_slug, generation_status,
             created_at, updated_at, metadata_json) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          row,
        );
      }
    } else {
      db.exec('CREATE TABLE something_else (id INTEGER PRIMARY KEY, name TEXT)');
    }
    writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}

function isInvalidParamsNaming(file: string) {
  return (error: ResponseError<unknown>) => {
    assert.equal(error.code, -32602, error.message);
    assert.ok(error.message.includes(file), `"${error.message}" names ${file}`);
    return true;
  };
}

describe('workspace: importing the old platform history', () => {
  const ws = daemonWorkspace('appgen-legacy-', { simulator: false });
  let daemon: DaemonProcess;

  const importLegacy = (dbPath: string) =>
    daemon.connection.sendRequest(P.HistoryImportLegacyRequest, { dbPath });
  const history = (): Promise<HistoryEntry[]> => daemon.connection.sendRequest(P.HistoryListRequest, {});

  beforeEach(async () => {
    daemon = ws.spawn();
    await daemon.initialize();
  });

  it('imports every row with mapped statuses and normalised times, and nothing the second time', async () => {
    const file = join(ws.workspace, 'legacy.sqlite');
    await writeLegacyDatabase(file);

    assert.deepEqual(await importLegacy(file), { imported: LEGACY_ROWS.length, skipped: 0 });
    assert.deepEqual(await importLegacy('legacy.sqlite'), { imported: 0, skipped: LEGACY_ROWS.length });

    const entries = await history();
    assert.equal(entries.length, LEGACY_ROWS.length, 'no row twice');
    for (const entry of entries) {
      const key = `${entry.modelSlug}/${entry.appNum}`;
      const expected = EXPECTED[key];
      assert.ok(expected, `unexpected entry ${key}`);
      assert.equal(entry.status, expected.status, `status of ${key}`);
      assert.equal(entry.createdAt, expected.createdAt, `createdAt of ${key}`);
      for (const time of [entry.createdAt, entry.startedAt, entry.finishedAt]) {
        if (time !== undefined) assert.match(time, UTC_Z, `times of ${key}`);
      }
      if (expected.interrupted) {
        assert.equal(entry.error?.code, 'internal');
        assert.match(entry.error?.message ?? '', /interrupted/i);
      }
    }
    const failed = entries.find((entry) => entry.modelSlug === 'anthropic_claude-3.5-sonnet');
    assert.match(failed?.error?.message ?? '', /HTTP 429/);
    assert.equal(
      entries.find((entry) => entry.modelSlug === 'openai_gpt-4o' && entry.appNum === 1)?.model,
      'openai/gpt-4o',
    );
    const finishedAt = entries.find(
      (entry) => entry.modelSlug === 'openai_gpt-4o' && entry.appNum === 2,
    )?.finishedAt;
    assert.equal(finishedAt, '2025-02-09T10:01:00.000Z', 'epoch seconds become UTC');
  });

  it('keeps imported entries across a restart, and the restart resumes none of them', async () => {
    const file = join(ws.workspace, 'legacy.sqlite');
    await writeLegacyDatabase(file);
    await importLegacy(file);
    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await daemon.exited, 0);

    daemon = ws.spawn();
    await daemon.initialize();
    assert.equal((await history()).length, LEGACY_ROWS.length);
    const status = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual(
      [status.queued, status.running],
      [0, 0],
      'imported jobs are finished, never queued again',
    );
    assert.deepEqual(await importLegacy(file), { imported: 0, skipped: LEGACY_ROWS.length });
  });

  it('refuses a text file with invalid params naming the file, importing nothing', async () => {
    const file = join(ws.workspace, 'notes.txt');
    writeFileSync(file, 'this is not a database\n');
    await assert.rejects(importLegacy(file), isInvalidParamsNaming(file));
    assert.deepEqual(await history(), []);
  });

  it('refuses a SQLite file without the generated_applications table, naming the file', async () => {
    const file = join(ws.workspace, 'other.sqlite');
    await writeLegacyDatabase(file, false);
    await assert.rejects(importLegacy(file), isInvalidParamsNaming(file));
    assert.deepEqual(await history(), []);
  });

  it('refuses a path where there is no file, naming it', async () => {
    const file = join(ws.workspace, 'missing.sqlite');
    await assert.rejects(importLegacy(file), isInvalidParamsNaming(file));
  });
});
