/**
 * Turns one stderr line of the daemon (a JSON object with `level` and `message`) into a level and
 * a readable text for the log channel. Lines that are not JSON (a crash trace) are kept as errors.
 */
export type LogLineLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface ParsedLogLine {
  level: LogLineLevel;
  text: string;
}

const LEVELS: readonly LogLineLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export function daemonLogLine(line: string): ParsedLogLine | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(trimmed);
  } catch {
    return { level: 'error', text: trimmed };
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return { level: 'info', text: trimmed };
  const { level, message, time: _time, ...fields } = entry as Record<string, unknown>;
  const known = LEVELS.find((candidate) => candidate === level) ?? 'info';
  const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return { level: known, text: `${typeof message === 'string' ? message : JSON.stringify(message)}${extra}` };
}
