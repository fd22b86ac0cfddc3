/**
 * Reads one stderr line of the daemon: a JSON object with `time`, `level`, `message`, maybe `error`,
 * and other fields (daemon/logger.ts), or a line that is not JSON (a crash trace). One reading for
 * both clients, shown two ways: as a level and a text for a log (the extension's output channel),
 * and as the few words a person reads in an error message (the command line).
 */
export type LogLineLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface DaemonLogEntry {
  /** The line's level; an unknown one reads as info, a line that is not JSON as an error. */
  level: LogLineLevel;
  /** The message, or the whole line when it is not a JSON object. */
  message: string;
  /** The fields other than `time`, `level` and `message` (an `error` among them). */
  fields: Record<string, unknown>;
  /** Whether the line is one of the daemon's JSON log objects. */
  structured: boolean;
}

export interface ParsedLogLine {
  level: LogLineLevel;
  text: string;
}

const LEVELS: readonly LogLineLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** The entry of one line; undefined for a blank line. */
export function readDaemonLogLine(line: string): DaemonLogEntry | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(trimmed);
  } catch {
    return { level: 'error', message: trimmed, fields: {}, structured: false };
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return { level: 'info', message: trimmed, fields: {}, structured: false };
  const { level, message, time: _time, ...fields } = entry as Record<string, unknown>;
  return {
    level: LEVELS.find((candidate) => candidate === level) ?? 'info',
    message: typeof message === 'string' ? message : (JSON.stringify(message) ?? ''),
    fields,
    structured: true,
  };
}

/** A line for a log: its level, and its message followed by its other fields, without the time. */
export function daemonLogLine(line: string): ParsedLogLine | undefined {
  const entry = readDaemonLogLine(line);
  if (!entry) return undefined;
  const extra = Object.keys(entry.fields).length > 0 ? ` ${JSON.stringify(entry.fields)}` : '';
  return { level: entry.level, text: `${entry.message}${extra}` };
}

/** "message: the error's first line", without a stack or the error's class name. */
export function describeLogEntry(entry: DaemonLogEntry): string {
  const error = entry.fields.error;
  if (typeof error !== 'string') return entry.message;
  const first = error.split('\n')[0]!.replace(/^\w*Error: /, '');
  return entry.message ? `${entry.message}: ${first}` : first;
}
