/**
 * A history file that lacks a table or column of its own schema version is moved aside on open,
 * named in the log, like a damaged one; a newer schema is left alone for the migration to refuse.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { HistoryStore } from '../../../daemon/history/history-store';
import {
  migrateDatabase,
  missingSchemaPart,
  SCHEMA_VERSION,
  schemaTablesAt,
} from '../../../daemon/history/migrations';
import { openDatabaseFile } from '../../../daemon/history/open-database-file';
import { sqlJs } from '../../support/sql-js';

describe('history schema check on open', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  let file: string;
  const logs: string[] = [];
  const options = {
    now: () => new Date('2025-02-09T10:00:00Z'),
    log: (message: string, fields?: Record<string, unknown>) => logs.push(`${message}: ${fields?.reason}`),
  };

  before(async () => {
    SQL = await sqlJs();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'appgen-schema-check-'));
    file = join(dir, 'history.sqlite');
    logs.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A database at `version` changed by `edit`, written to `file`; returns its bytes. */
  function writeDatabase(version: number, edit: (db: Database) => void): Uint8Array {
    const db = new SQL.Database();
    migrateDatabase(db, version);
    edit(db);
    const bytes = db.export();
    db.close();
    writeFileSync(file, bytes);
    return bytes;
  }

  it('knows the tables of every version', () => {
    assert.deepEqual([...schemaTablesAt(SQL, 0).keys()], []);
    assert.deepEqual([...schemaTablesAt(SQL, 1).keys()].sort(), ['batches', 'jobs']);
    assert.deepEqual([...schemaTablesAt(SQL, SCHEMA_VERSION).keys()].sort(), [
      'app_ports',
      'batches',
      'daemon_state',
      'jobs',
    ]);
    assert.ok(schemaTablesAt(SQL, SCHEMA_VERSION).get('jobs')?.has('legacy_key'));
  });

  for (const table of ['jobs', 'batches', 'app_ports', 'daemon_state']) {
    it(`moves a current file without the ${table} table aside, naming the table, byte for byte`, async () => {
      const bytes = writeDatabase(SCHEMA_VERSION, (db) => db.run(`DROP TABLE ${table}`));
      const opened = await openDatabaseFile(SQL, file, options);
      assert.equal(opened.loaded, false);
      assert.ok(opened.movedAside);
      assert.deepEqual(new Uint8Array(readFileSync(opened.movedAside)), bytes);
      assert.match(
        logs.join('\n'),
        new RegExp(`the table "${table}" of history schema ${SCHEMA_VERSION} is missing`),
      );
      opened.db.close();
    });
  }

  it('moves an older file without a table of its version aside, before any migration', async () => {
    writeDatabase(1, (db) => db.run('DROP TABLE batches'));
    const opened = await openDatabaseFile(SQL, file, options);
    assert.ok(opened.movedAside);
    assert.match(logs.join('\n'), /the table "batches" of history schema 1 is missing/);
    opened.db.close();
  });

  it('moves a file without a column aside, naming it', async () => {
    writeDatabase(SCHEMA_VERSION, (db) => db.run('ALTER TABLE batches DROP COLUMN options'));
    const opened = await openDatabaseFile(SQL, file, options);
    assert.ok(opened.movedAside);
    assert.match(logs.join('\n'), /the column "batches\.options" of history schema \d+ is missing/);
    opened.db.close();
  });

  it('keeps a file with a table of its own added', async () => {
    writeDatabase(SCHEMA_VERSION, (db) => db.run('CREATE TABLE my_notes (note TEXT)'));
    const opened = await openDatabaseFile(SQL, file, options);
    assert.equal(opened.loaded, true);
    assert.equal(opened.movedAside, undefined);
    assert.equal(missingSchemaPart(opened.db, schemaTablesAt(SQL, SCHEMA_VERSION)), undefined);
    opened.db.close();
  });

  it('leaves a newer file where it is, whatever its tables, for the migration to refuse', async () => {
    const bytes = writeDatabase(SCHEMA_VERSION, (db) => {
      db.run('DROP TABLE jobs');
      db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    });
    await assert.rejects(
      HistoryStore.open({ file, sqlJs: SQL }),
      new RegExp(
        `this history was written by a newer AppGen \\(schema ${SCHEMA_VERSION + 1}\\); update AppGen`,
      ),
    );
    assert.deepEqual(new Uint8Array(readFileSync(file)), bytes);
  });

  it('opens a store whose file lacked a table with an empty history that works', async () => {
    writeDatabase(SCHEMA_VERSION, (db) => db.run('DROP TABLE jobs'));
    const store = await HistoryStore.open({ file, sqlJs: SQL, log: options.log });
    try {
      assert.ok(store.movedAside);
      assert.deepEqual(store.listJobs(), []);
    } finally {
      await store.close();
    }
  });
});
