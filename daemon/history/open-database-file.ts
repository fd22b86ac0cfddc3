import { constants as bufferConstants } from 'node:buffer';
import { lstat, readlink, rename } from 'node:fs/promises';
import type { Database, SqlJsStatic } from 'sql.js';
import { FileRefusedError, LinkRefusedError, readRegularFile } from '../read-regular-file';
import { missingSchemaPart, SCHEMA_VERSION, schemaTablesAt, schemaVersion } from './migrations';
import { type Clock, nowIso } from './timestamps';

/** Structured log line: a message, a few fields and a level (info when not given). */
export type HistoryLog = (message: string, fields?: Record<string, unknown>, level?: 'info' | 'warn') => void;

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
 * its place. A symbolic link in its place is never read, whatever it points to: the link itself is
 * renamed to `<file>.link-<time>` (its target untouched) and a fresh database is returned.
 */
export async function openDatabaseFile(
  sql: SqlJsStatic,
  file: string,
  options: { now: Clock; log: HistoryLog; quickCheckMaxBytes?: number },
): Promise<OpenedDatabaseFile> {
  const found = await readHistoryBytes(file);
  if (found.kind === 'missing') return { db: new sql.Database(), loaded: false };
  if (found.kind === 'link') {
    const to = found.target === undefined ? '' : ` to ${found.target}`;
    const reason = `the file is a symbolic link${to}; the history is read only as a regular file`;
    return moveAside(sql, file, options, { reason, level: 'warn', link: { target: found.target } });
  }
  // Not a history at all (a pipe, a folder) or not readable: a warning, not a damaged history.
  if (found.kind === 'refused') return moveAside(sql, file, options, { reason: found.reason, level: 'warn' });
  const bytes = found.bytes;
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
    return moveAside(sql, file, options, { reason: reasonOf(error), level: 'info' });
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

/** What is at the history's path, read without following a link or waiting on a pipe. */
type HistoryFileRead =
  | { kind: 'missing' }
  | { kind: 'link'; target: string | undefined }
  | { kind: 'refused'; reason: string }
  | { kind: 'bytes'; bytes: Uint8Array };

/**
 * The history's bytes, only from a regular file in its place: a link is never followed (whatever
 * it points to, in the workspace or out of it), and a pipe, folder, device or socket is not read.
 */
async function readHistoryBytes(file: string): Promise<HistoryFileRead> {
  try {
    const bytes = await readRegularFile(file, { maxBytes: bufferConstants.MAX_LENGTH - 1, noFollow: true });
    return { kind: 'bytes', bytes };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'missing' };
    if (error instanceof LinkRefusedError) return { kind: 'link', target: await linkTarget(file) };
    if (error instanceof FileRefusedError) return { kind: 'refused', reason: `the file ${error.message}` };
    return { kind: 'refused', reason: reasonOf(error) };
  }
}

/** Where a link points, as written in it (never resolved); undefined if it is gone. */
async function linkTarget(file: string): Promise<string | undefined> {
  try {
    return await readlink(file);
  } catch {
    return undefined;
  }
}

/** Why a file is moved aside, and how loudly; `link` when it is a symbolic link. */
interface MoveAsideCause {
  reason: string;
  level: 'info' | 'warn';
  link?: { target: string | undefined };
}

/** Renames what is at `file` out of the way (a link itself, never its target); a fresh database. */
async function moveAside(
  sql: SqlJsStatic,
  file: string,
  options: { now: Clock; log: HistoryLog },
  cause: MoveAsideCause,
): Promise<OpenedDatabaseFile> {
  const { reason, level, link } = cause;
  // Colons and dots are not allowed or confusing in file names on every platform.
  const stamp = nowIso(options.now).replace(/[:.]/g, '-');
  const prefix = `${file}.${link === undefined ? 'corrupt' : 'link'}-${stamp}`;
  let target = prefix;
  for (let n = 2; await exists(target); n++) target = `${prefix}-${n}`;
  await rename(file, target);
  if (link !== undefined) {
    options.log(
      'history database was a symbolic link; moved the link aside without reading it and started a new history',
      { file, movedTo: target, linkTarget: link.target, reason },
      level,
    );
  } else {
    options.log(
      'history database could not be read; moved it aside and started a new one',
      { file, movedTo: target, reason },
      level,
    );
  }
  return { db: new sql.Database(), loaded: false, movedAside: target };
}

/** Whether anything, a dangling link included, has this name. */
async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
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
