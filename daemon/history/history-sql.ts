/**
 * The SQL the history store runs on its own tables, in one place (the ports' statements are in
 * app-ports.ts). Each text is a key of the prepared-statement cache (history-database.ts), so every
 * statement is a constant: a query built anew on each call is still prepared once.
 */
import type { SqlValue } from 'sql.js';
import { JOB_COLUMNS, type JobColumn, type JobRow } from './job-row';

/** Job columns a read returns: the legacy origin is kept for reference and never read back. */
const READ_COLUMNS = JOB_COLUMNS.filter(
  (column) => !['source', 'legacy_key', 'legacy_data'].includes(column),
);
export const SELECT_JOBS = `SELECT ${READ_COLUMNS.join(', ')} FROM jobs`;
export const SELECT_JOB = `${SELECT_JOBS} WHERE id = ?`;
export const SELECT_UNFINISHED_JOBS = `${SELECT_JOBS} WHERE status IN ('queued', 'running') ORDER BY created_at, rowid`;
export const SELECT_HIGHEST_APP_NUMS =
  'SELECT model_slug AS slug, MAX(app_num) AS n FROM jobs GROUP BY model_slug';
export const DELETE_JOB = 'DELETE FROM jobs WHERE id = ?';

// A job's origin and identity (its model, template, app, batch and creation time) are fixed when it
// is first recorded; later updates never change them. Leaving them out of the update also spares
// SQLite the work on every index built on them, which a batch cancel of 100,000 jobs pays per row.
const FIXED_ON_UPDATE = new Set<JobColumn>([
  'id',
  'source',
  'legacy_key',
  'legacy_data',
  'batch_id',
  'template_slug',
  'model',
  'model_slug',
  'app_num',
  'app_path',
  'created_at',
]);
export const UPSERT_JOB = `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES (${JOB_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${JOB_COLUMNS.filter((column) => !FIXED_ON_UPDATE.has(column))
    .map((column) => `${column} = excluded.${column}`)
    .join(', ')}`;
export const INSERT_LEGACY_JOB = `INSERT OR IGNORE INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES (${JOB_COLUMNS.map(() => '?').join(', ')})`;

export const UPSERT_BATCH = `INSERT INTO batches (id, config_path, created_at, finished_at, options) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET config_path = excluded.config_path, created_at = excluded.created_at,
    finished_at = excluded.finished_at, options = excluded.options`;
export const SELECT_BATCH =
  'SELECT id, config_path, created_at, finished_at, options FROM batches WHERE id = ?';

export const UPSERT_STATE = `INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;
export const SELECT_STATE = 'SELECT value FROM daemon_state WHERE key = ?';

// A replayed line may already be in the file (a crash after a whole write, before the log went).
export const REPLAY_PORTS =
  'INSERT OR IGNORE INTO app_ports (model_slug, app_num, backend_port, frontend_port) VALUES (?, ?, ?, ?)';

/** The values of a job row in the order of `UPSERT_JOB` and `INSERT_LEGACY_JOB`. */
export function jobRowValues(row: JobRow): SqlValue[] {
  return JOB_COLUMNS.map((column) => row[column]);
}
