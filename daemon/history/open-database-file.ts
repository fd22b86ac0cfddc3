import { access, readFile, rename } from 'node:fs/promises';
import type { Database, SqlJsStatic } from 'sql.js';
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
 * cannot be read or fails SQLite's integrity check is renamed to `<file>.corrupt-<time>` (never
 * overwritten, never deleted) and a fresh database is returned in its place.
 */
export async function openDatabaseFile(
  sql: SqlJsStatic,
  file: string,
  options: { now: Clock; log: HistoryLog },
): Promise<OpenedDatabaseFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { db: new sql.Database(), loaded: false };
    return moveAside(sql, file, reasonOf(error), options);
  }
  if (bytes.length === 0) return { db: new sql.Database(), loaded: false };
  let db: Database | undefined;
  try {
    db = new sql.Database(bytes);
    checkIntegrity(db);
    return { db, loaded: true };
  } catch (error) {
    db?.close();
    return moveAside(sql, file, reasonOf(error), options);
  }
}

function checkIntegrity(db: Database): void {
  const rows = db.exec('PRAGMA quick_check')[0]?.values ?? [];
  const problems = rows.map((row) => String(row[0])).filter((message) => message !== 'ok');
  if (rows.length === 0 || problems.length > 0) {
    throw new Error(`integrity check failed: ${problems.slice(0, 3).join('; ') || 'no result'}`);
  }
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
