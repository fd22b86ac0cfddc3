import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlJsStatic, SqlValue } from 'sql.js';
import { DaemonError } from '../../../daemon/daemon-error';
import { HistoryStore } from '../../../daemon/history/history-store';
import { MAX_LEGACY_DB_BYTES } from '../../../daemon/history/legacy-import';
import type { Job } from '../../../shared/job';
import { sqlJs } from '../../support/sql-js';
import { tempDir } from './history-test-helpers';

const IMPORT_TIME = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

/** One row of the old tool's table: the required columns plus the optional ones. */
interface LegacyRow {
  id?: number;
  model_slug: SqlValue;
  app_number: SqlValue;
  template_slug: SqlValue;
  generation_status: SqlValue;
  created_at: SqlValue;
  updated_at: SqlValue;
  metadata_json?: SqlValue;
}

const ROWS: LegacyRow[] = [
  {
    id: 11,
    model_slug: 'openai_gpt-4o',
    app_number: 1,
    template_slug: 'crud_todo_list',
    generation_status: 'completed',
    created_at: '2025-02-09 10:00:00',
    updated_at: '2025-02-09 10:05:00.250000',
    metadata_json: '{"model": "openai/gpt-4o", "started_at": "2025-02-09T12:00:01+02:00"}',
  },
  {
    id: 12,
    model_slug: 'anthropic_claude-3.5-sonnet',
    app_number: 2,
    template_slug: 'api_url_shortener',
    generation_status: 'failed',
    created_at: '2025-02-09T12:00:00+02:00',
    updated_at: '2025-02-09T12:01:00+0200',
    metadata_json: '{"error_message": "HTTP 429 after 3 attempts"}',
  },
  {
    id: 13,
    model_slug: 'openai_gpt-4o',
    app_number: 3,
    template_slug: 'crud_todo_list',
    generation_status: 'cancelled',
    created_at: 1739095200,
    updated_at: '1739095260',
    metadata_json: 'not json at all',
  },
  {
    id: 14,
    model_slug: 'x-ai_grok',
    app_number: 1,
    template_slug: 'crud_todo_list',
    generation_status: 'pending',
    created_at: 1739095200123,
    updated_at: 1739095200123,
    metadata_json: null,
  },
  {
    id: 15,
    model_slug: 'x-ai_grok',
    app_number: 2,
    template_slug: 'crud_todo_list',
    generation_status: 'running',
    created_at: 'garbled',
    updated_at: '2025-02-09T10:00:00Z',
  },
];

describe('legacy history import', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: HistoryStore;
  const logs: string[] = [];

  const openStore = () =>
    HistoryStore.open({
      file: join(dir, '.appgen', 'history.sqlite'),
      sqlJs: SQL,
      now: () => IMPORT_TIME,
      saveDelayMs: 60_000,
      log: (message) => logs.push(message),
    });

  /** Writes an old-tool database with the given rows (and an unrelated column the importer ignores). */
  async function writeLegacyDb(rows: LegacyRow[], name = 'legacy.db'): Promise<string> {
    const db = new SQL.Database();
    db.run(`CREATE TABLE generated_applications (
      id INTEGER PRIMARY KEY, model_slug TEXT, app_number INTEGER, template_slug TEXT,
      generation_status TEXT, created_at, updated_at, metadata_json TEXT, has_backend BOOLEAN DEFAULT 1)`);
    for (const row of rows) {
      db.run(
        `INSERT INTO generated_applications (id, model_slug, app_number, template_slug, generation_status,
           created_at, updated_at, metadata_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          row.id ?? null,
          row.model_slug,
          row.app_number,
          row.template_slug,
          row.generation_status,
          row.created_at,
          row.updated_at,
          row.metadata_json ?? null,
        ],
      );
    }
    const path = join(dir, name);
    await writeFile(path, db.export());
    db.close();
    return path;
  }

  before(async () => {
    SQL = await sqlJs();
  });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    logs.length = 0;
    store = await openStore();
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('maps every status and normalises every timestamp format', async () => {
    const path = await writeLegacyDb(ROWS);
    assert.deepEqual(await store.importLegacy(path), { imported: 5, skipped: 0 });
    const byApp = new Map(store.listJobs().map((job) => [`${job.modelSlug}/app${job.appNum}`, job]));
    const strip = (job: Job | undefined) => {
      assert.ok(job);
      assert.match(job.id, /^legacy-[0-9a-f]+$/);
      const { id: _id, ...rest } = job;
      return rest;
    };

    assert.deepEqual(strip(byApp.get('openai_gpt-4o/app1')), {
      templateSlug: 'crud_todo_list',
      model: 'openai/gpt-4o',
      modelSlug: 'openai_gpt-4o',
      appNum: 1,
      appPath: 'generated/apps/openai_gpt-4o/app1',
      status: 'succeeded',
      attempts: 0,
      createdAt: '2025-02-09T10:00:00.000Z',
      startedAt: '2025-02-09T10:00:01.000Z',
      finishedAt: '2025-02-09T10:05:00.250Z',
    });
    assert.deepEqual(strip(byApp.get('anthropic_claude-3.5-sonnet/app2')), {
      templateSlug: 'api_url_shortener',
      model: 'anthropic_claude-3.5-sonnet',
      modelSlug: 'anthropic_claude-3.5-sonnet',
      appNum: 2,
      appPath: 'generated/apps/anthropic_claude-3.5-sonnet/app2',
      status: 'failed',
      attempts: 0,
      error: { code: 'internal', message: 'HTTP 429 after 3 attempts' },
      createdAt: '2025-02-09T10:00:00.000Z',
      finishedAt: '2025-02-09T10:01:00.000Z',
    });
    const cancelled = byApp.get('openai_gpt-4o/app3');
    assert.equal(cancelled?.status, 'cancelled');
    assert.equal(cancelled?.error, undefined);
    assert.equal(cancelled?.model, 'openai_gpt-4o');
    assert.equal(cancelled?.createdAt, '2025-02-09T10:00:00.000Z');
    assert.equal(cancelled?.finishedAt, '2025-02-09T10:01:00.000Z');

    const pending = byApp.get('x-ai_grok/app1');
    assert.equal(pending?.status, 'failed');
    assert.deepEqual(pending?.error, {
      code: 'internal',
      message: 'Interrupted: the generation was still pending when the old tool stopped',
    });
    assert.equal(pending?.createdAt, '2025-02-09T10:00:00.123Z');

    const running = byApp.get('x-ai_grok/app2');
    assert.deepEqual(running?.error, {
      code: 'internal',
      message: 'Interrupted: the generation was still running when the old tool stopped',
    });
    // An unreadable creation time falls back to the last update.
    assert.equal(running?.createdAt, '2025-02-09T10:00:00.000Z');

    assert.deepEqual(store.listUnfinished(), [], 'nothing imported is queued again');
  });

  it('imports nothing the second time', async () => {
    const path = await writeLegacyDb(ROWS);
    await store.importLegacy(path);
    const before = store.listJobs();
    assert.deepEqual(await store.importLegacy(path), { imported: 0, skipped: 5 });
    assert.deepEqual(store.listJobs(), before);
  });

  it('recognises rows imported before even when the new file writes their times differently', async () => {
    await store.importLegacy(await writeLegacyDb(ROWS.slice(0, 2), 'first.db'));
    const rewritten: LegacyRow[] = [
      { ...ROWS[0]!, created_at: '2025-02-09T10:00:00Z' },
      { ...ROWS[1]!, created_at: 1739095200 },
      { ...ROWS[2]! },
    ];
    assert.deepEqual(await store.importLegacy(await writeLegacyDb(rewritten, 'second.db')), {
      imported: 1,
      skipped: 2,
    });
    assert.equal(store.listJobs().length, 3);
  });

  it('saves the import before returning', async () => {
    await store.importLegacy(await writeLegacyDb(ROWS));
    const second = await openStore();
    try {
      assert.equal(second.listJobs().length, 5);
    } finally {
      await second.close();
    }
  });

  it('skips and logs rows without a usable model, template or app number', async () => {
    const rows: LegacyRow[] = [
      { ...ROWS[0]!, id: 1, model_slug: null },
      { ...ROWS[0]!, id: 2, template_slug: '' },
      { ...ROWS[0]!, id: 3, app_number: 'two' },
      { ...ROWS[0]!, id: 4, app_number: 0 },
      { ...ROWS[0]!, id: 5 },
    ];
    assert.deepEqual(await store.importLegacy(await writeLegacyDb(rows)), { imported: 1, skipped: 4 });
    assert.equal(logs.filter((message) => message === 'legacy row skipped').length, 4);
  });

  it('skips rows whose model would name a folder outside the apps folder, or an app number past the limit', async () => {
    const rows: LegacyRow[] = [
      { ...ROWS[0]!, id: 1, model_slug: '..', metadata_json: null },
      { ...ROWS[0]!, id: 2, model_slug: '.', metadata_json: null },
      { ...ROWS[0]!, id: 3, model_slug: 'a/../../b', metadata_json: null },
      { ...ROWS[0]!, id: 4, model_slug: 'openai_gpt-4o', metadata_json: '{"model": ".."}' },
      { ...ROWS[0]!, id: 5, model_slug: 'x'.repeat(256), metadata_json: null },
      { ...ROWS[0]!, id: 6, app_number: 1e308 },
      { ...ROWS[0]!, id: 7 },
    ];
    const problems: unknown[] = [];
    await store.close();
    store = await HistoryStore.open({
      file: join(dir, '.appgen', 'history.sqlite'),
      sqlJs: SQL,
      saveDelayMs: 60_000,
      log: (message, fields) => {
        if (message === 'legacy row skipped') problems.push(fields?.reason);
      },
    });
    assert.deepEqual(await store.importLegacy(await writeLegacyDb(rows)), { imported: 1, skipped: 6 });
    assert.deepEqual(problems, [
      'model_slug: model ".." cannot name a folder: its folder name would be "..", which leaves the output folder; give an OpenRouter model id such as "openai/gpt-4o"',
      'model_slug: model "." cannot name a folder: its folder name would be ".", which leaves the output folder; give an OpenRouter model id such as "openai/gpt-4o"',
      'model_slug "a/../../b" is not a folder name',
      'metadata_json: model ".." cannot name a folder: its folder name would be "..", which leaves the output folder; give an OpenRouter model id such as "openai/gpt-4o"',
      `model_slug: model "${'x'.repeat(80)}..." (256 characters) is too long: its folder name would be 256 bytes, at most 255`,
      'app_number 1e+308 is not an integer from 1 to 100000',
    ]);
    assert.deepEqual(
      store.listJobs().map((job) => job.appPath),
      ['generated/apps/openai_gpt-4o/app1'],
    );
  });

  it('dates a row whose times are all unreadable by the import', async () => {
    const rows: LegacyRow[] = [{ ...ROWS[0]!, created_at: 'n/a', updated_at: null }];
    await store.importLegacy(await writeLegacyDb(rows));
    const [job] = store.listJobs();
    assert.equal(job?.createdAt, IMPORT_TIME.toISOString());
    assert.equal(job?.finishedAt, IMPORT_TIME.toISOString());
  });

  describe('refuses files that are not legacy databases', () => {
    const refused = (path: string, reason: RegExp) => (error: unknown) =>
      error instanceof DaemonError &&
      error.code === 'invalid_params' &&
      error.message.startsWith('not a legacy AppGen database: ') &&
      error.message.includes(path) &&
      reason.test(error.message);

    it('a missing file', async () => {
      const path = join(dir, 'missing.db');
      await assert.rejects(store.importLegacy(path), refused(path, /does not exist/));
    });

    it('a folder', async () => {
      const path = join(dir, 'folder.db');
      await mkdir(path);
      await assert.rejects(store.importLegacy(path), refused(path, /the file is a folder, not a file/));
    });

    it('a named pipe (FIFO), at once instead of waiting for a writer', async () => {
      const path = join(dir, 'pipe.db');
      execFileSync('mkfifo', [path]);
      await assert.rejects(
        store.importLegacy(path),
        refused(path, /the file is a named pipe \(FIFO\), not a regular file$/),
      );
    });

    it('a link to /dev/zero, without reading it', async () => {
      const path = join(dir, 'zero.db');
      await symlink('/dev/zero', path);
      await assert.rejects(
        store.importLegacy(path),
        refused(path, /the file is a device, not a regular file$/),
      );
    });

    it('a file larger than the limit, without reading it', async () => {
      const path = join(dir, 'huge.db');
      await writeFile(path, '');
      await truncate(path, MAX_LEGACY_DB_BYTES + 1); // sparse: takes no space
      await assert.rejects(
        store.importLegacy(path),
        refused(path, /the file is larger than the 256 MB allowed \(268435457 bytes\)$/),
      );
    });

    it('a text file', async () => {
      const path = join(dir, 'notes.txt');
      await writeFile(path, 'model_slug,app_number\nopenai_gpt-4o,1\n');
      await assert.rejects(store.importLegacy(path), refused(path, /not a SQLite database/));
    });

    it('a SQLite file without the table', async () => {
      const db = new SQL.Database();
      db.run('CREATE TABLE something_else (x)');
      const path = join(dir, 'other.db');
      await writeFile(path, db.export());
      db.close();
      await assert.rejects(store.importLegacy(path), refused(path, /no generated_applications table/));
    });

    it('a table without the required columns', async () => {
      const db = new SQL.Database();
      db.run(
        'CREATE TABLE generated_applications (id INTEGER PRIMARY KEY, model_slug TEXT, created_at TEXT)',
      );
      const path = join(dir, 'old-shape.db');
      await writeFile(path, db.export());
      db.close();
      await assert.rejects(
        store.importLegacy(path),
        refused(path, /lacks app_number, template_slug, generation_status, updated_at/),
      );
    });

    it('and records nothing from any of them', async () => {
      await assert.rejects(store.importLegacy(join(dir, 'missing.db')));
      assert.deepEqual(store.listJobs(), []);
    });
  });
});
