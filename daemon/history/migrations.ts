import type { Database, SqlJsStatic } from 'sql.js';
import { DaemonError } from '../daemon-error';
import { normalizeTimestampColumns, type TimestampColumnReport } from './normalize-timestamp-columns';

/** One step of the schema; `up` runs inside a transaction that also sets `user_version`. */
export interface Migration {
  version: number;
  description: string;
  up(db: Database): TimestampColumnReport[] | undefined;
}

/** The timestamp columns of each table; the normalising migration and its tests share this list. */
export const TIMESTAMP_COLUMNS = {
  jobs: ['created_at', 'started_at', 'finished_at', 'updated_at'],
  batches: ['created_at', 'finished_at'],
} as const;

/**
 * The schema's history, oldest first. Never edit a released step: add one. Version 1 is the
 * first schema as it shipped, without the later columns, with SQLite's naive CURRENT_TIMESTAMP
 * defaults and a single index.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'initial jobs and batches tables',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id TEXT PRIMARY KEY,
          batch_id TEXT,
          template_slug TEXT NOT NULL,
          model TEXT NOT NULL,
          model_slug TEXT NOT NULL,
          app_num INTEGER NOT NULL,
          app_path TEXT NOT NULL,
          status TEXT NOT NULL,
          phase TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          error_code TEXT,
          error_message TEXT,
          files TEXT,
          prompt_tokens INTEGER,
          completion_tokens INTEGER,
          cost_usd REAL,
          created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
          started_at TEXT,
          finished_at TEXT,
          updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
        );
        CREATE INDEX jobs_created_at ON jobs (created_at);
        CREATE TABLE batches (
          id TEXT PRIMARY KEY,
          config_path TEXT,
          created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
          finished_at TEXT
        );
      `);
      return undefined;
    },
  },
  {
    version: 2,
    description: 'normalise timestamps to ISO-8601 UTC',
    up(db) {
      return [
        ...normalizeTimestampColumns(db, 'jobs', TIMESTAMP_COLUMNS.jobs),
        ...normalizeTimestampColumns(db, 'batches', TIMESTAMP_COLUMNS.batches),
      ];
    },
  },
  {
    version: 3,
    description: 'all job fields, legacy import keys, list indexes, app ports',
    up(db) {
      db.exec(`
        ALTER TABLE jobs ADD COLUMN error_status INTEGER;
        ALTER TABLE jobs ADD COLUMN provider TEXT;
        ALTER TABLE jobs ADD COLUMN generation_ids TEXT;
        ALTER TABLE jobs ADD COLUMN artifacts_path TEXT;
        ALTER TABLE jobs ADD COLUMN previous_version_path TEXT;
        ALTER TABLE jobs ADD COLUMN priority INTEGER;
        ALTER TABLE jobs ADD COLUMN components TEXT;
        ALTER TABLE jobs ADD COLUMN options TEXT;
        ALTER TABLE jobs ADD COLUMN retry_of TEXT;
        ALTER TABLE jobs ADD COLUMN source TEXT NOT NULL DEFAULT 'daemon';
        ALTER TABLE jobs ADD COLUMN legacy_key TEXT;
        ALTER TABLE jobs ADD COLUMN legacy_data TEXT;
        ALTER TABLE jobs ADD COLUMN extra TEXT;
        CREATE UNIQUE INDEX jobs_legacy_key ON jobs (legacy_key);

        -- Every list is newest first; an index per filter that ends in created_at (and the implicit
        -- rowid) lets SQLite walk it backwards instead of sorting 100,000 rows.
        DROP INDEX jobs_created_at;
        CREATE INDEX jobs_by_created ON jobs (created_at);
        CREATE INDEX jobs_by_model ON jobs (model_slug, created_at);
        CREATE INDEX jobs_by_template ON jobs (template_slug, created_at);
        CREATE INDEX jobs_by_status ON jobs (status, created_at);
        CREATE INDEX jobs_by_batch ON jobs (batch_id, created_at);
        CREATE INDEX jobs_by_app ON jobs (model_slug, app_num);

        ALTER TABLE batches ADD COLUMN options TEXT;

        CREATE TABLE app_ports (
          model_slug TEXT NOT NULL,
          app_num INTEGER NOT NULL,
          backend_port INTEGER NOT NULL UNIQUE,
          frontend_port INTEGER NOT NULL UNIQUE,
          PRIMARY KEY (model_slug, app_num)
        );
      `);
      return undefined;
    },
  },
  {
    version: 4,
    description: "the daemon's own state across restarts (a paused queue)",
    up(db) {
      db.exec(`
        CREATE TABLE daemon_state (
          key TEXT PRIMARY KEY,
          value TEXT,
          updated_at TEXT NOT NULL
        );
      `);
      return undefined;
    },
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** What opening a database changed. */
export interface MigrationResult {
  from: number;
  to: number;
  /** One entry per timestamp column the normalising step looked at, when it ran. */
  timestamps: TimestampColumnReport[];
}

/** The database's schema version (`PRAGMA user_version`), 0 for a new database. */
export function schemaVersion(db: Database): number {
  const result = db.exec('PRAGMA user_version');
  return Number(result[0]?.values[0]?.[0] ?? 0);
}

/**
 * Brings `db` up to `target` (default: the latest), one step per transaction, so a failure leaves
 * the database at the last completed version. A database newer than this code is refused rather
 * than touched.
 */
export function migrateDatabase(db: Database, target: number = SCHEMA_VERSION): MigrationResult {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new DaemonError(
      'internal',
      `this history was written by a newer AppGen (schema ${from}); update AppGen. This one reads schema ${SCHEMA_VERSION} and older; the file was left as it is`,
    );
  }
  const result: MigrationResult = { from, to: from, timestamps: [] };
  for (const migration of MIGRATIONS) {
    if (migration.version <= from || migration.version > target) continue;
    db.exec('BEGIN');
    try {
      const reports = migration.up(db);
      db.exec(`PRAGMA user_version = ${migration.version}`);
      db.exec('COMMIT');
      if (reports) result.timestamps.push(...reports);
      result.to = migration.version;
    } catch (error) {
      rollback(db);
      const reason = error instanceof Error ? error.message : String(error);
      throw new DaemonError(
        'internal',
        `history database migration to version ${migration.version} (${migration.description}) failed: ${reason}`,
        {},
        { cause: error },
      );
    }
  }
  return result;
}

function rollback(db: Database): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    // SQLite already rolled back on its own after the error.
  }
}

/** Table name to its column names. */
export type SchemaTables = ReadonlyMap<string, ReadonlySet<string>>;

const schemaCache = new Map<number, SchemaTables>();

/** The tables and columns a database of schema `version` has: a new one migrated that far. */
export function schemaTablesAt(sql: SqlJsStatic, version: number): SchemaTables {
  let tables = schemaCache.get(version);
  if (!tables) {
    const db = new sql.Database();
    try {
      migrateDatabase(db, version);
      tables = tablesOf(db);
    } finally {
      db.close();
    }
    schemaCache.set(version, tables);
  }
  return tables;
}

/** The tables of `db` (SQLite's own left out) with their columns. */
export function tablesOf(db: Database): SchemaTables {
  const names = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  const tables = new Map<string, Set<string>>();
  for (const [name] of names[0]?.values ?? []) {
    const columns = db.exec(`PRAGMA table_info("${String(name).replace(/"/g, '""')}")`)[0]?.values ?? [];
    tables.set(String(name), new Set(columns.map((column) => String(column[1]))));
  }
  return tables;
}

/**
 * What of its own schema a database lacks, for a message: `the table "jobs"` or `the column
 * "batches.options"`; undefined when it has every table and column of its version. Extra tables and
 * columns are allowed (a person's own, or an index).
 */
export function missingSchemaPart(db: Database, expected: SchemaTables): string | undefined {
  const actual = tablesOf(db);
  for (const [table, columns] of expected) {
    const present = actual.get(table);
    if (!present) return `the table "${table}"`;
    for (const column of columns) if (!present.has(column)) return `the column "${table}.${column}"`;
  }
  return undefined;
}
