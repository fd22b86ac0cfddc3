import { constants } from 'node:buffer';
import { access, rename } from 'node:fs/promises';
import type { Database, SqlJsStatic } from 'sql.js';
import { FileRefusedError, readRegularFile } from '../read-regular-file';
import { missingSchemaPart, SCHEMA_VERSION, schemaTablesAt, schemaVersion } from './migrations';
import { type Clock, nowIso } from './timestamps';

/** Structured log line: a message and a few fields. */
export type HistoryLog = (message: string, fields?: Record<string, unknown>) => void;

export interface OpenedDatabaseFile {
  db: Database;
  /** Whether the database came from the file (false: a fresh one). */
  loaded: boolean;
  /** Where an unreadable file was moved, when it was. */
  movedAside?: string;
}

/**
 * Reads a SQLite file into memory. A missing or empty file gives a fresh database. A file that
 * cannot be read, fails SQLite's integrity check or lacks a table of its schema version is renamed
 * to `<file>.corrupt-<time>` (never overwritten, never deleted) and a fresh database is returned in
 * its place.
 */
export async function openDatabaseFile(
  sql: SqlJsStatic,
  file: string,
  options: { now: Clock; log: HistoryLog; quickCheckMaxBytes?: number },
): Promise<OpenedDatabaseFile> {
  let bytes: Uint8Array;
  try {
    // A named pipe or a device in its place would hang or fill the daemon: moved aside instead.
    bytes = await readRegularFile(file, { maxBytes: constants.MAX_LENGTH - 1 });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { db: new sql.Database(), loaded: false };
    const reason = error instanceof FileRefusedError ? `the file ${error.message}` : reasonOf(error);
    return moveAside(sql, file, reason, options);
  }
  if (bytes.length === 0) return { db: new sql.Database(), loaded: false };
  let db: Database | undefined;
  try {
    checkStructure(bytes);
    db = new sql.Database(bytes);
    checkIntegrity(db, bytes.length <= (options.quickCheckMaxBytes ?? QUICK_CHECK_MAX_BYTES));
    checkTables(sql, db);
    return { db, loaded: true };
  } catch (error) {
    db?.close();
    return moveAside(sql, file, reasonOf(error), options);
  }
}

/**
 * The checks that cost nothing: SQLite's magic string, and a size that matches the page count the
 * header records, which catches a file cut short (a partial copy, a full disk) at any size.
 */
function checkStructure(bytes: Uint8Array): void {
  const magic = Buffer.from(bytes.subarray(0, 16)).toString('latin1');
  if (magic !== 'SQLite format 3\0') throw new Error('not a SQLite database (no SQLite header)');
  if (bytes.length < 100) throw new Error('the SQLite header is cut off');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pageCount = view.getUint32(28);
  // The header's page count is only valid when its change counter matches "version valid for".
  const countValid = view.getUint32(24) === view.getUint32(92) && pageCount > 0;
  if (countValid && bytes.length < pageSize * pageCount) {
    throw new Error(`the file is cut off: ${bytes.length} bytes of ${pageSize * pageCount}`);
  }
}

/**
 * Below this size SQLite's own quick_check (every page of every table) runs on open; it costs
 * about 2.5 ms a megabyte, so a large history skips it to open fast and relies on the checks above
 * and on saves that only ever replace the file whole.
 */
const QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024;

function checkIntegrity(db: Database, quickCheck: boolean): void {
  // Reading the schema fails on a damaged first page whatever the size.
  db.exec('SELECT count(*) FROM sqlite_master');
  if (!quickCheck) return;
  const rows = db.exec('PRAGMA quick_check')[0]?.values ?? [];
  const problems = rows.map((row) => String(row[0])).filter((message) => message !== 'ok');
  if (rows.length === 0 || problems.length > 0) {
    throw new Error(`integrity check failed: ${problems.slice(0, 3).join('; ') || 'no result'}`);
  }
}

/**
 * A file whose schema lacks a table or column of its own version (a table dropped by hand, a copy
 * of part of a database) would fail every later request; it is moved aside like a damaged one. A
 * newer schema is not judged here: the migration refuses it and the file stays as it is.
 */
function checkTables(sql: SqlJsStatic, db: Database): void {
  const version = schemaVersion(db);
  if (version > SCHEMA_VERSION) return;
  const missing = missingSchemaPart(db, schemaTablesAt(sql, version));
  if (missing !== undefined) throw new Error(`${missing} of history schema ${version} is missing`);
}

async function moveAside(
  sql: SqlJsStatic,
  file: string,
  reason: string,
  options: { now: Clock; log: HistoryLog },
): Promise<OpenedDatabaseFile> {
  // Colons and dots are not allowed or confusing in file names on every platform.
  const stamp = nowIso(options.now).replace(/[:.]/g, '-');
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 2; await exists(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
  await rename(file, target);
  options.log('history database could not be read; moved it aside and started a new one', {
    file,
    movedTo: target,
    reason,
  });
  return { db: new sql.Database(), loaded: false, movedAside: target };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
