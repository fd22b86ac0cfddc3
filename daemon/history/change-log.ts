/**
 * The history's change log: one JSON line per statement run since the database file was last
 * written whole. Writing a large database whole costs time in proportion to its size (about a
 * hundred milliseconds at 100,000 jobs), so between whole writes each save appends its few rows
 * here instead, and opening the file replays them. Every statement is an upsert or an insert that
 * ignores duplicates, so a line replayed onto a file that already holds it changes nothing: a
 * crash between a whole write and the removal of the log loses and doubles nothing.
 *
 * A line names one of a fixed set of statements and carries its values, never SQL: a damaged or
 * hostile log can put values in the history's own tables and nothing else.
 */
import { open } from 'node:fs/promises';
import type { SqlValue } from 'sql.js';
import { APPEND_NO_FOLLOW, PRIVATE_FILE_MODE } from '../private-file';
import { JOB_COLUMNS } from './job-row';

export type ChangeEntry =
  /** A job row, by column name, so a later schema can read it. */
  | { s: 'job'; r: Record<string, SqlValue> }
  /** A batch row: id, config_path, created_at, finished_at, options. */
  | { s: 'batch'; p: SqlValue[] }
  /** An app's ports: model_slug, app_num, backend_port, frontend_port. */
  | { s: 'ports'; p: SqlValue[] }
  /** A value of the daemon's state: key, value (null when cleared), updated_at. */
  | { s: 'state'; p: SqlValue[] };

/**
 * A job row as the log carries it: without its empty cells, which replay reads back as null. Most
 * of a queued or cancelled job's columns are empty, and a batch logs 100,000 rows at once.
 */
export function jobChange(row: Readonly<Record<string, SqlValue>>): ChangeEntry {
  const cells: Record<string, SqlValue> = {};
  for (const column in row) {
    const cell = row[column];
    if (cell !== null && cell !== undefined) cells[column] = cell;
  }
  return { s: 'job', r: cells };
}

/** The log file next to the database; not a name SQLite itself gives its journals (`-journal`, `-wal`). */
export function changeLogPath(databaseFile: string): string {
  return `${databaseFile}.changes`;
}

/**
 * Appends to the log and flushes it to disk before resolving: a logged change survives a power cut
 * too. A new log is readable by the user only, as the history is.
 */
export async function appendChangeLog(file: string, data: readonly Uint8Array[]): Promise<void> {
  // Never through a link (ELOOP) or into a pipe: the log is the history's, in its folder.
  const handle = await open(file, APPEND_NO_FOLLOW, PRIVATE_FILE_MODE);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${file} is not a regular file`);
    // In its parts, one after the other: a batch's lines run to tens of megabytes.
    for (const part of data) await handle.writeFile(part);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

export function encodeChanges(entries: readonly ChangeEntry[]): string {
  if (entries.length === 0) return '';
  // Joined, not appended piece by piece: a batch's log text runs to megabytes, and a string built
  // by `+=` is a chain of pieces that encoding it for the write must first copy into one.
  return `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`;
}

export interface ParsedChangeLog {
  entries: ChangeEntry[];
  /** Lines left out, 1-based, with why. */
  skipped: Array<{ line: number; reason: string }>;
}

const BATCH_VALUES = 5;
const PORT_VALUES = 4;
const STATE_VALUES = 3;
const KNOWN_COLUMNS = new Set<string>(JOB_COLUMNS);

/**
 * The entries of a log's text. A last line without its newline was cut off by a crash while being
 * appended and is left out; so is any line that is not a known statement with values of the
 * right kinds. Never throws.
 */
export function parseChangeLog(text: string): ParsedChangeLog {
  const entries: ChangeEntry[] = [];
  const skipped: ParsedChangeLog['skipped'] = [];
  const lines = text.split('\n');
  // After the last newline comes either nothing or a line whose newline never made it to disk.
  const complete = lines.length - 1;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (index >= complete) {
      if (line !== '') skipped.push({ line: index + 1, reason: 'cut off while being written' });
      continue;
    }
    if (line.trim() === '') continue;
    const entry = toEntry(line);
    if (typeof entry === 'string') skipped.push({ line: index + 1, reason: entry });
    else entries.push(entry);
  }
  return { entries, skipped };
}

/** The entry a line holds, or why it holds none. */
function toEntry(line: string): ChangeEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { s, r, p } = value as { s?: unknown; r?: unknown; p?: unknown };
  if (s === 'job') {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'a job line without its row';
    const row: Record<string, SqlValue> = {};
    for (const [column, cell] of Object.entries(r)) {
      if (!KNOWN_COLUMNS.has(column)) return `unknown job column "${column}"`;
      if (!isCell(cell)) return `job column "${column}" holds neither text, a number nor null`;
      row[column] = cell;
    }
    if (typeof row.id !== 'string' || row.id === '') return 'a job row without an id';
    return { s, r: row };
  }
  if (s === 'batch' || s === 'ports' || s === 'state') {
    const count = s === 'batch' ? BATCH_VALUES : s === 'ports' ? PORT_VALUES : STATE_VALUES;
    if (!Array.isArray(p) || p.length !== count || !p.every(isCell)) {
      return `a ${s} line needs ${count} values (text, numbers or null)`;
    }
    return { s, p: p as SqlValue[] };
  }
  return `unknown statement ${JSON.stringify(s)}`;
}

function isCell(value: unknown): value is SqlValue {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
