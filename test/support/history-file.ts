/**
 * A workspace's history database as it is on disk, read with sql.js and, where it is installed,
 * checked with the sqlite3 command line.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlJs } from './sql-js';

/** The history database of `workspace`. */
export function historyFile(workspace: string): string {
  return join(workspace, '.appgen', 'history.sqlite');
}

/** The jobs table (id to status) as it is on disk right now, and SQLite's verdict on the file. */
export async function readHistoryFile(
  workspace: string,
): Promise<{ jobs: Map<string, string>; integrity: string }> {
  const SQL = await sqlJs();
  const db = new SQL.Database(readFileSync(historyFile(workspace)));
  try {
    const integrity = String(db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0]);
    const rows = db.exec('SELECT id, status FROM jobs')[0]?.values ?? [];
    return { jobs: new Map(rows.map(([id, status]) => [String(id), String(status)])), integrity };
  } finally {
    db.close();
  }
}

/** Whether the sqlite3 command line is installed here. */
export function hasSqliteCli(): boolean {
  return spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).status === 0;
}

/** Asserts that the sqlite3 command line finds the workspace's database intact, where it is installed. */
export function assertSqliteCliIntegrity(workspace: string): void {
  if (!hasSqliteCli()) return;
  const check = spawnSync('sqlite3', [historyFile(workspace), 'pragma integrity_check'], {
    encoding: 'utf8',
  });
  assert.equal(check.stdout.trim(), 'ok', `sqlite3 integrity check: ${check.stdout}${check.stderr}`);
}
