import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { DaemonError } from '../../../daemon/daemon-error';
import { HistoryStore } from '../../../daemon/history/history-store';
import {
  MIGRATIONS,
  migrateDatabase,
  SCHEMA_VERSION,
  schemaVersion,
} from '../../../daemon/history/migrations';
import { normalizeTimestampColumns } from '../../../daemon/history/normalize-timestamp-columns';
import { normalizeTimestamp } from '../../../daemon/history/timestamps';
import { sqlJs } from '../../support/sql-js';
import { tempDir } from './history-test-helpers';
import { writtenTimestampArb } from './timestamp-arbitraries';

/** Inserts a job row the way the version-1 schema stored it. */
function insertV1Job(
  db: Database,
  id: string,
  created: SqlValue,
  extra: Record<string, SqlValue> = {},
): void {
  const row: Record<string, SqlValue> = {
    id,
    template_slug: 'crud_todo_list',
    model: 'openai/gpt-4o',
    model_slug: 'openai_gpt-4o',
    app_num: 1,
    app_path: 'generated/apps/openai_gpt-4o/app1',
    status: 'succeeded',
    attempts: 1,
    created_at: created,
    updated_at: created,
    ...extra,
  };
  const columns = Object.keys(row);
  db.run(
    `INSERT INTO jobs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    Object.values(row),
  );
}

function column(db: Database, sql: string): SqlValue[] {
  return (db.exec(sql)[0]?.values ?? []).map((row) => row[0] as SqlValue);
}

describe('history migrations', () => {
  let SQL: SqlJsStatic;
  before(async () => {
    SQL = await sqlJs();
  });

  it('are numbered 1, 2, 3, ... in order', () => {
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version),
      MIGRATIONS.map((_, i) => i + 1),
    );
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
    assert.ok(SCHEMA_VERSION >= 3);
  });

  it('create the full schema on an empty database and set user_version', () => {
    const db = new SQL.Database();
    const result = migrateDatabase(db);
    assert.deepEqual([result.from, result.to], [0, SCHEMA_VERSION]);
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    const tables = column(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    assert.deepEqual(tables, ['app_ports', 'batches', 'daemon_state', 'jobs']);
    db.close();
  });

  it('do nothing on a database that is already current', () => {
    const db = new SQL.Database();
    migrateDatabase(db);
    const again = migrateDatabase(db);
    assert.deepEqual(again, { from: SCHEMA_VERSION, to: SCHEMA_VERSION, timestamps: [] });
    db.close();
  });

  it('normalise every timestamp column of a version-1 database and report what changed', () => {
    const db = new SQL.Database();
    migrateDatabase(db, 1);
    insertV1Job(db, 'naive', '2025-02-09 10:00:00', {
      started_at: '2025-02-09T10:00:01',
      finished_at: 1739095322,
    });
    insertV1Job(db, 'offset', '2025-02-09T12:00:00+02:00', { finished_at: '1739095322500' });
    insertV1Job(db, 'micro', '2025-02-09 10:00:00.123456');
    insertV1Job(db, 'clean', '2025-02-09T10:00:00.000Z');
    insertV1Job(db, 'junk', 'sometime last week');
    db.run("INSERT INTO batches (id, created_at, finished_at) VALUES ('b1', '2025-02-09 09:00:00', NULL)");

    const result = migrateDatabase(db);
    assert.deepEqual([result.from, result.to], [1, SCHEMA_VERSION]);
    const jobs = result.timestamps.filter((r) => r.table === 'jobs');
    const byColumn = Object.fromEntries(jobs.map((r) => [r.column, r]));
    assert.deepEqual(
      { changed: byColumn.created_at!.changed, unparseable: byColumn.created_at!.unparseable },
      { changed: 3, unparseable: 1 },
    );
    assert.deepEqual(byColumn.created_at!.unparseableExamples, ['sometime last week']);
    assert.equal(byColumn.started_at!.changed, 1);
    assert.equal(byColumn.finished_at!.changed, 2);
    const batches = result.timestamps.find((r) => r.table === 'batches' && r.column === 'created_at');
    assert.equal(batches?.changed, 1);

    const created = Object.fromEntries(
      (db.exec('SELECT id, created_at FROM jobs')[0]?.values ?? []).map(([id, at]) => [id, at]),
    );
    assert.deepEqual(created, {
      naive: '2025-02-09T10:00:00.000Z',
      offset: '2025-02-09T10:00:00.000Z',
      micro: '2025-02-09T10:00:00.123Z',
      clean: '2025-02-09T10:00:00.000Z',
      junk: 'sometime last week',
    });
    assert.deepEqual(column(db, "SELECT finished_at FROM jobs WHERE id = 'naive'"), [
      '2025-02-09T10:02:02.000Z',
    ]);
    assert.deepEqual(column(db, "SELECT finished_at FROM jobs WHERE id = 'offset'"), [
      '2025-02-09T10:02:02.500Z',
    ]);
    assert.deepEqual(column(db, "SELECT source FROM jobs WHERE id = 'naive'"), ['daemon']);
    db.close();
  });

  it('running the normalisation again changes nothing', () => {
    const db = new SQL.Database();
    migrateDatabase(db, 1);
    insertV1Job(db, 'a', '2025-02-09 10:00:00');
    insertV1Job(db, 'b', 1739095200);
    insertV1Job(db, 'c', 'junk');
    migrateDatabase(db, 2);
    const before = db.exec('SELECT * FROM jobs ORDER BY rowid');
    const second = normalizeTimestampColumns(db, 'jobs', ['created_at', 'updated_at']);
    assert.deepEqual(
      second.map((r) => [r.changed, r.unparseable]),
      [
        [0, 1],
        [0, 1],
      ],
    );
    assert.deepEqual(db.exec('SELECT * FROM jobs ORDER BY rowid'), before);
    db.close();
  });

  it('lose no row and keep unreadable values, whatever mix of formats a table holds', async () => {
    const junk = fc.constantFrom('junk', '', 'not a date', '2025-13-45 99:99:99', '??');
    const value = fc.oneof(
      { weight: 4, arbitrary: writtenTimestampArb.map((w) => w.value) },
      { weight: 1, arbitrary: junk },
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), (values) => {
        const db = new SQL.Database();
        migrateDatabase(db, 1);
        values.forEach((created, i) => {
          insertV1Job(db, `job-${i}`, created);
        });
        migrateDatabase(db);
        const rows = db.exec('SELECT id, created_at FROM jobs ORDER BY rowid')[0]?.values ?? [];
        assert.equal(rows.length, values.length);
        rows.forEach(([id, created], i) => {
          assert.equal(id, `job-${i}`);
          const expected = normalizeTimestamp(values[i]) ?? String(values[i]);
          assert.equal(created, expected);
        });
        db.close();
      }),
      { numRuns: 60 },
    );
  });

  it('bring a version-2 database to the current version without touching its rows', () => {
    const db = new SQL.Database();
    migrateDatabase(db, 2);
    insertV1Job(db, 'v2', '2025-02-09T10:00:00.000Z', { error_code: 'timeout', error_message: 'slow' });
    const before = db.exec('SELECT * FROM jobs');
    const result = migrateDatabase(db);
    assert.deepEqual([result.from, result.to, result.timestamps.length], [2, SCHEMA_VERSION, 0]);
    const after = db.exec('SELECT id, created_at, error_code, error_message FROM jobs');
    assert.deepEqual(after[0]?.values, [['v2', '2025-02-09T10:00:00.000Z', 'timeout', 'slow']]);
    assert.equal(before[0]?.values.length, 1);
    db.close();
  });

  it('roll a failing step back and leave the database at the last completed version', () => {
    const db = new SQL.Database();
    migrateDatabase(db, 2);
    // A table the third step wants to create already exists, so that step fails half way.
    db.run('CREATE TABLE app_ports (x INTEGER)');
    assert.throws(
      () => migrateDatabase(db),
      (error: unknown) =>
        error instanceof DaemonError &&
        error.code === 'internal' &&
        /migration to version 3/.test(error.message),
    );
    assert.equal(schemaVersion(db), 2);
    // The step's first statements were rolled back too.
    const columns = column(db, "SELECT name FROM pragma_table_info('jobs')");
    assert.ok(!columns.includes('error_status'));
    db.close();
  });

  it('refuse a database newer than this code', () => {
    const db = new SQL.Database();
    db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    assert.throws(
      () => migrateDatabase(db),
      /^DaemonError: this history was written by a newer AppGen \(schema \d+\); update AppGen/,
    );
    db.close();
  });

  describe('indexes', () => {
    const queries: Array<[string, string]> = [
      ['all jobs', ''],
      ['by model', "WHERE model_slug = 'm'"],
      ['by template', "WHERE template_slug = 't'"],
      ['by status', "WHERE status = 'failed'"],
      ['by batch', "WHERE batch_id = 'b'"],
    ];
    for (const [name, where] of queries) {
      it(`serve newest-first lists ${name} without sorting`, () => {
        const db = new SQL.Database();
        migrateDatabase(db);
        const plan = db
          .exec(
            `EXPLAIN QUERY PLAN SELECT * FROM jobs ${where} ORDER BY created_at DESC, rowid DESC LIMIT 100`,
          )[0]!
          .values.map((row) => String(row[3]))
          .join(' | ');
        assert.match(plan, /USING INDEX jobs_by_/);
        assert.doesNotMatch(plan, /TEMP B-TREE/);
        db.close();
      });
    }
  });

  describe('through the store', () => {
    it('open a version-1 file, migrate it, and return its messy rows as clean jobs', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const db = new SQL.Database();
        migrateDatabase(db, 1);
        insertV1Job(db, 'old', '2025-02-09 10:00:00', {
          status: 'failed',
          error_code: 'timeout',
          error_message: 'took too long',
          files: '["backend/app.py"]',
          prompt_tokens: 10,
          completion_tokens: 20,
          started_at: '2025-02-09T12:00:05+02:00',
          finished_at: 1739095330,
        });
        const file = join(dir, 'history.sqlite');
        await writeFile(file, db.export());
        db.close();

        const messages: string[] = [];
        const store = await HistoryStore.open({
          file,
          sqlJs: SQL,
          saveDelayMs: 60_000,
          log: (message) => messages.push(message),
        });
        assert.deepEqual([store.migration.from, store.migration.to], [1, SCHEMA_VERSION]);
        assert.ok(messages.includes('history database migrated'));
        assert.ok(messages.includes('history timestamps normalised'));
        assert.deepEqual(store.getJob('old'), {
          id: 'old',
          templateSlug: 'crud_todo_list',
          model: 'openai/gpt-4o',
          modelSlug: 'openai_gpt-4o',
          appNum: 1,
          appPath: 'generated/apps/openai_gpt-4o/app1',
          status: 'failed',
          attempts: 1,
          error: { code: 'timeout', message: 'took too long' },
          files: ['backend/app.py'],
          usage: { promptTokens: 10, completionTokens: 20 },
          createdAt: '2025-02-09T10:00:00.000Z',
          startedAt: '2025-02-09T10:00:05.000Z',
          finishedAt: '2025-02-09T10:02:10.000Z',
        });
        await store.close();

        // The migrated schema was written back.
        const saved = new SQL.Database(await readFile(file));
        assert.equal(schemaVersion(saved), SCHEMA_VERSION);
        saved.close();
      } finally {
        await cleanup();
      }
    });

    it('refuse to open a newer file and leave it as it was', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const db = new SQL.Database();
        migrateDatabase(db);
        db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
        const file = join(dir, 'history.sqlite');
        const bytes = db.export();
        db.close();
        await writeFile(file, bytes);
        await assert.rejects(
          HistoryStore.open({ file, sqlJs: SQL }),
          /^DaemonError: this history was written by a newer AppGen \(schema \d+\); update AppGen/,
        );
        assert.deepEqual(new Uint8Array(await readFile(file)), bytes);
      } finally {
        await cleanup();
      }
    });
  });
});
