/**
 * JSON-line logging to a writable (stderr in the daemon). stdout is the protocol, so nothing here
 * may ever write there. Every line passes the daemon's secret scrubber.
 */
import { SecretScrubber } from './secret-scrubber';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Never print this value: tells the scrubber of it. */
  redact(secret: string | undefined): void;
}

export function createLogger(
  write: (line: string) => void,
  now: () => Date = () => new Date(),
  scrubber: SecretScrubber = new SecretScrubber(),
): Logger {
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    const entry = { time: now().toISOString(), level, message, ...fields };
    let line: string;
    try {
      line = JSON.stringify(entry, (_key, value) => (value instanceof Error ? value.message : value));
    } catch {
      line = JSON.stringify({ time: entry.time, level, message });
    }
    write(`${scrubber.scrub(line)}\n`);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    redact: (secret) => scrubber.add(secret),
  };
}
