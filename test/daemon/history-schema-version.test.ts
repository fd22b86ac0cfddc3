/**
 * A history the daemon cannot use as it is. A newer schema stops it at once with a message that
 * says to update AppGen (exit 2, no stack trace) and the file left byte for byte; a file of the
 * current schema that lacks a table is moved aside, named, and a new history is started.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { migrateDatabase, SCHEMA_VERSION } from '../../daemon/history/migrations';
import * as P from '../../shared/protocol';
import { daemonWorkspace } from '../support/daemon-workspace';
import { historyFile } from '../support/history-file';
import { sqlJs } from '../support/sql-js';

/** Writes the workspace's history: the current schema, changed by `edit`; returns its bytes. */
async function writeHistory(workspace: string, edit: (db: Database) => void): Promise<Buffer> {
  const SQL = await sqlJs();
  const db = new SQL.Database();
  migrateDatabase(db);
  db.run(
    `INSERT INTO batches (id, config_path, created_at) VALUES ('b1', 'appgen.batch.json', '2025-02-09T10:00:00.000Z')`,
  );
  edit(db);
  const bytes = Buffer.from(db.export());
  db.close();
  mkdirSync(join(workspace, '.appgen'), { recursive: true });
  writeFileSync(historyFile(workspace), bytes);
  return bytes;
}

describe('a history the daemon cannot use as it is (daemon process)', () => {
  const ws = daemonWorkspace('appgen-history-schema-', { simulator: false });

  it('stops with exit 2 and "update AppGen" on a newer schema, without a stack trace, leaving the file as it was', async () => {
    const newer = SCHEMA_VERSION + 6;
    const bytes = await writeHistory(ws.workspace, (db) => db.run(`PRAGMA user_version = ${newer}`));
    const daemon = ws.spawnOffline();
    const code = await daemon.exited;
    assert.equal(code, 2, daemon.stderr());
    const stderr = daemon.stderr();
    assert.ok(
      stderr.includes(`this history was written by a newer AppGen (schema ${newer}); update AppGen`),
      stderr,
    );
    assert.ok(stderr.includes(historyFile(ws.workspace)), 'the message names the file');
    assert.doesNotMatch(stderr, /\n\s+at |unhandled rejection|uncaught exception/i);
    assert.deepEqual(readFileSync(historyFile(ws.workspace)), bytes);
    assert.deepEqual(
      readdirSync(join(ws.workspace, '.appgen')).filter((name) => name.startsWith('history')),
      ['history.sqlite'],
    );
    // The workspace is free again for a daemon that can read it.
    assert.equal(existsSync(join(ws.workspace, '.appgen', 'daemon.lock')), false);
  });

  it('stops with exit 2 naming the step when a migration cannot run, leaving the file as it was', async () => {
    // A file of no schema version whose own `jobs` table is in the way of the first step.
    const SQL = await sqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE jobs (something TEXT)');
    const bytes = Buffer.from(db.export());
    db.close();
    mkdirSync(join(ws.workspace, '.appgen'), { recursive: true });
    writeFileSync(historyFile(ws.workspace), bytes);
    const daemon = ws.spawnOffline();
    assert.equal(await daemon.exited, 2, daemon.stderr());
    assert.match(
      daemon.stderr(),
      /appgen daemon: cannot open the history .*: history database migration to version 1 \(initial jobs and batches tables\) failed: table jobs already exists/,
    );
    assert.doesNotMatch(daemon.stderr(), /\n\s+at |unhandled rejection/i);
    assert.deepEqual(readFileSync(historyFile(ws.workspace)), bytes);
  });

  it('moves a current file without the jobs table aside, naming the table, and serves a new history', async () => {
    const bytes = await writeHistory(ws.workspace, (db) => db.run('DROP TABLE jobs'));
    const daemon = ws.spawnOffline();
    await daemon.initialize();
    assert.deepEqual(await daemon.connection.sendRequest(P.HistoryListRequest, {}), []);
    const aside = readdirSync(join(ws.workspace, '.appgen')).filter((name) =>
      name.startsWith('history.sqlite.corrupt-'),
    );
    assert.equal(aside.length, 1, 'one file moved aside');
    assert.deepEqual(readFileSync(join(ws.workspace, '.appgen', aside[0]!)), bytes);
    assert.match(
      daemon.stderr(),
      new RegExp(`the table \\\\"jobs\\\\" of history schema ${SCHEMA_VERSION} is missing`),
    );
    assert.doesNotMatch(daemon.stderr(), /\n\s+at |unhandled rejection/i);
    await daemon.stop();
    assert.equal(await daemon.exited, 0);
  });
});
